import { describe, expect, it } from 'vitest';
import { Random } from '../../common/core/Random.ts';
import { graphFromAscii } from '../test/graphFromAscii.ts';
import { createRouter, NO_ROUTE } from './createRouter.ts';
import type { PathGraph } from './PathGraph.ts';

const ROOMS = `
.......@......
.@@@@@.@.@@@@.
.@...@...@....
.@.@.@@@@@.@@.
...@..........
`;

/** Plain Dijkstra with a binary-search-free O(n²) scan: an independent oracle for shortest costs. */
function dijkstraCost(graph: PathGraph, from: number, to: number, blocked: (e: number) => boolean = () => false): number {
  const dist = new Float64Array(graph.nodeCount).fill(Infinity);
  const done = new Uint8Array(graph.nodeCount);
  dist[from] = 0;
  for (;;) {
    let v = -1;
    for (let i = 0; i < graph.nodeCount; i++) if (!done[i] && dist[i]! < Infinity && (v < 0 || dist[i]! < dist[v]!)) v = i;
    if (v < 0) return Infinity;
    if (v === to) return dist[v]!;
    done[v] = 1;
    for (let k = graph.arcOffset[v]!; k < graph.arcOffset[v + 1]!; k++) {
      if (blocked(graph.arcEdge[k]!)) continue;
      const w = graph.arcTarget[k]!;
      dist[w] = Math.min(dist[w]!, dist[v]! + graph.arcCost[k]!);
    }
  }
}

describe('createRouter', () => {
  it('finds the shortest ASCII path around walls', () => {
    const campus = graphFromAscii(ROOMS);
    const r = createRouter(campus.graph).route(campus.nodeAt(2, 2), campus.nodeAt(2, 12));
    expect(r.found).toBe(true);
    expect(r.lengthM).toBeCloseTo(140, 6);
    expect(campus.draw(r.nodes)).toBe(`
.......@......
.@@@@@.@.@@@@.
.@***@...@***.
.@.@*@@@@@*@@.
...@*******...
`.trim());
  });

  it('matches an independent Dijkstra on random grids, both ways and with reused search state', () => {
    const rnd = new Random(7);
    for (let trial = 0; trial < 5; trial++) {
      const rows = Array.from({ length: 12 }, () => Array.from({ length: 16 }, () => (rnd.chance(0.25) ? '@' : rnd.chance(0.2) ? '=' : '.')).join(''));
      const campus = graphFromAscii(rows.join('\n'));
      const g = campus.graph;
      const router = createRouter(g);
      for (let q = 0; q < 40; q++) {
        const a = rnd.int(0, g.nodeCount - 1);
        const b = rnd.int(0, g.nodeCount - 1);
        const r = router.route(a, b);
        const expected = dijkstraCost(g, a, b);
        if (expected === Infinity) expect(r).toBe(NO_ROUTE);
        else {
          expect(r.cost).toBeCloseTo(expected, 9);
          expect(r.nodes[0]).toBe(a);
          expect(r.nodes[r.nodes.length - 1]).toBe(b);
          // The edges really chain the nodes together.
          r.edges.forEach((e, i) => {
            const ends = [g.edgeFrom[e], g.edgeTo[e]];
            expect(ends).toContain(r.nodes[i]);
            expect(ends).toContain(r.nodes[i + 1]);
          });
        }
      }
    }
  });

  it('costsFrom fills a distance-matrix row that agrees with route()', () => {
    const campus = graphFromAscii(ROOMS);
    const router = createRouter(campus.graph);
    const from = campus.nodeAt(0, 0);
    const row = router.costsFrom(from);
    for (let v = 0; v < campus.graph.nodeCount; v++) expect(row[v]).toBeCloseTo(router.route(from, v).cost, 9);
    expect(row[from]).toBe(0);
    const split = graphFromAscii('..@..');
    expect(createRouter(split.graph).costsFrom(split.nodeAt(0, 0))[split.nodeAt(0, 4)]).toBe(Infinity);
  });

  it('prefers footways over a shorter shared road (cost = length × class factor)', () => {
    const campus = graphFromAscii(`
.=====.
.......
`);
    const r = createRouter(campus.graph).route(campus.nodeAt(0, 0), campus.nodeAt(0, 6));
    // Down, along the footway and up: 80 m at factor 1 beats the 60 m road at factor 1.5 (cost 90).
    expect(r.lengthM).toBeCloseTo(80, 6);
    expect(r.cost).toBeCloseTo(80, 6);
    expect(createRouter(campus.graph, { cost: (e) => campus.graph.edgeLengthM[e]! }).route(campus.nodeAt(0, 0), campus.nodeAt(0, 6)).lengthM).toBeCloseTo(60, 6);
  });

  it('routes around a blocked edge without a rebuild, and returns NO_ROUTE when the block cuts the graph', () => {
    const campus = graphFromAscii(`
.....
.@@@.
.....
`);
    const g = campus.graph;
    const a = campus.nodeAt(0, 0);
    const b = campus.nodeAt(0, 4);
    const topEdge = g.arcEdge[g.arcOffset[campus.nodeAt(0, 2)]!]!;
    let closed = new Set<number>([topEdge]);
    const router = createRouter(g, { blocked: (e) => closed.has(e) });
    expect(router.route(a, b).lengthM).toBeCloseTo(80, 6);
    closed = new Set();
    expect(router.route(a, b).lengthM).toBeCloseTo(40, 6);
    const cut = new Set<number>();
    for (const v of [campus.nodeAt(0, 1), campus.nodeAt(2, 1)]) for (let k = g.arcOffset[v]!; k < g.arcOffset[v + 1]!; k++) cut.add(g.arcEdge[k]!);
    closed = cut;
    expect(router.route(a, b)).toBe(NO_ROUTE);
    expect(dijkstraCost(g, a, b, (e) => cut.has(e))).toBe(Infinity);
  });

  it('answers pairs in different components with NO_ROUTE at once (frozen value)', () => {
    const campus = graphFromAscii(`
...@...
...@...
`);
    expect(campus.graph.componentCount).toBe(2);
    const r = createRouter(campus.graph).route(campus.nodeAt(0, 0), campus.nodeAt(1, 6));
    expect(r).toBe(NO_ROUTE);
    expect(Object.isFrozen(NO_ROUTE)).toBe(true);
    expect(r.found).toBe(false);
  });

  it('honours one-way footways', () => {
    const campus = graphFromAscii(`
.>.
`);
    const router = createRouter(campus.graph);
    expect(router.route(campus.nodeAt(0, 0), campus.nodeAt(0, 2)).lengthM).toBeCloseTo(20, 6);
    expect(router.route(campus.nodeAt(0, 2), campus.nodeAt(0, 0))).toBe(NO_ROUTE);
  });

  it('route to itself is an empty path; unknown node ids are programmer errors', () => {
    const campus = graphFromAscii('...');
    const router = createRouter(campus.graph);
    const r = router.route(1, 1);
    expect(r.found && r.nodes).toEqual([1]);
    expect(r.lengthM).toBe(0);
    expect(() => router.route(0, 99)).toThrow(/node 99 is not in the graph/);
  });
});
