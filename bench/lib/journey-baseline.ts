import { performance } from 'node:perf_hooks';
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import { FIRST_STEP, STEPS_PER_ENROLLMENT } from './journey-setup.js';
import { sleep } from './stats.js';

/**
 * The journey benchmark's baselines: a minimal worker doing the same essential reads and
 * writes as the engine with the same driver, and no engine logic. Per batch of 200 due
 * enrollments, in one transaction: the claim (the due-time query, FOR UPDATE SKIP LOCKED on
 * PostgreSQL), then per enrollment the guarded UPDATE that ends it and the INSERT of its five
 * step rows (the rows the engine writes for the bench journey, with constant details).
 * Prepared statements (better-sqlite3; named queries with plain pg).
 */

export const BASELINE_BATCH = 200;

type StepRow = readonly [
  node: string,
  type: string,
  outcome: string,
  next: string | null,
  reason: string | null,
  detail: string,
];

/** The five step rows, as the engine writes them for the bench journey (details alike in size). */
const STEP_ROWS: readonly StepRow[] = [
  [FIRST_STEP, 'wait', 'waited', 'big_order', null, '{"since":1700000000000}'],
  ['big_order', 'split', 'branch', 'ab', null, '{"branch":"otherwise","values":{}}'],
  ['ab', 'random_split', 'branch', 'shoes', null, '{"branch":"a","values":{"bucket":42}}'],
  [
    'shoes',
    'split',
    'branch',
    'done',
    null,
    '{"branch":"bought shoes","values":{"trigger.category":"shoes"}}',
  ],
  ['done', 'exit', 'completed', null, 'reached the end', '{}'],
];
if (STEP_ROWS.length !== STEPS_PER_ENROLLMENT) throw new Error('the baseline writes five steps');

const CLAIM = `select id, visit, signal_seq, workspace_id, journey_id from journey_enrollments
  where due_at <= ? and status = 'active' order by due_at limit ${BASELINE_BATCH}`;
const MOVE = `update journey_enrollments set node = null, visit = ?, due_at = null,
  armed_node = null, armed_since = null, waiting_event = null, status = 'completed',
  end_reason = 'reached the end', ended_at = ?, holdout = 0, signal = null, lease_until = null,
  updated_at = ? where id = ? and visit = ? and signal_seq = ? and status = 'active'`;
const STEP = `insert into journey_steps (enrollment_id, visit, workspace_id, journey_id, node,
  step_type, outcome, next_node, reason, message_id, at, detail)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?)`;

interface Due {
  id: string;
  visit: number;
  signal_seq: number;
  workspace_id: string;
  journey_id: string;
}

/** better-sqlite3: claim + moves + step rows of one batch in one IMMEDIATE transaction. */
function sqliteWorker(raw: BetterSqlite3.Database) {
  const claim = raw.prepare<[number], Due>(CLAIM);
  const move = raw.prepare(MOVE);
  const step = raw.prepare(STEP);
  const batch = raw.transaction((now: number): number => {
    const rows = claim.all(now);
    for (const e of rows) {
      const visit = Number(e.visit);
      if (move.run(visit + 5, now, now, e.id, visit, e.signal_seq).changes !== 1) continue;
      STEP_ROWS.forEach(([node, type, outcome, next, reason, detail], k) =>
        step.run(
          e.id,
          visit + k,
          e.workspace_id,
          e.journey_id,
          node,
          type,
          outcome,
          next,
          reason,
          now,
          detail,
        ),
      );
    }
    return rows.length;
  });
  return (now: number) => batch.immediate(now);
}

/** SQLite: every due enrollment through the minimal worker; transitions (step rows) per second. */
export function sqliteTransitionsBaseline(raw: BetterSqlite3.Database): {
  transitions: number;
  seconds: number;
} {
  const run = sqliteWorker(raw);
  const t0 = performance.now();
  let enrollments = 0;
  for (;;) {
    const n = run(Date.now());
    if (n === 0) break;
    enrollments += n;
  }
  return {
    transitions: enrollments * STEPS_PER_ENROLLMENT,
    seconds: (performance.now() - t0) / 1000,
  };
}

const PG_CLAIM = `${CLAIM.replace('?', '$1')} for update skip locked`;
/** `?` placeholders as PostgreSQL's `$1, $2...`. */
const numbered = (text: string) => {
  let i = 0;
  return text.replace(/\?/g, () => `$${++i}`);
};
const PG_MOVE = numbered(MOVE);
const PG_STEPS = `insert into journey_steps (enrollment_id, visit, workspace_id, journey_id, node,
  step_type, outcome, next_node, reason, message_id, at, detail) values ${STEP_ROWS.map(
    (_, k) =>
      `($1, $2 + ${k}, $3, $4, $${5 + k * 6}, $${6 + k * 6}, $${7 + k * 6}, $${8 + k * 6}, ` +
      `$${9 + k * 6}, null, $35, $${10 + k * 6}::jsonb)`,
  ).join(', ')}`;
const PG_STEP_VALUES = STEP_ROWS.flatMap((r) => [...r]);

/** One plain pg connection working batches until nothing is due; returns enrollments moved. */
async function pgWorker(client: pg.PoolClient): Promise<number> {
  let moved = 0;
  for (;;) {
    const now = Date.now();
    await client.query('begin');
    try {
      const due = await client.query<Due>({ name: 'jb_claim', text: PG_CLAIM, values: [now] });
      for (const e of due.rows) {
        const visit = Number(e.visit);
        const r = await client.query({
          name: 'jb_move',
          text: PG_MOVE,
          values: [visit + 5, now, now, e.id, visit, e.signal_seq],
        });
        if (r.rowCount !== 1) continue;
        await client.query({
          name: 'jb_steps',
          text: PG_STEPS,
          values: [e.id, visit, e.workspace_id, e.journey_id, ...PG_STEP_VALUES, now],
        });
        moved += 1;
      }
      await client.query('commit');
      if (due.rows.length === 0) return moved;
    } catch (error) {
      await client.query('rollback');
      throw error;
    }
  }
}

/** PostgreSQL: `workers` connections in parallel until nothing is due. */
export async function pgTransitionsBaseline(
  pool: pg.Pool,
  workers: number,
): Promise<{ transitions: number; seconds: number }> {
  const clients = await Promise.all(Array.from({ length: workers }, () => pool.connect()));
  try {
    const t0 = performance.now();
    const moved = await Promise.all(clients.map((c) => pgWorker(c)));
    const seconds = (performance.now() - t0) / 1000;
    return { transitions: moved.reduce((a, b) => a + b, 0) * STEPS_PER_ENROLLMENT, seconds };
  } finally {
    for (const c of clients) c.release();
  }
}

/**
 * The timer baseline on SQLite: the same minimal worker run on the system clock until `until`,
 * polling like the engine (batches back to back while any is due, then `pollMs` asleep).
 * Step rows carry `at` = the clock read before the claim, as the engine's do.
 */
export async function sqliteTimerBaseline(
  raw: BetterSqlite3.Database,
  until: number,
  pollMs: number,
): Promise<void> {
  const run = sqliteWorker(raw);
  while (Date.now() < until) {
    if (run(Date.now()) === 0) await sleep(pollMs);
  }
}
