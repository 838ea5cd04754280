import type {
  BacktestReport,
  BacktestRequest,
  Journey,
  JourneyDefinition,
} from '@comeback/contracts';
import type { Database, Db } from '../../platform/db/database.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { readJsonObject } from '../../platform/json.js';
import { BacktestEnv, type BacktestSources } from './backtest-env.js';
import { Replay, type ReplayJourney } from './backtest-replay.js';
import { iso } from './backtest-sim.js';
import { elapsedMs } from './local-time.js';
import { BacktestTally } from './backtest-tally.js';
import type { TriggerEvent } from './engine-types.js';
import type { JourneyService } from './journey-service.js';
import { storedJourneyReferences } from './journey-store.js';

/** Rows read per query: memory stays flat however long the window. */
const PAGE = 5000;

export interface BacktestDeps extends BacktestSources {
  database: Database;
  journeys: JourneyService;
}

interface WindowEvent {
  profileId: string;
  receivedAt: number;
  event: TriggerEvent;
}

interface WindowChange {
  seq: number;
  profileId: string;
  segmentId: string;
  at: number;
}

/** Every event name the journey reacts to: its trigger, goal, awaited events and actions. */
export function eventsOf(d: JourneyDefinition): string[] {
  const names = new Set<string>();
  if (d.trigger.type === 'event') names.add(d.trigger.event);
  if (d.goal !== undefined) names.add(d.goal.event);
  for (const s of d.steps)
    if (s.type === 'wait_for_event' || s.type === 'split_action') names.add(s.event);
  return [...names];
}

/**
 * The backtest (issue 13, item 7): the last N days of stored events replayed through a
 * journey's draft on a virtual clock (backtest-replay.ts) with the steps the engine runs. It
 * only reads: no enrollment, step row, message, profile update or membership is written, so
 * it can run against the live database at any time.
 */
export class JourneyBacktest {
  readonly #d: BacktestDeps;
  constructor(deps: BacktestDeps) {
    this.#d = deps;
  }

