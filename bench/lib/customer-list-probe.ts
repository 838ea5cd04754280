import type { Page } from 'playwright-core';
import { sendBatches } from './http.js';

const BATCH = 500;
const SURNAMES = [
  'Cohen',
  'Levi',
  'Mizrahi',
  'Peretz',
  'Biton',
  'Friedman',
  'Jovanovic',
  'Petrovic',
];

/** `count` identify calls (a name, an email) in batches for POST /v1/batch. */
function identifyBodies(count: number): Buffer[] {
  const bodies: Buffer[] = [];
  for (let start = 0; start < count; start += BATCH) {
    const batch = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      batch.push({
        type: 'identify',
        userId: `bulk-${i}`,
        messageId: `bulk-identify-${i}`,
        traits: {
          email: `bulk-${i}@example.com`,
          first_name: `Customer${i}`,
          last_name: SURNAMES[i % SURNAMES.length],
        },
      });
    }
    bodies.push(Buffer.from(JSON.stringify({ batch })));
  }
  return bodies;
}

export interface ListProbe {
  /** Slowest GET /api/v1/profiles the page made, and the same requests from Node. */
  ours: number;
  baseline: number;
  /** Per step: its slowest call (ms). */
  steps: { step: string; ms: number }[];
}

/**
 * Adds `count` customers through the tracking API (`catchUp` applies them: the bench's server
 * runs no background loops), then
 * pages the customer list in the browser: the first page, three pages on, a search matching
 * an eighth of them, one matching a handful (a full name) and one matching none (the
 * worst case: every profile is checked). Times every profiles call the page makes.
 */
export async function probeCustomerList(
  page: Page,
  opts: { url: string; adminKey: string; count: number; catchUp: () => Promise<void> },
): Promise<ListProbe> {
  const created = await fetch(`${opts.url}/api/v1/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${opts.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ scope: 'write', label: 'bench customers' }),
  });
  if (!created.ok) throw new Error(`write key: ${created.status} ${await created.text()}`);
  const { key } = (await created.json()) as { key: string };
  await sendBatches({
    baseUrl: opts.url,
    writeKey: key,
    bodies: identifyBodies(opts.count),
    eventsPerBody: BATCH,
    concurrency: 4,
  });
  await opts.catchUp();

  const calls: { url: string; ms: number }[] = [];
  page.on('requestfinished', (r) => {
    if (r.url().includes('/api/v1/profiles?') && r.method() === 'GET')
      calls.push({ url: r.url(), ms: r.timing().responseEnd });
  });
  const steps: ListProbe['steps'] = [];
  const step = async (name: string, act: () => Promise<void>) => {
    const before = calls.length;
    await act();
    await page.waitForLoadState('networkidle');
    await page.getByTestId('customer-table').and(page.locator('[aria-busy="false"]')).waitFor();
    steps.push({ step: name, ms: Math.max(0, ...calls.slice(before).map((c) => c.ms)) });
  };
  await step('first page', async () => {
    await page.goto(`${opts.url}/customers`);
  });
  for (const n of [2, 3, 4])
    await step(`page ${n}`, async () => {
      await page.getByRole('button', { name: 'Next page' }).click();
    });
  const search = page.getByTestId('customer-search');
  // The search box waits for typing to pause, so each search waits for its own answer.
  const searchFor = async (term: string) => {
    const answered = page.waitForResponse(
      (r) => r.url().includes('/api/v1/profiles?') && r.url().includes('q='),
    );
    await search.fill(term);
    await answered;
  };
  for (const [name, term] of [
    ['search an eighth', 'Jovan'],
    ['search a full name', 'Customer4242 Mizrahi'],
  ] as const)
    await step(name, () => searchFor(term));
  const before = calls.length;
  await searchFor('nobody-by-this-name');
  await page.getByText(/No customer matches/i).waitFor();
  steps.push({
    step: 'search matching none',
    ms: Math.max(0, ...calls.slice(before).map((c) => c.ms)),
  });

  let baseline = 0;
  for (const call of calls) {
    const u = new URL(call.url);
    const began = performance.now();
    const res = await fetch(`${opts.url}${u.pathname}${u.search}`, {
      headers: { authorization: `Bearer ${opts.adminKey}` },
    });
    await res.arrayBuffer();
    baseline = Math.max(baseline, performance.now() - began);
  }
  return { ours: Math.max(...steps.map((s) => s.ms)), baseline, steps };
}
