import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type BetterSqlite3 from 'better-sqlite3';
import { openDatabase, type Database } from '../../packages/server/dist/platform/db/database.js';
import { removeDir, tempDir } from './cleanup.js';
import { spreadDueTimes } from './journey-setup.js';
import { measurePhase } from './proc.js';
import { resultRow, type ResultRow } from './result.js';
import { API_KEY, startServer, type ServerHandle } from './server.js';
import { fmt, sleep } from './stats.js';
import {
  describeWindow,
  GRACE_MS,
  WINDOW_FROM_MS,
  WINDOW_TO_MS,
  windowFigures,
  type WindowFigures,
} from './timer-window.js';

/** The processor's idle poll (Processor.start's default); the baseline polls the same way. */
const POLL_MS = 200;
/** Rows per insert transaction: the running processor gets the write lock in between. */
const ROWS_PER_TRANSACTION = 50_000;
const WORKSPACE = 'default';
const DAY = 86_400_000;

export interface SegmentTimerOptions {
  pending: number;
  spreadS: number;
  seed: number;
  nodeArgs: string[];
  log: (line: string) => void;
}

const profileId = (i: number) => `st${String(i).padStart(8, '0')}`;

/**
 * When each re-check of the window ran: the `at` of the profile's exit in segment_changes (the
 * instant the processor's batch read its clock).
 */
function windowLateness(
  raw: BetterSqlite3.Database,
  segmentId: string,
  due: Float64Array,
  from: number,
  to: number,
): WindowFigures {
  const rows = raw
    .prepare(
      `select profile_id, at from segment_changes
       where segment_id = ? and kind = 'exited' and at >= ?`,
    )
    .all(segmentId, from) as { profile_id: string; at: number }[];
  const exits = new Map(rows.map((r) => [r.profile_id, Number(r.at)]));
  return windowFigures(due, from, to, (i) => exits.get(profileId(i)));
}

const describe = (w: WindowFigures) => describeWindow(w, 're-checks');