  async run(
    workspaceId: string,
    idOrName: string,
    request: BacktestRequest,
    now: number,
  ): Promise<Result<BacktestReport>> {
    const found = await this.#d.journeys.get(workspaceId, idOrName);
    if (!found.ok) return found;
    const journey = found.value;
    const d = journey.definition;
    const t = d.trigger;
    if (t.type !== 'event' && t.type !== 'segment_entered' && t.type !== 'segment_exited') {
      const message = `a backtest replays event and segment triggers, not ${t.type} triggers`;
      return fail('validation_failed', `trigger.type: ${message}`, [
        { field: 'trigger.type', message },
      ]);
    }
    const db = this.#d.database.db;
    const refs = storedJourneyReferences(db);
    const from = now - elapsedMs({ amount: request.days, unit: 'days' });
    const notes = notesFor(journey);
    const entrySegmentId =
      d.entry.segment === undefined ? null : await refs.segmentId(workspaceId, d.entry.segment);
    if (d.entry.segment !== undefined && entrySegmentId === null)
      notes.push(`The entry segment "${d.entry.segment}" no longer exists: nobody can enter.`);
    const triggerSegment = t.type === 'event' ? null : await refs.segmentId(workspaceId, t.segment);
    if (t.type !== 'event' && triggerSegment === null)
      notes.push(`The trigger's segment "${t.segment}" no longer exists: nobody can enter.`);
    const j: ReplayJourney = {
      id: journey.id,
      workspaceId,
      definition: d,
      steps: new Map(d.steps.map((s) => [s.id, s])),
      entrySegmentId,
      isEntryMember: async (profileId) =>
        entrySegmentId !== null &&
        (await db
          .selectFrom('segment_memberships')
          .select('profile_id')
          .where('segment_id', '=', entrySegmentId)
          .where('profile_id', '=', profileId)
          .executeTakeFirst()) !== undefined,
    };
    const env = new BacktestEnv(this.#d);
    const tally = new BacktestTally(d.steps);
    const replay = new Replay(j, env, tally, { samples: request.samples, from });
    const events = windowEvents(db, workspaceId, eventsOf(d), from, now);
    const changes =
      triggerSegment === null || t.type === 'event'
        ? empty<WindowChange>()
        : windowChanges(db, workspaceId, triggerSegment, t.type, from, now);
    let eventCount = 0;
    let changeCount = 0;
    // Both streams in time order; an event and a change at the same instant: the event first.
    let e = await events.next();
    let c = await changes.next();
    while (!e.done || !c.done) {
      if (!e.done && (c.done || e.value.receivedAt <= c.value.at)) {
        await replay.event(e.value.profileId, e.value.receivedAt, e.value.event);
        eventCount += 1;
        e = await events.next();
      } else if (!c.done) {
        await replay.segmentChange(c.value.profileId, c.value.seq, c.value.segmentId, c.value.at);
        changeCount += 1;
        c = await changes.next();
      }
    }
    await replay.finish(now);

    const waiting = new Map<string, number>();
    const ended = { completed: 0, exited: 0, converted: 0, active: 0 };
    for (const s of replay.enrollments) {
      ended[s.status] += 1;
      if (s.status === 'active') waiting.set(s.state.node, (waiting.get(s.state.node) ?? 0) + 1);
    }
    const messages = tally.messagesReport();
    if (messages.total > messages.rendered)
      notes.push(
        `${messages.rendered} of ${messages.total} messages were rendered in full (the sample ` +
          "traces' and the first ones); the others had their template, address and consent " +
          'checked without rendering.',
      );
    return ok({
      journey: { id: journey.id, name: d.name, status: journey.status },
      days: request.days,
      from: iso(from),
      to: iso(now),
      events: eventCount,
      segmentChanges: changeCount,
      entered: tally.entered,
      profiles: tally.profiles.size,
      completed: ended.completed,
      converted: tally.converted,
      revenue: Math.round(tally.revenue * 100) / 100,
      exited: ended.exited,
      waiting: ended.active,
      holdout: { entered: tally.holdoutEntered, converted: tally.holdoutConverted },
      steps: tally.steps(waiting),
      messages,
      sampleTraces: replay.traces,
      notes,
    });
  }
}

/** What the replay cannot know and assumes instead, said in every report. */
function notesFor(journey: Journey): string[] {
  const notes = [
    'The draft definition is replayed as if it had been live for the whole window; real ' +
      "enrollments of this journey are ignored (entry rules see only the replay's own).",
    'Split and entry conditions are evaluated as of each virtual instant for what the log ' +
      'and the segments\' recorded entries tell (events and orders up to then, "since entering" ' +
      'from the entry in effect then); profile fields, computed fields, consent and suppressions ' +
      "are today's.",
    "The frequency budget counts only this replay's messages, not those other journeys or " +
      'campaigns sent in the window.',
    'Nothing is sent or written: update-profile steps change nothing (later steps do not see ' +
      'their changes) and webhook steps call nothing.',
  ];
  if (journey.activeVersion !== null && journey.changedSinceActivation)
    notes.push(
      `The draft differs from the active version ${journey.activeVersion}: the draft is what ran.`,
    );
  return notes;
}

async function* empty<T>(): AsyncGenerator<T> {
  // Nothing to replay: a journey without a segment trigger reads no segment changes.
}

/** The window's applied track events with a name the journey reacts to, in log order. */
async function* windowEvents(
  db: Db,
  workspaceId: string,
  names: string[],
  from: number,
  to: number,
): AsyncGenerator<WindowEvent> {
  if (names.length === 0) return;
  for (let after = 0; ;) {
    const rows = await db
      .selectFrom('events as e')
      .innerJoin('event_profiles as ep', 'ep.seq', 'e.seq')
      .select(['e.seq', 'e.message_id', 'e.event', 'e.timestamp', 'e.received_at', 'e.payload'])
      .select('ep.profile_id')
      .where('e.workspace_id', '=', workspaceId)
      .where('e.type', '=', 'track')
      .where('e.event', 'in', names)
      .where('e.received_at', '>=', from)
      .where('e.received_at', '<=', to)
      .where('e.seq', '>', after)
      .orderBy('e.seq')
      .limit(PAGE)
      .execute();
    for (const r of rows) {
      if (r.event === null) continue;
      yield {
        profileId: r.profile_id,
        receivedAt: Number(r.received_at),
        event: {
          name: r.event,
          messageId: r.message_id,
          at: Number(r.timestamp),
          properties: readJsonObject(readJsonObject(r.payload).properties),
        },
      };
    }
    const last = rows[rows.length - 1];
    if (rows.length < PAGE || last === undefined) return;
    after = Number(last.seq);
  }
}

/** The window's entries into (or exits from) the trigger's segment, in order. */
async function* windowChanges(
  db: Db,
  workspaceId: string,
  segmentId: string,
  trigger: 'segment_entered' | 'segment_exited',
  from: number,
  to: number,
): AsyncGenerator<WindowChange> {
  const kind = trigger === 'segment_entered' ? 'entered' : 'exited';
  for (let after = 0; ;) {
    const rows = await db
      .selectFrom('segment_changes')
      .select(['seq', 'profile_id', 'at'])
      .where('workspace_id', '=', workspaceId)
      .where('segment_id', '=', segmentId)
      .where('kind', '=', kind)
      .where('at', '>=', from)
      .where('at', '<=', to)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    for (const r of rows)
      yield { seq: Number(r.seq), profileId: r.profile_id, segmentId, at: Number(r.at) };
    const last = rows[rows.length - 1];
    if (rows.length < PAGE || last === undefined) return;
    after = Number(last.seq);
  }
}
