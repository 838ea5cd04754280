import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';
import {
  assertBuilt,
  health,
  killAll,
  openReader,
  postTracking,
  readCursor,
  spawnServe,
  startServe,
  waitUntil,
} from './harness.js';
import { makeWorkload, sendBatches } from './workload.js';

/**
 * A server that starts with a backlog (after downtime of its worker, or after an api-only
 * process took the traffic) must keep answering HTTP and signals while its processor works
 * through it: /health must be able to show the lag, tracking must be acknowledged, and a
 * SIGTERM must stop it after the current batch, not after the whole backlog.
 */
const WRITE_KEY = 'cbw_process_backlog_write_01';
const ADMIN_KEY = 'cba_process_backlog_admin_01';
/**
 * Listening does not wait for the backlog (the processor starts after it): a start with one
 * takes 1.7-2.3 s here alone, as long as on an empty database, and went past 5 s once while CI
 * ran every test file in parallel on the same two cores. Ample headroom, still far below the
 * backlog's time to apply.
 */
const START_LIMIT_MS = 10_000;
const STOP_LIMIT_MS = 3_000;

beforeAll(() => assertBuilt());

describe.each(engines)('a server with a backlog on %s', (engine) => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await killAll();
    await db?.drop();
    db = undefined;
  });

  /** 50,000 acknowledged, unapplied events; small processor batches make them slow to apply. */
  async function withBacklog(): Promise<{ env: Record<string, string>; total: number }> {
    db = await freshDatabase(engine);
    const env = {
      DATABASE_URL: db.url,
      COMEBACK_WRITE_KEY: WRITE_KEY,
      COMEBACK_API_KEY: ADMIN_KEY,
    };
    const ingest = await startServe({ env, args: ['--role', 'api'] });
    const work = makeWorkload(`backlog-${engine}`, 1000);
    const sent = await sendBatches(ingest.url, WRITE_KEY, work.batches);
    expect(sent.failed).toEqual(new Map());
    expect(await ingest.process.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    return { env: { ...env, COMEBACK_PROCESSOR_BATCH: '10' }, total: work.messageIds.length };
  }

  it('listens, reports the lag and acknowledges tracking while it applies the backlog', async () => {
    const { env, total } = await withBacklog();
    const started = Date.now();
    const server = spawnServe({ env });
    const listening = await server.waitForStdout(
      /Comeback is listening on (http:\/\/\S+) /,
      START_LIMIT_MS,
    );
    const url = listening[1] ?? '';
    const lag = await health(url);
    expect(Date.now() - started).toBeLessThan(START_LIMIT_MS);
    expect(lag.processor.behindEvents).toBeGreaterThan(0);
    expect(lag.processor.head).toBe(total);

    const sentAt = Date.now();
    const res = await postTracking(url, '/v1/track', WRITE_KEY, { userId: 'u', event: 'Late' });
    expect(res.status).toBe(200);
    expect(Date.now() - sentAt).toBeLessThan(2_000);
    expect((await health(url)).processor.behindEvents).toBeGreaterThan(0);
  });

  it('stops promptly on SIGTERM in the middle of the backlog', async () => {
    const { env, total } = await withBacklog();
    const server = spawnServe({ env });
    const reader = await openReader(db?.url ?? '');
    try {
      await waitUntil(
        'the processor to start on the backlog',
        async () => ((await readCursor(reader)).position > 0 ? true : undefined),
        30_000,
        5,
      );
      const signalled = Date.now();
      expect(await server.stop('SIGTERM', 30_000)).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalled).toBeLessThan(STOP_LIMIT_MS);
      expect((await readCursor(reader)).position).toBeLessThan(total);
    } finally {
      await reader.close();
    }
  });
});