async function adminCall(url: string, method: string, route: string, body?: unknown) {
  const res = await fetch(`${url}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${API_KEY}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Waits until the processor has taken in the segment's definition (its first evaluation). */
async function untilEvaluated(raw: BetterSqlite3.Database, segmentId: string, version: number) {
  const state = raw.prepare('select version from segment_states where segment_id = ?');
  for (let i = 0; i < 600; i++) {
    const row = state.get(segmentId) as { version: number } | undefined;
    if (row && Number(row.version) >= version) return;
    await sleep(100);
  }
  throw new Error('the processor did not evaluate the new segment within 60 s');
}

/**
 * Members of "viewed in the last 30 days" whose last view is about to leave the window, each
 * with its window timer due at `due[i]`: the rows the processor would have left for them (the
 * view itself is not stored, so each re-check finds the window empty and writes an exit).
 * Written straight into the tables, in transactions of ROWS_PER_TRANSACTION profiles, while the
 * server runs.
 */
function writeMembers(raw: BetterSqlite3.Database, segmentId: string, due: Float64Array) {
  const now = Date.now();
  const profile = raw.prepare(
    `insert into profiles (id, workspace_id, created_at, updated_at, traits, trait_times,
       order_count, total_spent, refunded_total, categories_bought, products_bought,
       recreated_after_erasure)
     values (?, '${WORKSPACE}', ?, ?, '{}', '{}', 0, 0, 0, '[]', '[]', 0)`,
  );
  const member = raw.prepare(
    `insert into segment_memberships (segment_id, profile_id, workspace_id, entered_at, cause)
     values (?, ?, '${WORKSPACE}', ?, 'bench')`,
  );
  const timer = raw.prepare(
    `insert into segment_profile_timers (profile_id, workspace_id, due_at) values (?, '${WORKSPACE}', ?)`,
  );
  const chunk = raw.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const id = profileId(i);
      const d = due[i] ?? now;
      profile.run(id, d - 40 * DAY, d - 30 * DAY);
      member.run(segmentId, id, d - 30 * DAY);
      timer.run(id, d);
    }
  });
  for (let i = 0; i < due.length; i += ROWS_PER_TRANSACTION)
    chunk(i, Math.min(due.length, i + ROWS_PER_TRANSACTION));
}

/**
 * The minimal re-check worker, for the baseline: every POLL_MS (or at once while behind), in
 * one transaction, the due timers (10,000 at most, by due time), and for each the exit the
 * processor would write - the membership deleted, the change inserted, the timer deleted - with
 * prepared statements and no evaluation at all. Runs until `until` (epoch ms).
 */
async function baselinePoller(raw: BetterSqlite3.Database, segmentId: string, until: number) {
  const take = raw.prepare(
    'select profile_id from segment_profile_timers where due_at <= ? order by due_at limit 10000',
  );
  const dropTimer = raw.prepare('delete from segment_profile_timers where profile_id = ?');
  const dropMember = raw.prepare(
    'delete from segment_memberships where segment_id = ? and profile_id = ?',
  );
  const change = raw.prepare(
    `insert into segment_changes (workspace_id, segment_id, profile_id, kind, at, cause)
     values ('${WORKSPACE}', ?, ?, 'exited', ?, 'time: a window moved')`,
  );
  const pass = raw.transaction((now: number) => {
    const rows = take.all(now) as { profile_id: string }[];
    for (const r of rows) {
      dropTimer.run(r.profile_id);
      dropMember.run(segmentId, r.profile_id);
      change.run(segmentId, r.profile_id, now);
    }
    return rows.length;
  });
  while (Date.now() < until) {
    const n = pass(Date.now());
    if (n < 10_000) await sleep(POLL_MS);
  }
}

/**
 * p99 lateness of segment window re-checks with `pending` timers waiting (SQLite, one `serve`
 * process on the system clock): a "viewed in the last 30 days" segment is created over the
 * API; `pending` members are written behind it, each with its timer due evenly (seeded order)
 * over the next `spreadS` seconds; the re-checks falling due 20-30 s after the last write are
 * measured by their exits. Baseline, same file, right after: the server stopped, the minimal
 * poller above on the timers still pending, its own 20-30 s window.
 */
export async function segmentTimerRow(o: SegmentTimerOptions): Promise<ResultRow> {
  const dir = tempDir('segment-timers');
  const url = `sqlite:${path.join(dir, 'comeback.db')}`;
  let server: ServerHandle | undefined;
  let database: Database | undefined;
  try {
    server = await startServer({ databaseUrl: url, role: 'all', nodeArgs: o.nodeArgs });
    const created = await adminCall(server.url, 'POST', '/api/v1/segments', {
      name: 'Viewed in the last 30 days',
      condition: {
        type: 'event',
        event: 'Product Viewed',
        window: { kind: 'last', amount: 30, unit: 'days' },
      },
    });
    const segmentId = String(created.id);
    database = openDatabase(url);
    if (database.dialect !== 'sqlite') throw new Error('the segment-timers row runs on SQLite');
    const raw = database.sqlite.raw;
    await untilEvaluated(raw, segmentId, Number(created.version));

    const start = Date.now();
    const due = spreadDueTimes(o.pending, start, o.spreadS * 1000, o.seed);
    const began = performance.now();
    writeMembers(raw, segmentId, due);
    o.log(
      `segment timers: ${fmt(o.pending)} members with pending timers written in ` +
        `${fmt((performance.now() - began) / 1000, 1)} s`,
    );
    const writtenAt = Date.now();
    const phase = measurePhase(server.pid);
    await sleep(writtenAt + WINDOW_TO_MS + GRACE_MS - Date.now());
    const usage = phase.end();
    const dead = server.exitedWith();
    if (dead) throw new Error(`the server stopped during the timer run: ${dead}`);
    const ours = windowLateness(
      raw,
      segmentId,
      due,
      writtenAt + WINDOW_FROM_MS,
      writtenAt + WINDOW_TO_MS,
    );
    const pendingAtEnd = Number(
      (raw.prepare('select count(*) as n from segment_profile_timers').get() as { n: number }).n,
    );
    o.log(`segment timers, ours: ${describe(ours)}`);
    await server.stop();
    server = undefined;

    const baselineFrom = Date.now();
    await baselinePoller(raw, segmentId, baselineFrom + WINDOW_TO_MS + GRACE_MS);
    const base = windowLateness(
      raw,
      segmentId,
      due,
      baselineFrom + WINDOW_FROM_MS,
      baselineFrom + WINDOW_TO_MS,
    );
    o.log(`segment timers, baseline: ${describe(base)}`);
    return resultRow({
      name: 'segment-timers',
      metric: 'recheck_lateness_p99_ms',
      unit: 'ms',
      ours: ours.p99,
      baseline: base.p99,
      target: { atMost: 1000 },
      notes:
        `SQLite, one serve process (role all, system clock, processor idle poll ${POLL_MS} ms): ` +
        `${fmt(o.pending)} members of "viewed in the last 30 days" written behind the running ` +
        `server (profiles, memberships, one window timer each, due evenly over ${fmt(o.spreadS)} ` +
        `s: ~${fmt(o.pending / o.spreadS)} re-checks/s falling due); lateness = the exit's ` +
        `segment_changes.at - due, for the re-checks due ${WINDOW_FROM_MS / 1000}-` +
        `${WINDOW_TO_MS / 1000} s after the last write (${fmt(pendingAtEnd)} timers still ` +
        `pending at the end): ${describe(ours)}; server CPU ` +
        `${fmt(usage.serverCores ?? Number.NaN, 2)} cores. The members have no stored view ` +
        `(the re-check reads an empty window), so each re-check is an exit. Baseline: the ` +
        `server stopped, a minimal poller in the bench process (up to 10,000 due timers by ` +
        `due_at, then per profile the timer, the membership and one change row, one ` +
        `transaction, better-sqlite3, no evaluation; ${POLL_MS} ms asleep when not behind) on ` +
        `the same tables, its own 20-30 s window: ${describe(base)}`,
    });
  } finally {
    await server?.stop();
    await database?.close();
    removeDir(dir);
  }
}
