import { z } from 'zod';
import type { Config } from './config/config.js';
import { demoStore, type DemoAction } from './modules/demo/demo-store.js';
import {
  DEFAULT_WORKSPACE_ID,
  ensureWorkspace,
  generateKey,
  insertKey,
} from './modules/workspaces/index.js';
import { ManualClock } from './platform/clock.js';
import { migrateToLatest, openDatabase, type Db } from './platform/db/database.js';
import type { Logger } from './platform/logger.js';
import { startServer, type RunningServer } from './server.js';
import { demoFlowParams } from './demo-params.js';
import { summarizeDemo, type DemoSummary } from './demo-summary.js';

/**
 * `comeback demo`: a synthetic store replayed through the real API on a virtual clock. The
 * server runs in this process on the configured database with a manual clock set to the
 * first day; the demo workspace gets its keys, the whole flow library (POST
 * /journeys/from-template) and the store's catalog (POST /products/batch); then, a step at a
 * time, the calls that happened before the clock are sent (POST /v1/batch) and the clock
 * advances (POST /clock/advance), which applies the events and runs every journey timer,
 * segment, model fit and send that falls due in between. Progress is kept in `settings`
 * (`demo:<workspace>`) after each step: a run stopped half-way resumes where it was, and a
 * finished demo is never replayed into the same workspace twice.
 */
export interface DemoOptions {
  seed: number;
  customers: number;
  days: number;
  /** The last day ends here (epoch ms); the period is the `days` before it. */
  endAt: number;
  /** A workspace id to use; absent: `demo`, else the next `demo-N` when that one is finished. */
  workspace?: string;
  /** false: replay the store with no flow enabled (what the store alone costs; the benchmark's baseline). */
  withFlows?: boolean;
  /** Hours of virtual time per step (events are applied at most this late). */
  stepHours?: number;
  onProgress?: (p: DemoProgress) => void;
  logger?: Logger;
}

export interface DemoProgress {
  day: number;
  days: number;
  actions: number;
  posted: number;
  resumed: boolean;
}

export interface DemoResult {
  workspace: string;
  resumed: boolean;
  adminKey: string;
  /** The dashboard owner this run's start created (a fresh data directory), else null. */
  createdOwner: { email: string; password: string | null } | null;
  summary: DemoSummary;
  seconds: number;
  events: number;
}

const demoStateSchema = z.object({
  seed: z.number(),
  customers: z.number(),
  days: z.number(),
  start: z.number(),
  /** Every action before this instant has been accepted by the API. */
  postedUntil: z.number(),
  finished: z.boolean(),
});
type DemoState = z.infer<typeof demoStateSchema>;
const flowListSchema = z.object({ data: z.array(z.object({ id: z.string() })) });

const DAY = 86_400_000;
const BATCH_CALLS = 250;

async function readState(db: Db, workspace: string): Promise<DemoState | null> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', `demo:${workspace}`)
    .executeTakeFirst();
  return row ? demoStateSchema.parse(JSON.parse(row.value)) : null;
}

async function writeState(r: RunningServer, workspace: string, state: DemoState): Promise<void> {
  await r.services.database.db
    .insertInto('settings')
    .values({ key: `demo:${workspace}`, value: JSON.stringify(state) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(state) }))
    .execute();
}

/** `demo`, or the first `demo-N` that is not a finished demo (an unfinished one resumes). */
async function chooseWorkspace(
  db: Db,
  o: DemoOptions,
): Promise<{ id: string; state: DemoState | null }> {
  const same = (s: DemoState) =>
    s.seed === o.seed && s.customers === o.customers && s.days === o.days;
  for (let n = 1; n < 1000; n++) {
    const id = o.workspace ?? (n === 1 ? 'demo' : `demo-${n}`);
    const state = await readState(db, id);
    const exists = await db
      .selectFrom('workspaces')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!exists) return { id, state: null };
    if (state && !state.finished && same(state)) return { id, state };
    if (o.workspace !== undefined)
      throw new Error(
        state?.finished
          ? `workspace ${id} already holds a finished demo: run without --workspace for a fresh one`
          : `workspace ${id} exists and is not an unfinished demo of these options`,
      );
  }
  throw new Error('no free demo workspace id (demo-2 ... demo-999 are all taken)');
}

