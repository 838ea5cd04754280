import { performance } from 'node:perf_hooks';
import { openDatabase, type Database } from '../../packages/server/dist/platform/db/database.js';
import { Random } from './random.js';
import { API_KEY } from './server.js';

/**
 * The journey the `journey` benchmark walks, and the bench side of its database: the journey is
 * created and paused over the HTTP API like a marketer would, enrollments are written straight
 * into `journey_enrollments` in bulk (as if a trigger had let them in and the first wait were
 * under way), and the figures are read back from the tables.
 */

/** The step every enrollment starts at: a wait already under way (armed), due when inserted. */
export const FIRST_STEP = 'wait1';
/** Step rows each enrollment writes from the wait to the exit (wait, split, random, split, exit). */
export const STEPS_PER_ENROLLMENT = 5;

/**
 * Five steps, no sends (a send renders a template: that is the `render` benchmark's cost):
 * the wait's timer is already due, the splits read the trigger event's properties, the random
 * split hashes the enrollment id, the exit ends it. Every step writes a row, all in one pass.
 */
export const BENCH_JOURNEY = {
  name: 'bench: five steps after an order',
  trigger: { type: 'event', event: 'Order Completed' },
  entry: { rule: 'every_time' },
  start: FIRST_STEP,
  steps: [
    { id: FIRST_STEP, type: 'wait', duration: { amount: 1, unit: 'days' }, next: 'big_order' },
    {
      id: 'big_order',
      type: 'split',
      branches: [
        {
          label: 'total >= 100',
          triggerWhere: [{ property: 'total', operator: 'gte', value: 100 }],
          next: 'ab',
        },
      ],
      otherwise: 'ab',
    },
    {
      id: 'ab',
      type: 'random_split',
      arms: [
        { label: 'a', percent: 50, next: 'shoes' },
        { label: 'b', percent: 50, next: 'shoes' },
      ],
    },
    {
      id: 'shoes',
      type: 'split',
      branches: [
        {
          label: 'bought shoes',
          triggerWhere: [{ property: 'category', operator: 'eq', value: 'shoes' }],
          next: 'done',
        },
      ],
      otherwise: 'done',
    },
    { id: 'done', type: 'exit' },
  ],
};

