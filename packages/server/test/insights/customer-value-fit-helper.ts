/**
 * Customer-value fits are requested (202) and run by a job: these helpers request one and poll
 * it until it has finished, as a client would.
 */
import type { CustomerValueFit, CustomerValueRun } from '@comeback/contracts';
import { expect } from 'vitest';
import { json, type TestServer } from '../support/test-server.js';

const TERMINAL = new Set(['succeeded', 'failed']);

/** Polls GET .../fits/{id} until the fit succeeded or failed (at most `timeoutMs`). */
export async function awaitFit(t: TestServer, id: string, timeoutMs = 60_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const res = await t.api(`/api/v1/insights/customer-value/fits/${id}`);
    expect(res.status, await res.clone().text()).toBe(200);
    const fit = await json<CustomerValueFit>(res);
    if (TERMINAL.has(fit.status)) return fit;
    if (performance.now() > deadline) throw new Error(`fit ${id} still ${fit.status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** POST .../fit (expects 202 and the fit's Location), then its run once it succeeded. */
export async function fitAndWait(t: TestServer): Promise<CustomerValueRun> {
  const res = await t.api('/api/v1/insights/customer-value/fit', { method: 'POST' });
  expect(res.status, await res.clone().text()).toBe(202);
  const queued = await json<CustomerValueFit>(res);
  expect(res.headers.get('location')).toBe(`/api/v1/insights/customer-value/fits/${queued.id}`);
  const fit = await awaitFit(t, queued.id);
  expect(fit.status, fit.error ?? '').toBe('succeeded');
  if (!fit.run) throw new Error(`fit ${fit.id} succeeded without a run`);
  return fit.run;
}
