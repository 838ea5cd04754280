import type { BacktestTrace, BacktestTraceStep } from '@comeback/contracts';
import type { BacktestEnv } from './backtest-env.js';
import { TimerQueue } from './backtest-queue.js';
import {
  iso,
  newSim,
  refusedByRules,
  traceRow,
  type ReplayJourney,
  type Sim,
  type SimStatus,
} from './backtest-sim.js';
import type { BacktestTally } from './backtest-tally.js';
import type { EnrollmentContext, StepRecord, TriggerEvent } from './engine-types.js';
import { revenueOf } from './journey-signals.js';
import { goalMatches } from './journey-triggers.js';
import { matchesFilters, sameAsTrigger } from './property-match.js';
import { runStep } from './steps/index.js';
import { elapsedMs } from './local-time.js';

export type { ReplayJourney } from './backtest-sim.js';

/** A graph has at most 100 steps and no loops: a pass never runs more (as the runner). */
const MAX_STEPS_PER_PASS = 101;
/** Messages rendered in full besides the sample traces' (to catch templates that fail). */
const RENDER_FIRST = 50;

/**
 * The engine on a virtual clock (ADR 0021), in memory: the trigger follower's reactions to an
 * event (goals convert, awaited events signal, triggers enroll under the entry rules) and the
 * runner's passes through the same step handlers, with a timer queue in place of `due_at`.
 * Events are fed in order; before each, every timer due by its instant runs at that instant.
 */
export class Replay {
  readonly #j: ReplayJourney;
  readonly #env: BacktestEnv;
  readonly #tally: BacktestTally;
  readonly #samples: number;
  readonly #sims: Sim[] = [];
  readonly #byProfile = new Map<string, Sim[]>();
  readonly #entryKeys = new Set<string>();
  readonly #timers = new TimerQueue<{ sim: Sim; token: number }>();
  /** Events a split by action asks about: the only ones worth keeping per profile. */
  readonly #actions: ReadonlySet<string>;
  #clock: number;

