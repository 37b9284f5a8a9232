// Waiting on a real broker or socket in tests: messages arrive on the network's time, not the virtual clock's,
// so a wire test polls in wall time with a bound instead of asserting right after the call that caused them.

/** Resolves once `predicate` holds; rejects after `timeoutMs` of wall time, naming `what` was awaited. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