export async function runDemo(config: Config, o: DemoOptions): Promise<DemoResult> {
  const began = performance.now();
  // The workspace and any progress are read before the server starts: a resumed demo's clock
  // starts where the stopped one was (a manual clock never moves back).
  const probe = openDatabase(config.databaseUrl);
  let chosen: { id: string; state: DemoState | null };
  try {
    await migrateToLatest(probe);
    chosen = await chooseWorkspace(probe.db, o);
  } finally {
    await probe.close();
  }
  const workspace = chosen.id;
  const resumed = chosen.state !== null;
  const firstDay = chosen.state?.start ?? Math.floor(o.endAt / DAY) * DAY - o.days * DAY;
  const state: DemoState = chosen.state ?? {
    seed: o.seed,
    customers: o.customers,
    days: o.days,
    start: firstDay,
    postedUntil: firstDay,
    finished: false,
  };
  const store = demoStore({ seed: o.seed, customers: o.customers, days: o.days, start: firstDay });
  const clock = new ManualClock(state.postedUntil);
  const server = await startServer(
    { ...config, clock: 'manual', port: 0, host: '127.0.0.1', role: 'all' },
    {
      clock,
      background: false,
      // A synthetic store, replayed again after a crash (it resumes): no fsync per step.
      durability: 'replay',
      ...(o.logger ? { logger: o.logger } : {}),
    },
  );
  const stepMs = (o.stepHours ?? 3) * 3_600_000;
  try {
    const db = server.services.database.db;
    await ensureWorkspace(db, {
      id: workspace,
      name: 'Demo store',
      currency: 'EUR',
      now: clock.now(),
    });
    // The instance's owners browse the demo in the dashboard (their workspace switcher).
    await server.services.users.shareWithOwnersOf(DEFAULT_WORKSPACE_ID, workspace);
    const adminKey = generateKey('admin');
    const writeKey = generateKey('write');
    await insertKey(db, {
      workspaceId: workspace,
      scope: 'admin',
      key: adminKey,
      label: 'demo',
      now: clock.now(),
    });
    await insertKey(db, {
      workspaceId: workspace,
      scope: 'write',
      key: writeKey,
      label: 'demo',
      now: clock.now(),
    });
    const api = apiClient(server.url, adminKey, writeKey);
    if (!resumed) {
      await api.admin('PUT', '/api/v1/journey-settings', {
        timezone: 'Asia/Jerusalem',
        quietHours: { start: '21:00', end: '08:00' },
        budget: {
          email: [{ max: 3, within: { amount: 7, unit: 'days' } }],
          sms: [{ max: 2, within: { amount: 7, unit: 'days' } }],
          whatsapp: [{ max: 2, within: { amount: 7, unit: 'days' } }],
        },
      });
      const library = flowListSchema.parse(await api.admin('GET', '/api/v1/journey-templates'));
      for (const f of o.withFlows === false ? [] : library.data)
        await api.admin('POST', '/api/v1/journeys/from-template', {
          template: f.id,
          params: demoFlowParams(f.id, firstDay, o.days),
        });
      await writeState(server, workspace, state);
    }
    const actions = store.actions.filter((a) => a.at >= state.postedUntil);
    let next = 0;
    let posted = 0;
    const end = firstDay + o.days * DAY;
    while (clock.now() < end) {
      const upTo = clock.now();
      const due: DemoAction[] = [];
      for (let a = actions[next]; a !== undefined && a.at <= upTo; a = actions[++next]) due.push(a);
      await api.send(due);
      posted += due.length;
      state.postedUntil = upTo + 1;
      await writeState(server, workspace, state);
      await api.admin('POST', '/api/v1/clock/advance', {
        by: `PT${Math.min(stepMs, end - upTo) / 60_000}M`,
      });
      o.onProgress?.({
        day: Math.floor((clock.now() - firstDay) / DAY),
        days: o.days,
        actions: actions.length,
        posted,
        resumed,
      });
    }
    // What happened in the last step is applied and its sends made.
    await api.send(actions.slice(next));
    await api.admin('POST', '/api/v1/clock/advance', { by: 'PT1M' });
    state.finished = true;
    state.postedUntil = clock.now();
    await writeState(server, workspace, state);
    const summary = await summarizeDemo(server, api, workspace);
    return {
      workspace,
      resumed,
      adminKey,
      createdOwner: server.createdOwner
        ? { email: server.createdOwner.email, password: server.createdOwner.generatedPassword }
        : null,
      summary,
      seconds: (performance.now() - began) / 1000,
      events: store.actions.length,
    };
  } finally {
    await server.stop();
  }
}

export interface DemoApi {
  admin(method: string, path: string, body?: unknown): Promise<unknown>;
  send(actions: DemoAction[]): Promise<void>;
}

function apiClient(base: string, adminKey: string, writeKey: string): DemoApi {
  const call = async (key: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
    return text ? (JSON.parse(text) as unknown) : null;
  };
  return {
    admin: (method, path, body) => call(adminKey, method, path, body),
    async send(actions) {
      const products = actions.flatMap((a) => (a.kind === 'product' ? [a.product] : []));
      for (let i = 0; i < products.length; i += 500)
        await call(adminKey, 'POST', '/api/v1/products/batch', {
          products: products.slice(i, i + 500),
        });
      const calls = actions.flatMap((a) => (a.kind === 'call' ? [a.call] : []));
      for (let i = 0; i < calls.length; i += BATCH_CALLS)
        await call(writeKey, 'POST', '/v1/batch', { batch: calls.slice(i, i + BATCH_CALLS) });
    },
  };
}
