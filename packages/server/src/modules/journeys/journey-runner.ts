import type { Clock } from '../../platform/clock.js';
import { yieldToEventLoop } from '../../platform/event-loop.js';
import type { Database, Trx } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logger.js';
import { withReadScope } from '../../platform/read-scope.js';
import type { AppendRow } from '../ingest/index.js';
import type { NewMessage, Outbox } from '../messaging/index.js';
import type { DefinitionCache } from './definition-cache.js';
import type { EnrollmentState, ProfileUpdate, StepEnv, StepRecord } from './engine-types.js';
import { breaksBudget, budgetLimitsOf, lockBudgets } from './budget-guard.js';
import { claimDue, type EnrollmentMove } from './enrollment-store.js';
import { insertStepRows, moveEnrollments } from './enrollment-moves.js';
import { runStep } from './steps/index.js';

/** A graph has at most 100 steps and no loops: a pass never runs more. */
const MAX_STEPS_PER_PASS = 101;

/** What the runner needs beyond the steps' world. */
export interface RunnerEnv extends StepEnv {
  /** The identify call that applies an update_profile step, or null for a profile now gone. */
  profileUpdateRow(
    e: EnrollmentState,
    update: ProfileUpdate,
    messageId: string,
    now: number,
  ): Promise<AppendRow | null>;
  appendWithin(trx: Trx, rows: AppendRow[]): Promise<number>;
  /**
   * Reads at once, into the pass's read scope, what the steps will read one enrollment at a
   * time (their profiles, consent, budget history): a few queries for the batch instead of a
   * few per enrollment. `now` is the instant the pass plans as of.
   */
  prefetch(enrollments: readonly EnrollmentState[], now: number): Promise<void>;
}

/** One enrollment's pass, computed before the transaction that commits it. */
interface Plan {
  enrollment: EnrollmentState;
  records: StepRecord[];
  messages: NewMessage[];
  updates: AppendRow[];
  move: EnrollmentMove;
}

export interface PassResult {
  /** Enrollments looked at. */
  claimed: number;
  /** Step rows written (each step executed, delayed or waited out). */
  transitions: number;
  messages: number;
  /** Enrollments someone else moved first (a goal, a signal, another worker). */
  conflicts: number;
}

/**
 * Walks due enrollments through their steps (ADR 0021). A pass claims a batch, computes each
 * enrollment's steps from where it stands until it must wait or leaves (rendering included,
 * outside any transaction), then commits the whole batch in one transaction: per enrollment a
 * guarded move, its step rows, its messages in the outbox and its profile updates in the log.
 * A crash before the commit leaves everything due as it was; after it, the guard and the
 * deterministic ids (message per enrollment and step, step row per visit) find the work done.
 */
export class JourneyRunner {
  readonly #database: Database;
  readonly #clock: Clock;
  readonly #env: RunnerEnv;
  readonly #definitions: DefinitionCache;
  readonly #outbox: Outbox;
  readonly #logger: Logger;
  readonly #batch: number;
  readonly #leaseMs: number;
  readonly #onQueued: () => void;

  constructor(deps: {
    database: Database;
    clock: Clock;
    env: RunnerEnv;
    definitions: DefinitionCache;
    outbox: Outbox;
    logger: Logger;
    onQueued?: () => void;
    batch?: number;
    leaseMs?: number;
  }) {
    this.#database = deps.database;
    this.#clock = deps.clock;
    this.#env = deps.env;
    this.#definitions = deps.definitions;
    this.#outbox = deps.outbox;
    this.#logger = deps.logger;
    this.#onQueued = deps.onQueued ?? (() => undefined);
    this.#batch = deps.batch ?? 200;
    this.#leaseMs = deps.leaseMs ?? 30_000;
  }

