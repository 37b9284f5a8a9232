/**
 * Holds at most one pending value per key until drained: a newer value replaces the older one in place, keeping the
 * key's position, so a burst of updates from one robot costs one message per flush while the order in which robots
 * first changed is kept.
 */
export class LatestWinsBuffer<K, V> {
  readonly #pending = new Map<K, V>();
  #replaced = 0;

  /** Stores `value` for `key`; returns true when the buffer was empty before (the caller schedules a flush then). */
  put(key: K, value: V): boolean {
    const wasEmpty = this.#pending.size === 0;
    if (this.#pending.has(key)) this.#replaced++;
    this.#pending.set(key, value);
    return wasEmpty;
  }

  /** Returns the pending values in first-put order and empties the buffer. */
  drain(): V[] {
    const values = [...this.#pending.values()];
    this.#pending.clear();
    return values;
  }

  /** Keys waiting to be drained. */
  get size(): number {
    return this.#pending.size;
  }

  /** How many values were overwritten before being drained (updates saved), since construction. */
  get replaced(): number {
    return this.#replaced;
  }
}
