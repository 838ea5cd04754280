import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { readConfig } from '../../packages/server/dist/config/config.js';
import { ManualClock } from '../../packages/server/dist/platform/clock.js';
import { createLogger } from '../../packages/server/dist/platform/logger.js';
import { startServer } from '../../packages/server/dist/server.js';
import type { Benchmark } from '../lib/benchmark.js';
import { removeDir, tempDir } from '../lib/cleanup.js';
import { resultRow, type ResultRow } from '../lib/result.js';
import { intFromEnv } from '../lib/scale.js';
import { fmt } from '../lib/stats.js';

const NAME = 'backtest';
const DAY = 86_400_000;
const WRITE_KEY = 'cbw_bench_write_key_000001';
const ADMIN_KEY = 'cba_bench_admin_key_000001';
const mjml = (x: string) =>
  `<mjml><mj-body><mj-section><mj-column><mj-text>${x}</mj-text></mj-column></mj-section></mj-body></mjml>`;

/** An ordinary store's traffic: mostly views, a few checkouts and orders. */
function eventName(x: number): string {
  if (x < 0.7) return 'Product Viewed';
  if (x < 0.85) return 'Product Added';
  if (x < 0.95) return 'Page Viewed';
  return x < 0.98 ? 'Checkout Started' : 'Order Completed';
}

const journeys = [
  {
    name: 'Abandoned cart',
    trigger: { type: 'event', event: 'Checkout Started' },
    entry: { rule: 'every_time' },
    goal: { event: 'Order Completed' },
    start: 'wait_order',
    steps: [
      {
        id: 'wait_order',
        type: 'wait_for_event',
        event: 'Order Completed',
        timeout: { amount: 4, unit: 'hours' },
        next: 'done',
        timeoutNext: 'cart_email',
      },
      { id: 'cart_email', type: 'send', template: 'Your cart', next: 'after_email' },
      { id: 'after_email', type: 'wait', duration: { amount: 1, unit: 'days' }, next: 'bought' },
      { id: 'bought', type: 'split_action', event: 'Order Completed', yes: 'done', no: 'again' },
      { id: 'again', type: 'send', template: 'Your cart', next: 'done' },
      { id: 'done', type: 'exit' },
    ],
  },
  {
    name: 'Browse abandonment',
    trigger: { type: 'event', event: 'Product Viewed' },
    entry: { rule: 'once_per', period: { amount: 1, unit: 'days' } },
    goal: { event: 'Order Completed' },
    start: 'wait',
    steps: [
      { id: 'wait', type: 'wait', duration: { amount: 2, unit: 'hours' }, next: 'carted' },
      { id: 'carted', type: 'split_action', event: 'Checkout Started', yes: 'done', no: 'nudge' },
      { id: 'nudge', type: 'send', template: 'Your cart', next: 'done' },
      { id: 'done', type: 'exit' },
    ],
  },
];

/**
 * `backtest`: a 30-day backtest over BENCH_BACKTEST_EVENTS (100,000) stored events of
 * BENCH_BACKTEST_PROFILES (5,000) profiles on SQLite, through an abandoned-cart journey and a
 * browse-abandonment one (quiet hours and an email budget on), via the API. Baseline: the floor
 * of any replay, a plain read of the same window's events with their profiles and each
 * payload parsed, in the same process.
 */