  /** One batch of due enrollments. */
  async runOnce(): Promise<PassResult> {
    const now = this.#clock.now();
    const due = await claimDue(this.#database, now, this.#batch, this.#leaseMs);
    const result: PassResult = { claimed: due.length, transitions: 0, messages: 0, conflicts: 0 };
    if (due.length === 0) return result;
    // Higher-priority journeys first: when two compete for a profile's budget, they win it.
    const priority = new Map<string, number>();
    for (const e of due)
      priority.set(
        e.id,
        (await this.#definitions.get(e.journeyId, e.version)).definition.sending.priority,
      );
    due.sort((a, b) => (priority.get(b.id) ?? 0) - (priority.get(a.id) ?? 0));
    // The batch's own messages count against the budget of the sends planned after them.
    const planned = new Map<string, number[]>();
    const env: RunnerEnv = {
      ...this.#env,
      budgetHistory: async (workspaceId, profileId, channel, since) => [
        ...(await this.#env.budgetHistory(workspaceId, profileId, channel, since)),
        ...(planned.get(`${profileId}:${channel}`) ?? []),
      ],
    };
    const plans: Plan[] = [];
    // The pass plans as of `now`: a profile, template or catalog row is read once for the
    // batch (platform/read-scope.ts), not once per message. The scope closes before the
    // transaction, whose reads (the budget guard) must see the database as it commits.
    await withReadScope(async () => {
      await env.prefetch(due, now);
      for (const e of due) {
        const plan = await this.#plan(e, now, env);
        for (const m of plan.messages) {
          if (m.kind !== 'marketing') continue;
          const key = `${m.profileId ?? ''}:${m.channel}`;
          planned.set(key, [...(planned.get(key) ?? []), m.sendAt ?? now]);
        }
        plans.push(plan);
        // On SQLite every query completes synchronously: without a yield a backlog would hold
        // the event loop (HTTP, the sender's SMTP calls, signals) until it was all walked.
        await yieldToEventLoop();
      }
    });
    const guardBudget = this.#database.dialect === 'postgres';
    await this.#database.db.transaction().execute(async (trx) => {
      if (guardBudget)
        await lockBudgets(
          trx,
          plans.flatMap((p) =>
            p.messages.flatMap((m) => (m.profileId === null ? [] : [m.profileId])),
          ),
        );
      const fitting: Plan[] = [];
      for (const plan of plans) {
        if (guardBudget && (await this.#breaksBudget(trx, plan, now))) result.conflicts += 1;
        else fitting.push(plan);
      }
      const moved = await moveEnrollments(this.#database, trx, fitting, now);
      const done = fitting.filter((p) => moved.has(p.enrollment.id));
      result.conflicts += fitting.length - done.length;
      await insertStepRows(this.#database, trx, done, now);
      const updates: AppendRow[] = [];
      await this.#outbox.enqueueMany(
        done.flatMap((plan) => plan.messages),
        now,
        trx,
      );
      for (const plan of done) {
        updates.push(...plan.updates);
        result.transitions += plan.records.length;
        result.messages += plan.messages.length;
      }
      if (updates.length > 0) await this.#env.appendWithin(trx, updates);
    });
    if (result.messages > 0) this.#onQueued();
    return result;
  }

  /** The earliest timer of an active journey's enrollment (the test clock steps to each). */
  async nextDueAt(): Promise<number | null> {
    // The timer index in order, stopping at the first enrollment of an active journey: a
    // minimum over every enrollment would read them all, and the test clock asks after each
    // timer it runs.
    const row = await this.#database.db
      .selectFrom('journey_enrollments as e')
      .innerJoin('journeys as j', 'j.id', 'e.journey_id')
      .select('e.due_at as due')
      .where('e.due_at', 'is not', null)
      .where('e.status', '=', 'active')
      .where('j.status', '=', 'active')
      .orderBy('e.due_at')
      .limit(1)
      .executeTakeFirst();
    return row?.due === null || row?.due === undefined ? null : Number(row.due);
  }

  /** Passes until nothing is due now (the test clock, a drain at shutdown). */
  async runAllDue(maxPasses = 10_000): Promise<PassResult> {
    const total: PassResult = { claimed: 0, transitions: 0, messages: 0, conflicts: 0 };
    for (let i = 0; i < maxPasses; i++) {
      const r = await this.runOnce();
      await yieldToEventLoop();
      total.claimed += r.claimed;
      total.transitions += r.transitions;
      total.messages += r.messages;
      total.conflicts += r.conflicts;
      if (r.claimed === 0 || r.claimed === r.conflicts) break;
    }
    return total;
  }

  /** Whether one of the plan's messages would now break its workspace's budget. */
  async #breaksBudget(trx: Trx, plan: Plan, now: number): Promise<boolean> {
    const { definition } = await this.#definitions.get(
      plan.enrollment.journeyId,
      plan.enrollment.version,
    );
    if (definition.sending.budgetExempt) return false;
    const settings = await this.#env.settings(plan.enrollment.workspaceId);
    for (const m of plan.messages)
      if (await breaksBudget(trx, m, budgetLimitsOf(settings, m.channel), now)) return true;
    return false;
  }

  async #plan(e: EnrollmentState, now: number, env: RunnerEnv): Promise<Plan> {
    const { definition, steps } = await this.#definitions.get(e.journeyId, e.version);
    const records: StepRecord[] = [];
    const messages: NewMessage[] = [];
    const updates: AppendRow[] = [];
    let node = e.node;
    let holdout = e.holdout;
    let armedSince = e.armedNode === e.node ? e.armedSince : null;
    let lastMessage: EnrollmentMove['lastMessage'] = null;
    const move = (m: Partial<EnrollmentMove>): EnrollmentMove => ({
      node,
      visit: e.visit + records.length,
      dueAt: null,
      armedNode: null,
      armedSince: null,
      waitingEvent: null,
      status: 'active',
      endReason: null,
      holdout,
      lastMessage,
      ...m,
    });
    for (let i = 0; i < MAX_STEPS_PER_PASS; i++) {
      const step = steps.get(node);
      if (!step) {
        // Only a definition that failed its own checks can get here.
        this.#logger.error({ enrollment: e.id, node }, 'journey step missing from its version');
        return {
          enrollment: e,
          records,
          messages,
          updates,
          move: move({ status: 'exited', node: null, endReason: `step ${node} is missing` }),
        };
      }
      const r = await runStep({
        step,
        enrollment: { ...e, node, holdout },
        definition,
        now,
        armedSince,
        env,
      });
      if (r.kind === 'wait') {
        if (r.record) records.push(r.record);
        return {
          enrollment: e,
          records,
          messages,
          updates,
          move: move({
            dueAt: r.until,
            armedNode: node,
            armedSince: armedSince ?? now,
            waitingEvent: r.event?.name ?? null,
          }),
        };
      }
      records.push(r.record);
      if (r.kind === 'end')
        return {
          enrollment: e,
          records,
          messages,
          updates,
          move: move({ node: null, status: r.status, endReason: r.reason }),
        };
      if (r.message) {
        messages.push(r.message);
        lastMessage = { id: r.message.id ?? '', at: now };
      }
      if (r.update) {
        const row = await env.profileUpdateRow(e, r.update, `journey:${e.id}:${step.id}`, now);
        if (row) updates.push(row);
      }
      if (r.holdout) holdout = true;
      node = r.to;
      armedSince = null;
    }
    throw new Error(`journey ${e.journeyId} ran more than ${MAX_STEPS_PER_PASS} steps in a pass`);
  }
}
