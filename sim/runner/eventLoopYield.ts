/**
 * A reusable event-loop yield for VirtualClock.runUntilAsync: one MessageChannel for the whole day instead of one per
 * simulated instant (the clock's default makes, and closes, a channel per call; a server day has millions of
 * instants). A message round trip is a macrotask, so every microtask chain started in the instant (the fleet server's
 * promise chains over synchronous SQLite) has run when it resolves. Close it at the end, or it keeps the process alive.
 */
export interface EventLoopYield {
  pause: () => Promise<void>;
  close: () => void;
}

export function eventLoopYield(): EventLoopYield {
  const { port1, port2 } = new MessageChannel();
  const waiting: Array<() => void> = [];
  port1.on('message', () => waiting.shift()?.());
  return {
    pause: () => new Promise<void>((resolve) => {
      waiting.push(resolve);
      port2.postMessage(null);
    }),
    close: () => {
      port1.close();
      port2.close();
    },
  };
}
