/**
 * Lets timers, sockets and signals run before going on. On SQLite every query completes
 * synchronously, so a loop over a backlog would otherwise hold the event loop (HTTP answers,
 * the sender's SMTP calls, SIGTERM) until the backlog was done.
 */
export const yieldToEventLoop = (): Promise<void> =>
  new Promise<void>((resolve) => setImmediate(resolve));
