/**
 * yieldToEventLoop (platform/event-loop.ts): a loop of synchronous steps lets timers and
 * sockets run within a few milliseconds, without paying an event-loop turn for every step.
 */
import { expect, it } from 'vitest';
import { yieldToEventLoop } from '../src/platform/event-loop.js';

/** A step of synchronous work (an SQLite query) lasting `ms`. */
function work(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* busy */
  }
}

it('lets waiting callbacks run once a slice is over, not at every step', async () => {
  await yieldToEventLoop(); // a fresh slice
  let ran = false;
  setImmediate(() => (ran = true));
  const start = performance.now();
  let steps = 0;
  while (!ran && performance.now() - start < 1000) {
    work(0.05);
    steps += 1;
    await yieldToEventLoop();
  }
  expect(ran).toBe(true);
  // Steps went by without a turn (a turn per step would have run it after the first), and the
  // callback waited about a slice (5 ms), not the whole loop.
  expect(steps).toBeGreaterThan(1);
  expect(performance.now() - start).toBeLessThan(50);
});