  constructor(
    j: ReplayJourney,
    env: BacktestEnv,
    tally: BacktestTally,
    opts: { samples: number; from: number },
  ) {
    this.#j = j;
    this.#env = env;
    this.#tally = tally;
    this.#samples = opts.samples;
    this.#clock = opts.from;
    this.#actions = new Set(
      j.definition.steps.flatMap((s) => (s.type === 'split_action' ? [s.event] : [])),
    );
  }

  /** A stored event of the window, at the instant it was received (as the follower sees it). */
  async event(profileId: string, receivedAt: number, event: TriggerEvent): Promise<void> {
    await this.#advance(receivedAt);
    const at = this.#clock;
    if (this.#actions.has(event.name))
      this.#env.recordEvent(profileId, event.name, {
        messageId: event.messageId,
        at: receivedAt,
        properties: event.properties,
      });
    const d = this.#j.definition;
    for (const sim of this.#byProfile.get(profileId) ?? []) {
      if (sim.status !== 'active' || receivedAt < sim.state.enteredAt) continue;
      // The event that let it in neither converts nor signals it.
      if (sim.entryKey === `event:${event.messageId}`) continue;
      if (goalMatches(d, event)) {
        this.#convert(sim, event, at);
        continue;
      }
      const armed =
        sim.state.armedNode === null ? undefined : this.#j.steps.get(sim.state.armedNode);
      if (
        armed?.type === 'wait_for_event' &&
        armed.event === event.name &&
        sim.state.signal === null &&
        matchesFilters(event.properties, armed.where) &&
        sameAsTrigger(
          event.properties,
          sim.state.context.trigger.event?.properties,
          armed.sameAsTrigger,
        )
      ) {
        sim.state.signal = { event: event.name, messageId: event.messageId, at };
        sim.state.signalSeq += 1;
        this.#schedule(sim, at);
      }
    }
    const t = d.trigger;
    if (t.type === 'event' && t.event === event.name && matchesFilters(event.properties, t.where))
      await this.#enroll(profileId, `event:${event.messageId}`, {
        trigger: { type: 'event', event },
      });
    await this.#runDue(at);
  }

  /** A stored entry into (or exit from) the trigger's segment, of the kind the trigger names. */
  async segmentChange(profileId: string, seq: number, segmentId: string, at: number) {
    await this.#advance(at);
    const type = this.#j.definition.trigger.type;
    await this.#enroll(profileId, `segment:${seq}`, { trigger: { type, segment: segmentId } });
    await this.#runDue(this.#clock);
  }

  /** Runs what falls due up to `now`; what is still inside then is reported as waiting. */
  async finish(now: number): Promise<void> {
    await this.#advance(now);
  }

  /** Every enrollment of the replay, in the order they entered. */
  get enrollments(): readonly Readonly<Sim>[] {
    return this.#sims;
  }

  get traces(): BacktestTrace[] {
    return this.#sims.flatMap((s) =>
      s.trace === null
        ? []
        : [
            {
              profileId: s.state.profileId,
              enteredAt: iso(s.state.enteredAt),
              status: s.status,
              steps: s.trace,
            },
          ],
    );
  }

  async #advance(to: number): Promise<void> {
    await this.#runDue(to);
    this.#clock = Math.max(this.#clock, to);
  }

  /** journey-entry.ts's enrollProfile, over the replay's own enrollments. */
  async #enroll(profileId: string, entryKey: string, context: EnrollmentContext): Promise<void> {
    const j = this.#j;
    const entry = j.definition.entry;
    const now = this.#clock;
    const key = `${profileId}\u0000${entryKey}`;
    if (this.#entryKeys.has(key)) return;
    const previous = this.#byProfile.get(profileId) ?? [];
    if (refusedByRules(entry, previous, now)) return;
    if (
      entry.segment !== undefined &&
      (j.entrySegmentId === null || !(await j.isEntryMember(profileId)))
    )
      return;
    if (
      entry.condition !== undefined &&
      !(await this.#env.conditionHolds(j.workspaceId, profileId, entry.condition, now))
    )
      return;
    const sim = newSim(j, profileId, entryKey, context, now, this.#sims.length < this.#samples);
    this.#entryKeys.add(key);
    this.#sims.push(sim);
    this.#byProfile.set(profileId, [...previous, sim]);
    this.#tally.entered += 1;
    this.#tally.profiles.add(profileId);
    this.#schedule(sim, now);
  }

  /** The goal: out at once, credited to the last message within the attribution window. */
  #convert(sim: Sim, event: TriggerEvent, at: number): void {
    const revenue = revenueOf(event.properties);
    const window = this.#j.definition.goal?.attributionWindow;
    const credited =
      window !== undefined &&
      sim.lastMessage !== null &&
      at - sim.lastMessage.at <= elapsedMs(window);
    this.#end(sim, 'converted');
    this.#tally.converted += 1;
    if (sim.state.holdout) this.#tally.holdoutConverted += 1;
    this.#tally.revenue += revenue ?? 0;
    if (credited) this.#tally.attributed += 1;
    sim.trace?.push({
      step: '$goal',
      stepType: 'goal',
      outcome: 'converted',
      at: iso(at),
      next: null,
      reason: `goal: ${event.name}`,
      detail: { event: event.name, eventId: event.messageId, revenue, credited },
    });
  }

  #schedule(sim: Sim, due: number): void {
    sim.token += 1;
    this.#timers.push(due, { sim, token: sim.token });
  }

  async #runDue(until: number): Promise<void> {
    for (let t = this.#timers.popDue(until); t !== undefined; t = this.#timers.popDue(until)) {
      const { sim, token } = t.item;
      if (sim.status !== 'active' || sim.token !== token) continue;
      this.#clock = Math.max(this.#clock, t.due);
      await this.#pass(sim, this.#clock);
    }
  }

  /** JourneyRunner's plan for one enrollment: steps until it must wait or leaves. */
  async #pass(sim: Sim, now: number): Promise<void> {
    const j = this.#j;
    const e = sim.state;
    let node = e.node;
    let armedSince = e.armedNode === e.node ? e.armedSince : null;
    const renders = sim.trace !== null || this.#tally.rendered < RENDER_FIRST;
    this.#env.renderInFull = renders;
    for (let i = 0; i < MAX_STEPS_PER_PASS; i++) {
      const step = j.steps.get(node);
      if (!step) {
        // Only a definition that failed its own checks can get here (as in the runner).
        this.#end(sim, 'exited');
        return;
      }
      const r = await runStep({
        step,
        enrollment: { ...e, node },
        definition: j.definition,
        now,
        armedSince,
        env: this.#env,
      });
      if (r.kind === 'wait') {
        if (r.record) this.#record(sim, r.record, now);
        Object.assign(e, { node, armedNode: node, armedSince: armedSince ?? now, signal: null });
        this.#schedule(sim, r.until);
        return;
      }
      const row = this.#record(sim, r.record, now);
      if (r.kind === 'end') {
        this.#end(sim, r.status);
        return;
      }
      if (r.message) {
        const m = r.message;
        this.#tally.message(step.id, m.channel, renders);
        if (m.kind === 'marketing') this.#env.recordSent(e.profileId, m.channel, now);
        sim.lastMessage = { id: m.id ?? '', at: now };
        if (row) row.message = { channel: m.channel, to: m.to, subject: m.subject };
      }
      if (r.holdout === true && !e.holdout) {
        e.holdout = true;
        this.#tally.holdoutEntered += 1;
      }
      node = r.to;
      armedSince = null;
      e.visit += 1;
    }
    throw new Error(`journey ${j.id} ran more than ${MAX_STEPS_PER_PASS} steps in a pass`);
  }

  #end(sim: Sim, status: SimStatus): void {
    sim.status = status;
    sim.state.node = '';
    sim.state.signal = null;
    sim.token += 1;
  }

  /** Counts the step; for a sample, the row of its trace (a message is added to it). */
  #record(sim: Sim, r: StepRecord, now: number): BacktestTraceStep | null {
    this.#tally.step(r);
    if (sim.trace === null) return null;
    const row = traceRow(r, now);
    sim.trace.push(row);
    return row;
  }
}
