/**
 * The longest a loop of steps holds the event loop between two yields. A yield costs a turn of
 * the event loop (~0.1 ms): once per step, a journey pass over a backlog spent a tenth of its
 * time yielding (208,000 yields in the demo at 3,000 customers); once per slice it costs
 * nothing measurable, and timers, sockets and signals still wait at most this long.
 */
const SLICE_MS = 5;

/** When the event loop last had a turn through this function (operational time). */
let sliceStart = performance.now();

/**
 * Lets timers, sockets and signals run before going on, once the current slice has lasted
 * SLICE_MS. On SQLite every query completes synchronously, so a loop over a backlog would
 * otherwise hold the event loop (HTTP answers, the sender's SMTP calls, SIGTERM) until the
 * backlog was done.
 */
export const yieldToEventLoop = (): Promise<void> => {
  if (performance.now() - sliceStart < SLICE_MS) return Promise.resolve();
  return new Promise<void>((resolve) =>
    setImmediate(() => {
      sliceStart = performance.now();
      resolve();
    }),
  );
};