export const backtestBenchmark: Benchmark = {
  name: NAME,
  summary: 'a 30-day journey backtest over 100k stored events (SQLite) vs reading them',
  async run(ctx): Promise<ResultRow[]> {
    const events = intFromEnv('BENCH_BACKTEST_EVENTS', 100_000);
    const profiles = intFromEnv('BENCH_BACKTEST_PROFILES', 5_000);
    const dir = tempDir('backtest');
    const start = Math.ceil(Date.parse('2026-05-01T00:00:00Z') / DAY) * DAY;
    const clock = new ManualClock(start);
    const parsed = readConfig(
      {
        DATABASE_URL: `sqlite:${path.join(dir, 'comeback.db')}`,
        PORT: '0',
        HOST: '127.0.0.1',
        COMEBACK_WRITE_KEY: WRITE_KEY,
        COMEBACK_API_KEY: ADMIN_KEY,
        LOG_LEVEL: 'silent',
      },
      { clock: 'manual' },
    );
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    const server = await startServer(parsed.config, {
      logger: createLogger('silent'),
      clock,
      background: false,
    });
    try {
      const call = async (url: string, body: unknown, key = ADMIN_KEY, method = 'POST') => {
        const res = await fetch(`${server.url}${url}`, {
          method,
          headers: {
            'content-type': 'application/json',
            authorization:
              key === WRITE_KEY
                ? `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`
                : `Bearer ${key}`,
          },
          body: JSON.stringify(body),
        });
        if (res.status >= 300) throw new Error(`${url}: ${res.status} ${await res.text()}`);
        return (await res.json()) as Record<string, unknown>;
      };
      const settle = async () => {
        await server.services.appendQueue.drain();
        await server.services.processor.catchUp();
      };
      await call('/api/v1/templates', {
        name: 'Your cart',
        channel: 'email',
        kind: 'marketing',
        variants: {
          en: {
            subject: 'Your cart',
            body: mjml('Hi {{ profile.first_name | default: "there" }}'),
          },
        },
      });
      await call(
        '/api/v1/journey-settings',
        {
          budget: {
            email: [
              { max: 1, within: { amount: 16, unit: 'hours' } },
              { max: 3, within: { amount: 7, unit: 'days' } },
            ],
          },
          quietHours: { start: '21:00', end: '09:00' },
          timezone: 'Europe/Belgrade',
        },
        ADMIN_KEY,
        'PUT',
      );
      const ids: string[] = [];
      for (const j of journeys) ids.push(String((await call('/api/v1/journeys', j)).id));
      const people = Array.from({ length: profiles }, (_, i) => ({
        type: 'identify',
        userId: `u${i}`,
        traits: {
          email: `u${i}@example.com`,
          first_name: `U${i}`,
          ...(i % 5 !== 0 ? { email_consent: 'subscribed' } : {}),
        },
      }));
      for (let i = 0; i < people.length; i += 500)
        await call('/v1/batch', { batch: people.slice(i, i + 500) }, WRITE_KEY);
      await settle();
      // Their consent traits become consent records (the sends are gated on them).
      await server.services.consentFollower.drain();
      // A fixed sequence (a linear congruential generator), so every run replays the same store.
      let seed = 12345;
      const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
      const seedStarted = performance.now();
      for (let b = 0, n = 0; n < events; b++) {
        clock.set(start + Math.floor((n * 30 * DAY) / events));
        const batch = [];
        for (let k = 0; k < 100 && n < events; k++, n++) {
          const name = eventName(rand());
          const user = `u${Math.floor(rand() * profiles)}`;
          const properties =
            name === 'Order Completed'
              ? { order_id: `o${n}`, total: 10 + (n % 90) }
              : name === 'Checkout Started'
                ? { products: [{ name: 'Lenses', quantity: 2 }] }
                : { product_id: `p${n % 50}` };
          batch.push({ type: 'track', userId: user, event: name, messageId: `e${n}`, properties });
        }
        await call('/v1/batch', { batch }, WRITE_KEY);
        if (b % 100 === 99) await settle();
      }
      await settle();
      clock.set(start + 30 * DAY + 1000);
      ctx.log(
        `[backtest] ${fmt(events)} events of ${fmt(profiles)} profiles stored in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
      );

      // Baseline: read the window's events with their profiles, every payload parsed.
      const db = server.services.database.db;
      const readStarted = performance.now();
      let read = 0;
      for (let after = 0; ;) {
        const rows = await db
          .selectFrom('events as e')
          .innerJoin('event_profiles as ep', 'ep.seq', 'e.seq')
          .select(['e.seq', 'e.event', 'e.payload', 'ep.profile_id'])
          .where('e.seq', '>', after)
          .where('e.received_at', '>=', clock.now() - 30 * DAY)
          .orderBy('e.seq')
          .limit(5000)
          .execute();
        for (const r of rows) if (typeof r.payload === 'string') JSON.parse(r.payload);
        read += rows.length;
        const last = rows[rows.length - 1];
        if (!last) break;
        after = Number(last.seq);
      }
      const baselineS = (performance.now() - readStarted) / 1000;

      const rows: ResultRow[] = [];
      for (const [i, id] of ids.entries()) {
        const began = performance.now();
        const report = await call(`/api/v1/journeys/${id}/backtest`, { days: 30, samples: 5 });
        const seconds = (performance.now() - began) / 1000;
        const messages = report.messages as { total: number };
        ctx.log(
          `[backtest] ${journeys[i]?.name}: ${seconds.toFixed(2)} s; ${fmt(Number(report.events))} matching events, ${fmt(Number(report.entered))} entered, ${fmt(messages.total)} messages`,
        );
        rows.push(
          resultRow({
            name: NAME,
            metric: `backtest_30d_s_${i === 0 ? 'abandoned_cart' : 'browse_abandonment'}`,
            unit: 's',
            ours: seconds,
            baseline: baselineS,
            target: { atMost: 10 },
            digits: 2,
            notes:
              `SQLite, ${fmt(events)} events of ${fmt(profiles)} profiles over 30 days (70% ` +
              'views, 15% adds, 10% pages, 3% checkouts, 2% orders), quiet hours and an email ' +
              `budget on; "${journeys[i]?.name}" draft through POST /journeys/{id}/backtest: ` +
              `${fmt(Number(report.events))} matching events, ${fmt(Number(report.entered))} ` +
              `entered, ${fmt(messages.total)} messages. Baseline: reading the same ${fmt(read)} ` +
              'events with their profiles and parsing each payload, same process.',
          }),
        );
      }
      return rows;
    } finally {
      await server.stop();
      removeDir(dir);
    }
  },
};
