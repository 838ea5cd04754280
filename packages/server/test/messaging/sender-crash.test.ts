/**
 * A sender process killed mid-batch (SIGKILL, 10 times, at a random 20-200 ms into its drain)
 * and restarted each time past its lease: every queued message still reaches the SMTP sink,
 * and a message that reaches it twice is one whose sender died between the provider call and
 * recording 'sent' (its history shows a second 'sending'). Exactly-once for the receiver is
 * by Message-ID: the distinct Message-IDs at the sink are exactly the outbox's messages.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Outbox } from '../../src/modules/messaging/outbox.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';
import { assertBuilt } from '../process/harness.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

const CHILD = fileURLToPath(new URL('./fixtures/sender-child.mjs', import.meta.url));
const N = 200;
const KILLS = 10;
const LEASE_MS = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Run {
  /** Killed while draining (false: it finished first and exited by itself). */
  killed: boolean;
  code: number | null;
  stderr: string;
}

/**
 * One sender process. With `killAfterMs`, it is SIGKILLed that long after its first message
 * reached the sink: timed from its start, a loaded machine would kill it before its first SMTP
 * handshake every time, always with the same first messages in flight.
 */
function runSender(
  env: Record<string, string>,
  sink: SmtpSink,
  killAfterMs?: number,
): Promise<Run> {
  const before = sink.messages.length;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let killed = false;
    const alive = () => child.exitCode === null && child.signalCode === null;
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const poll =
      killAfterMs === undefined
        ? undefined
        : setInterval(() => {
            if (sink.messages.length === before) return;
            clearInterval(poll);
            setTimeout(() => {
              if (!alive()) return;
              killed = true;
              child.kill('SIGKILL');
            }, killAfterMs);
          }, 2);
    child.stdout.resume();
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(watchdog);
      clearInterval(poll);
      resolve({ killed, code, stderr });
    });
  });
}

describe.each(engines)('a sender process killed mid-batch, %s', (engine) => {
  let tdb: TestDatabase;
  let database: Database;
  let sink: SmtpSink;

  beforeAll(() => assertBuilt());
  afterEach(async () => {
    await sink?.close();
    await database?.close();
    await tdb?.drop();
  });

  it(`delivers all ${N} messages through ${KILLS} kills, duplicates only after a kill`, async () => {
    tdb = await freshDatabase(engine);
    database = openDatabase(tdb.url);
    await migrateToLatest(database);
    await database.db
      .insertInto('workspaces')
      .values({ id: 'w1', name: 'one', currency: 'USD', created_at: 0 })
      .execute();
    sink = await startSmtpSink();
    const outbox = new Outbox(database);
    const now = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      const { id } = await outbox.enqueue(
        {
          workspaceId: 'w1',
          profileId: `p${i}`,
          channel: 'email',
          kind: 'transactional',
          templateId: null,
          templateVersion: null,
          language: 'en',
          dedupeKey: `crash:${i}`,
          to: `r${i}@example.test`,
          subject: `Order ${i}`,
          html: `<p>Order ${i} shipped</p>`,
          text: `Order ${i} shipped`,
        },
        now,
      );
      ids.push(id);
    }

    const env = { DATABASE_URL: tdb.url, SMTP_URL: sink.url, LEASE_MS: String(LEASE_MS) };
    const runs: Run[] = [];
    for (let k = 0; k < KILLS; k++) {
      runs.push(await runSender(env, sink, 20 + Math.floor(Math.random() * 181)));
      // Past the dead sender's lease, on the real clock both processes read.
      await sleep(LEASE_MS + 50);
    }
    // Then senders that are left alone, until nothing is due (a few at most).
    for (let extra = 0; extra < 5; extra++) {
      const left = await database.db
        .selectFrom('messages')
        .select('id')
        .where('status', '!=', 'sent')
        .execute();
      if (left.length === 0) break;
      const run = await runSender(env, sink);
      expect(run, run.stderr).toMatchObject({ killed: false, code: 0 });
      runs.push(run);
    }

    const killed = runs.filter((r) => r.killed).length;
    // At least the first kill, with 200 messages to send, came mid-batch.
    expect(runs[0]?.killed).toBe(true);
    for (const r of runs.filter((x) => !x.killed)) expect(r.code, r.stderr).toBe(0);

    const rows = await database.db.selectFrom('messages').select(['id', 'status']).execute();
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(N);

    const expected = new Set(ids.map((id) => `<${id}@shop.test>`));
    const atSink = new Map<string, number>();
    for (const m of sink.messages) {
      const id = m.messageId ?? '(none)';
      atSink.set(id, (atSink.get(id) ?? 0) + 1);
    }
    // Nothing but outbox messages, and each of them at least once.
    expect([...atSink.keys()].filter((id) => !expected.has(id))).toEqual([]);
    expect(atSink.size).toBe(N);

    let duplicates = 0;
    for (const id of ids) {
      const times = atSink.get(`<${id}@shop.test>`) ?? 0;
      const history = (await outbox.get('w1', id))?.history ?? [];
      const sendings = history.filter((h) => h.status === 'sending').length;
      // Every arrival is an attempt the outbox recorded: a second arrival needs a second
      // 'sending', which only a claim after a dead sender's lease makes.
      expect(times, `${id} arrived more often than it was sent`).toBeLessThanOrEqual(sendings);
      expect(history.at(-1)?.status).toBe('sent');
      duplicates += times - 1;
    }
    // A kill can only duplicate what was in flight: at most the sender's concurrency (8).
    expect(duplicates).toBeLessThanOrEqual(killed * 8);
    console.log(
      `[${engine}] ${killed} of ${runs.length} sender runs killed mid-batch; ` +
        `${sink.messages.length} arrivals for ${N} messages: ${duplicates} duplicate(s), ` +
        `${atSink.size} distinct Message-IDs`,
    );
  }, 180_000);
});
