/**
 * Test helper: draws a campus as an ASCII grid and builds its path graph through the real builder.
 *   '.' footway cell, '=' shared-road cell (costs more), '>' footway cell whose edge to the right is one-way
 *   eastward, '@' or ' ' nothing. Orthogonally adjacent drivable cells are joined by a way 10 m long.
 * Row 0 is the top (north); cell (row, col) sits at x = 10·col, y = −10·row metres.
 */
import { buildPathGraph } from '../core/buildPathGraph.ts';
import type { MapWay } from '../core/CampusFeatures.ts';
import { createLocalFrame } from '../core/LocalFrame.ts';
import type { LocalFrame } from '../core/LocalFrame.ts';
import type { PathGraph } from '../core/PathGraph.ts';

export const CELL_M = 10;

export interface AsciiCampus {
  graph: PathGraph;
  frame: LocalFrame;
  ways: MapWay[];
  /** Graph node at a cell (throws if the cell is not on the graph). */
  nodeAt(row: number, col: number): number;
  /** The grid with the given nodes drawn as '*', for readable assertions. */
  draw(nodes: readonly number[]): string;
}

export function graphFromAscii(picture: string, options: { keepLargestComponent?: boolean } = {}): AsciiCampus {
  const rows = picture.split('\n').filter((l) => l.trim() !== '').map((l) => l.trim());
  const frame = createLocalFrame([104, 30.7]);
  const open = (r: number, c: number) => { const ch = rows[r]?.[c]; return ch === '.' || ch === '=' || ch === '>'; };
  const lonLat = (r: number, c: number) => frame.toLonLat({ x: CELL_M * c, y: -CELL_M * r });
  const ways: MapWay[] = [];
  for (let r = 0; r < rows.length; r++) {
    for (let c = 0; c < rows[r]!.length; c++) {
      if (!open(r, c)) continue;
      for (const [dr, dc] of [[0, 1], [1, 0]] as const) {
        if (!open(r + dr, c + dc)) continue;
        const shared = rows[r]![c] === '=' || rows[r + dr]![c + dc] === '=';
        const oneway = dc === 1 && rows[r]![c] === '>';
        ways.push({
          id: `way/r${r}c${c}${dc === 1 ? 'E' : 'S'}`,
          coords: [lonLat(r, c), lonLat(r + dr, c + dc)],
          tags: { highway: shared ? 'residential' : 'footway', ...(oneway ? { oneway: 'yes' } : {}) },
        });
      }
    }
  }
  const { graph } = buildPathGraph(ways, frame, { snapToleranceM: 0, keepLargestComponent: options.keepLargestComponent ?? false });
  const byCell = new Map<string, number>();
  for (let v = 0; v < graph.nodeCount; v++) {
    byCell.set(`${Math.round(-graph.nodeY[v]! / CELL_M)},${Math.round(graph.nodeX[v]! / CELL_M)}`, v);
  }
  return {
    graph, frame, ways,
    nodeAt(row, col) {
      const v = byCell.get(`${row},${col}`);
      if (v === undefined) throw new Error(`graphFromAscii: no node at row ${row}, col ${col}`);
      return v;
    },
    draw(nodes) {
      const grid = rows.map((l) => [...l]);
      for (const v of nodes) grid[Math.round(-graph.nodeY[v]! / CELL_M)]![Math.round(graph.nodeX[v]! / CELL_M)] = '*';
      return grid.map((l) => l.join('')).join('\n');
    },
  };
}
