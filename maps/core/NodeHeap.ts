/**
 * An indexed binary min-heap of node ids keyed by a shared Float64Array of priorities. It keeps each node's heap
 * position, so lowering a key (decrease-key) is O(log n) with no duplicate entries. Sized once; reused per query.
 */
export class NodeHeap {
  readonly #items: Int32Array;
  /** Position of each node in #items, or -1. */
  readonly #pos: Int32Array;
  readonly #key: Float64Array;
  #size = 0;

  constructor(capacity: number, key: Float64Array) {
    this.#items = new Int32Array(Math.max(1, capacity));
    this.#pos = new Int32Array(Math.max(1, capacity)).fill(-1);
    this.#key = key;
  }

  get size(): number {
    return this.#size;
  }

  clear(): void {
    for (let i = 0; i < this.#size; i++) this.#pos[this.#items[i]!] = -1;
    this.#size = 0;
  }

  has(node: number): boolean {
    return this.#pos[node]! >= 0;
  }

  /** Smallest key without removing it; Infinity when empty. */
  peekKey(): number {
    return this.#size === 0 ? Infinity : this.#key[this.#items[0]!]!;
  }

  /** Inserts `node`, or restores heap order after its key was lowered. */
  push(node: number): void {
    let i = this.#pos[node]!;
    if (i < 0) {
      i = this.#size++;
      this.#items[i] = node;
      this.#pos[node] = i;
    }
    this.#up(i);
  }

  pop(): number {
    const top = this.#items[0]!;
    this.#pos[top] = -1;
    const last = this.#items[--this.#size]!;
    if (this.#size > 0) {
      this.#items[0] = last;
      this.#pos[last] = 0;
      this.#down(0);
    }
    return top;
  }

  #up(i: number): void {
    const items = this.#items;
    const node = items[i]!;
    const k = this.#key[node]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pn = items[parent]!;
      if (this.#key[pn]! <= k) break;
      items[i] = pn;
      this.#pos[pn] = i;
      i = parent;
    }
    items[i] = node;
    this.#pos[node] = i;
  }

  #down(i: number): void {
    const items = this.#items;
    const n = this.#size;
    const node = items[i]!;
    const k = this.#key[node]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.#key[items[child + 1]!]! < this.#key[items[child]!]!) child++;
      const cn = items[child]!;
      if (this.#key[cn]! >= k) break;
      items[i] = cn;
      this.#pos[cn] = i;
      i = child;
    }
    items[i] = node;
    this.#pos[node] = i;
  }
}
