/**
 * A FIFO async mutex: one holder at a time, waiters served in arrival order. The SQLite adapter shares one
 * connection, so a transaction that awaits between statements must keep every other caller out until it ends.
 */
export class AsyncMutex {
  #tail: Promise<void> = Promise.resolve();

  /** Runs `fn` once every earlier holder has finished; the lock is released however `fn` ends. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const turn = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.#tail;
    this.#tail = previous.then(() => turn);
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