async function api(baseUrl: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${baseUrl}/api/v1${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${API_KEY}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as unknown;
}

/** Creates the bench journey, activates it (version 1) and pauses it; returns its id. */
export async function createPausedJourney(baseUrl: string): Promise<string> {
  const created = await api(baseUrl, '/journeys', BENCH_JOURNEY);
  const id =
    typeof created === 'object' && created !== null && 'id' in created ? created.id : undefined;
  if (typeof id !== 'string') throw new Error('the journey API answered without an id');
  await api(baseUrl, `/journeys/${encodeURIComponent(id)}/activate`);
  await api(baseUrl, `/journeys/${encodeURIComponent(id)}/pause`);
  return id;
}

/** Resumes the paused journey (same version: the definition did not change). */
export async function resumeJourney(baseUrl: string, id: string): Promise<void> {
  await api(baseUrl, `/journeys/${encodeURIComponent(id)}/activate`);
}

export async function pauseJourney(baseUrl: string, id: string): Promise<void> {
  await api(baseUrl, `/journeys/${encodeURIComponent(id)}/pause`);
}

/** Enrollments to write: ids `<prefix>_<i>`, each due at `dueAt(i)`. */
export interface EnrollmentBatch {
  journeyId: string;
  workspaceId: string;
  prefix: string;
  count: number;
  dueAt: (i: number) => number;
  /** When the first wait started (armed_since), and entered_at / updated_at. */
  armedSince: number;
}

export const enrollmentId = (prefix: string, i: number) => `${prefix}_${i}`;

const CATEGORIES = ['shoes', 'hats', 'bags'];

/** The trigger context an `Order Completed` entry writes (the splits read total and category). */
function contextOf(prefix: string, i: number, at: number): string {
  return JSON.stringify({
    trigger: {
      type: 'event',
      event: {
        name: 'Order Completed',
        messageId: `m_${prefix}_${i}`,
        at,
        properties: { total: (i * 37) % 200, category: CATEGORIES[i % 3], currency: 'USD' },
      },
    },
  });
}

/** Due times for `count` enrollments: `from` + a seeded permutation of even slots over `spanMs`. */
export function spreadDueTimes(count: number, from: number, spanMs: number, seed: number) {
  const slots = new Float64Array(count);
  for (let i = 0; i < count; i++) slots[i] = from + Math.floor((i * spanMs) / count);
  const random = new Random(seed);
  for (let i = count - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const t = slots[i] ?? 0;
    slots[i] = slots[j] ?? 0;
    slots[j] = t;
  }
  return slots;
}

const ROWS_PER_STATEMENT = 5_000;

/** The bench's own connection to the server's database (the same driver and pragmas). */
export class JourneyBenchStore {
  readonly database: Database;

  constructor(url: string) {
    this.database = openDatabase(url);
  }

  async workspaceOf(journeyId: string): Promise<string> {
    const row = await this.database.db
      .selectFrom('journeys')
      .select('workspace_id')
      .where('id', '=', journeyId)
      .executeTakeFirstOrThrow();
    return row.workspace_id;
  }

  /** Writes the batch (SQLite: one prepared insert, 5,000 rows a transaction; PostgreSQL: unnest). */
  async insert(b: EnrollmentBatch): Promise<{ seconds: number }> {
    const t0 = performance.now();
    const d = this.database;
    if (d.dialect === 'sqlite') {
      const raw = d.sqlite.raw;
      const insert = raw.prepare(`insert into journey_enrollments
        (id, workspace_id, journey_id, version, profile_id, entry_key, status, node, visit,
         context, due_at, armed_node, armed_since, signal_seq, holdout, entered_at, updated_at)
        values (?, ?, ?, 1, ?, ?, 'active', ?, 0, ?, ?, ?, ?, 0, 0, ?, ?)`);
      const chunk = raw.transaction((from: number, to: number) => {
        for (let i = from; i < to; i++)
          insert.run(
            enrollmentId(b.prefix, i),
            b.workspaceId,
            b.journeyId,
            `p_${i}`,
            `event:m_${b.prefix}_${i}`,
            FIRST_STEP,
            contextOf(b.prefix, i, b.armedSince),
            b.dueAt(i),
            FIRST_STEP,
            b.armedSince,
            b.armedSince,
            b.armedSince,
          );
      });
      for (let i = 0; i < b.count; i += ROWS_PER_STATEMENT)
        chunk.immediate(i, Math.min(b.count, i + ROWS_PER_STATEMENT));
    } else {
      for (let i = 0; i < b.count; i += ROWS_PER_STATEMENT) {
        const ids: string[] = [];
        const profiles: string[] = [];
        const keys: string[] = [];
        const contexts: string[] = [];
        const dues: number[] = [];
        for (let k = i; k < Math.min(b.count, i + ROWS_PER_STATEMENT); k++) {
          ids.push(enrollmentId(b.prefix, k));
          profiles.push(`p_${k}`);
          keys.push(`event:m_${b.prefix}_${k}`);
          contexts.push(contextOf(b.prefix, k, b.armedSince));
          dues.push(b.dueAt(k));
        }
        await d.pool.query(
          `insert into journey_enrollments
            (id, workspace_id, journey_id, version, profile_id, entry_key, status, node, visit,
             context, due_at, armed_node, armed_since, signal_seq, holdout, entered_at, updated_at)
           select u.id, $6, $7, 1, u.profile_id, u.entry_key, 'active', $8, 0, u.context::jsonb,
             u.due_at, $8, $9, 0, 0, $9, $9
           from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])
             as u(id, profile_id, entry_key, context, due_at)`,
          [
            ids,
            profiles,
            keys,
            contexts,
            dues,
            b.workspaceId,
            b.journeyId,
            FIRST_STEP,
            b.armedSince,
          ],
        );
      }
    }
    return { seconds: (performance.now() - t0) / 1000 };
  }

  /** Enrollments of the journey still active (waiting or due). */
  async countActive(journeyId: string): Promise<number> {
    const row = await this.database.db
      .selectFrom('journey_enrollments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('journey_id', '=', journeyId)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Step rows and completed enrollments whose ids start with `<prefix>_`. */
  async outcome(prefix: string): Promise<{ steps: number; completed: number }> {
    const db = this.database.db;
    // '_' matches any character: the prefixes used are not prefixes of each other.
    const like = `${prefix}_%`;
    const steps = await db
      .selectFrom('journey_steps')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('enrollment_id', 'like', like)
      .executeTakeFirstOrThrow();
    const done = await db
      .selectFrom('journey_enrollments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('id', 'like', like)
      .where('status', '=', 'completed')
      .executeTakeFirstOrThrow();
    return { steps: Number(steps.n), completed: Number(done.n) };
  }

  /** When each enrollment's first step (the wait) ran: journey_steps.at of visit 0. */
  async waitRanAt(journeyId: string, since: number): Promise<{ id: string; at: number }[]> {
    const rows = await this.database.db
      .selectFrom('journey_steps')
      .select(['enrollment_id', 'at'])
      .where('journey_id', '=', journeyId)
      .where('node', '=', FIRST_STEP)
      .where('at', '>=', since)
      .execute();
    return rows.map((r) => ({ id: r.enrollment_id, at: Number(r.at) }));
  }

  close(): Promise<void> {
    return this.database.close();
  }
}
