import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { migrateToLatest, openDatabase } from '../../packages/server/dist/platform/db/database.js';
import { removeDir, tempDir } from './cleanup.js';
import { procUsage } from './proc.js';
import { EventGenerator, type SegmentCall } from './data.js';
import type { Scale } from './scale.js';
import { percentile } from './stats.js';

/** The statement the server's event log uses for SQLite appends. */
const INSERT_SQL = `insert into events
  (workspace_id, message_id, type, event, user_id, anonymous_id, timestamp, received_at, payload)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?)
  on conflict (workspace_id, message_id) do nothing`;

type Row = [string, string, string, string | null, string | null, string, number, number, string];

function rowOf(call: SegmentCall, receivedAt: number): Row {
  return [
    'default',
    call.messageId,
    call.type,
    typeof call.event === 'string' ? call.event : null,
    typeof call.userId === 'string' ? call.userId : null,
    call.anonymousId,
    Date.parse(call.timestamp),
    receivedAt,
    JSON.stringify(call),
  ];
}

export interface BaselineResult {
  eventsPerS: number;
  /** Time of one transaction of `perRequest` rows (ms). */
  txnP50Ms: number;
  txnP99Ms: number;
  elapsedMs: number;
  /** Bytes this process wrote to disk per event (Linux), for comparison with the server. */
  writeBytesPerEvent: number | null;
}

/**
 * The ingest baseline: the same rows (same generator, same seed, warm-up first) inserted with
 * better-sqlite3 directly into a fresh file with the server's own migrations and pragmas (WAL,
 * synchronous=FULL), `perRequest` rows per IMMEDIATE transaction with one prepared statement.
 * Rows are built before timing, in chunks; only the transactions are timed.
 */
export async function rawInsertBaseline(scale: Scale): Promise<BaselineResult> {
  const dir = tempDir('baseline');
  const database = openDatabase(`sqlite:${path.join(dir, 'baseline.db')}`);
  try {
    await migrateToLatest(database);
    if (database.dialect !== 'sqlite') throw new Error('the baseline runs on SQLite');
    const raw = database.sqlite.raw;
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = FULL');
    const insert = raw.prepare(INSERT_SQL);
    const insertMany = raw.transaction((rows: Row[]) => {
      for (const r of rows) insert.run(...r);
    });
    const gen = new EventGenerator(scale.data);
    const chunkEvents = 20 * scale.perRequest;

    const run = (events: number, timed: number[] | null) => {
      for (let done = 0; done < events; done += chunkEvents) {
        const n = Math.min(chunkEvents, events - done);
        const receivedAt = Date.now();
        const rows = gen.take(n).map((call) => rowOf(call, receivedAt));
        for (let i = 0; i < rows.length; i += scale.perRequest) {
          const part = rows.slice(i, i + scale.perRequest);
          const started = performance.now();
          insertMany.immediate(part);
          timed?.push(performance.now() - started);
        }
      }
    };
    run(scale.warmupEvents, null);
    const txnMs: number[] = [];
    const io0 = procUsage(process.pid);
    run(scale.events, txnMs);
    const io1 = procUsage(process.pid);
    const elapsedMs = txnMs.reduce((a, b) => a + b, 0);
    return {
      eventsPerS: scale.events / (elapsedMs / 1000),
      txnP50Ms: percentile(txnMs, 50),
      txnP99Ms: percentile(txnMs, 99),
      elapsedMs,
      writeBytesPerEvent: io0 && io1 ? (io1.writeBytes - io0.writeBytes) / scale.events : null,
    };
  } finally {
    await database.close();
    removeDir(dir);
  }
}
