/**
 * The journey canvas under load for the dashboard benchmark: a journey of N steps opened in
 * the signed-in page (time until its blocks are drawn and the page is idle), then one block
 * dragged across the canvas while the page records its frame times (requestAnimationFrame).
 */
import type { Page } from 'playwright-core';

export interface CanvasProbe {
  steps: number;
  openMs: number;
  frameP95Ms: number;
}

/** A linear journey: an event trigger, N-1 one-day waits, an exit. */
export function chainJourney(name: string, steps: number): Record<string, unknown> {
  const ids = Array.from({ length: steps - 1 }, (_, i) => `wait_${i + 1}`);
  return {
    name,
    trigger: { type: 'event', event: 'Bench Event' },
    start: ids[0],
    steps: [
      ...ids.map((id, i) => ({
        id,
        type: 'wait',
        duration: { amount: 1, unit: 'days' },
        next: ids[i + 1] ?? 'done',
      })),
      { id: 'done', type: 'exit' },
    ],
  };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

export async function probeCanvas(
  page: Page,
  url: string,
  journeyId: string,
  steps: number,
): Promise<CanvasProbe> {
  const began = performance.now();
  await page.goto(`${url}/journeys/${journeyId}`);
  const first = page.getByTestId('node-wait_1');
  await first.waitFor();
  await page.waitForLoadState('networkidle');
  const openMs = performance.now() - began;
  const box = await first.boundingBox();
  if (!box) throw new Error('the first block has no box');
  await page.evaluate(`(() => {
    window.__frames = [];
    let last = performance.now();
    const tick = (t) => { window.__frames.push(t - last); last = t; if (!window.__stop) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 60; i++) {
    await page.mouse.move(box.x + box.width / 2 + i * 4, box.y + box.height / 2 + i * 2);
  }
  await page.mouse.up();
  const frames = (await page.evaluate('(window.__stop = true, window.__frames)')) as number[];
  return { steps, openMs, frameP95Ms: percentile(frames.slice(1), 95) };
}
