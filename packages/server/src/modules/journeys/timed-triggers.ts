import type { JourneyTrigger, SegmentCondition } from '@comeback/contracts';
import { CronExpressionParser } from 'cron-parser';
import { DateTime } from 'luxon';
import type { Database } from '../../platform/db/database.js';
import type { DefinitionCache } from './definition-cache.js';
import type { EnrollmentContext, StepEnv } from './engine-types.js';
import {
  activeJourneys,
  enrollProfile,
  type ActiveJourney,
  type SegmentResolver,
} from './journey-entry.js';
import type { JourneySettingsStore } from './journey-settings.js';

/** Profiles read per page from a segment or a date query. */
const PAGE = 5000;
const DAY_MS = 86_400_000;
/** Days a date trigger catches up after the engine was down. */
const CATCH_UP_DAYS = 7;

/** A local calendar day of `zone` as a number (days since 1970-01-01). */
function dayNumberOf(instant: number, zone: string): number {
  const local = DateTime.fromMillis(instant, { zone });
  return Math.round(Date.UTC(local.year, local.month - 1, local.day) / DAY_MS);
}

type Schedule = Extract<JourneyTrigger, { type: 'schedule' }>;
type DateField = Extract<JourneyTrigger, { type: 'date_field' }>;

/** What these triggers ask of the segment module. */
export interface ConditionMembers {
  membersOf(
    workspaceId: string,
    condition: SegmentCondition,
    at: number,
    page: { after?: string; limit: number },
  ): Promise<string[]>;
}

/**
 * Triggers that fire on the calendar rather than on an event (ADR 0021):
 * - `schedule`: at each cron tick (in the workspace's time zone) everyone then in the segment
 *   enters; a tick missed while the engine was down fires once when it is back, never twice
 *   (the last tick handled is kept per version in `settings`, committed with the entries);
 * - `date_field`: once per day of the workspace, the profiles whose date (a birthday, the
 *   first order, replenishment due) plus the offset falls on that day enter, and the first step
 *   is due at `at` in the profile's own zone. `yearly` compares month and day only.
 * The entry key (`schedule:<tick>`, `date:<day>`) makes a rerun of the same tick enroll no one
 * twice; the entry rules still apply.
 */
export class TimedTriggers {
  readonly #database: Database;
  readonly #definitions: DefinitionCache;
  readonly #resolveSegment: SegmentResolver;
  readonly #settings: JourneySettingsStore;
  readonly #env: StepEnv;
  readonly #members: ConditionMembers;
  readonly #ticks = new Map<string, number>();

  constructor(deps: {
    database: Database;
    definitions: DefinitionCache;
    resolveSegment: SegmentResolver;
    settings: JourneySettingsStore;
    env: StepEnv;
    members: ConditionMembers;
  }) {
    this.#database = deps.database;
    this.#definitions = deps.definitions;
    this.#resolveSegment = deps.resolveSegment;
    this.#settings = deps.settings;
    this.#env = deps.env;
    this.#members = deps.members;
  }

  /**
   * The first tick of `cron` after `after`. cron-parser searches unit by unit (a yearly
   * expression walks up to a year of days), and the engine asks after every step with the same
   * last tick, so each (expression, zone, instant) is searched once.
   */
  #tickAfter(cron: string, timezone: string, after: number): number {
    const key = `${cron}|${timezone}|${after}`;
    let tick = this.#ticks.get(key);
    if (tick === undefined) {
      if (this.#ticks.size >= 10_000) this.#ticks.clear();
      tick = CronExpressionParser.parse(cron, { currentDate: after, tz: timezone })
        .next()
        .getTime();
      this.#ticks.set(key, tick);
    }
    return tick;
  }

  /** Fires what is due at `now`; the number of profiles enrolled. */
  async fire(now: number): Promise<number> {
    let entered = 0;
    const journeys = await activeJourneys(
      this.#database.db,
      this.#definitions,
      this.#resolveSegment,
    );
    const states = await this.#states(journeys);
    for (const j of journeys) {
      const t = j.definition.trigger;
      const last = states.get(stateKeyOf(j)) ?? null;
      if (t.type === 'schedule') entered += await this.#schedule(j, t, now, last);
      if (t.type === 'date_field') entered += await this.#dateField(j, t, now, last);
    }
    return entered;
  }

  async #schedule(
    j: ActiveJourney,
    t: Schedule,
    now: number,
    handled: number | null,
  ): Promise<number> {
    const key = stateKeyOf(j);
    const last = handled ?? j.activatedAt;
    const { timezone } = await this.#settings.get(j.workspaceId);
    // Nothing due until the tick after the last one handled (the common case, answered from
    // the memo); only then is the latest tick up to now searched for.
    if (this.#tickAfter(t.cron, timezone, last) > now) return 0;
    const tick = CronExpressionParser.parse(t.cron, { currentDate: now + 1, tz: timezone })
      .prev()
      .getTime();
    if (tick <= last) return 0;
    const segmentId = await this.#resolveSegment(j.workspaceId, t.segment);
    const members: string[] = [];
    if (segmentId !== null) {
      let after = '';
      for (;;) {
        const page = await this.#database.db
          .selectFrom('segment_memberships')
          .select('profile_id')
          .where('segment_id', '=', segmentId)
          .where('profile_id', '>', after)
          .orderBy('profile_id')
          .limit(PAGE)
          .execute();
        members.push(...page.map((r) => r.profile_id));
        const lastRow = page[page.length - 1];
        if (!lastRow || page.length < PAGE) break;
        after = lastRow.profile_id;
      }
    }
    const context = { trigger: { type: 'schedule', segment: segmentId ?? t.segment } };
    const dueNow = () => Promise.resolve(now);
    return this.#enrollAll(j, members, `schedule:${tick}`, context, now, dueNow, key, tick);
  }

  async #dateField(
    j: ActiveJourney,
    t: DateField,
    now: number,
    handled: number | null,
  ): Promise<number> {
    const key = stateKeyOf(j);
    const { timezone } = await this.#settings.get(j.workspaceId);
    const today = dayNumberOf(now, timezone);
    const last = handled ?? dayNumberOf(j.activatedAt, timezone) - 1;
    let entered = 0;
    // Days missed while nothing ran are caught up, a week at most.
    for (let day = Math.max(last + 1, today - (CATCH_UP_DAYS - 1)); day <= today; day++) {
      const date = DateTime.fromMillis(day * DAY_MS, { zone: 'utc' });
      const local = DateTime.fromObject(
        { year: date.year, month: date.month, day: date.day },
        { zone: timezone },
      );
      // The field's date that makes this day the day: this day minus the offset.
      const target = local.minus({ days: t.offsetDays });
      const condition: SegmentCondition = t.yearly
        ? { type: 'field', field: t.field, operator: 'anniversary_within', amount: 1, unit: 'days' }
        : {
            type: 'field',
            field: t.field,
            operator: 'between',
            values: [
              new Date(target.toMillis()).toISOString(),
              new Date(target.plus({ days: 1 }).toMillis() - 1).toISOString(),
            ],
          };
      // Yearly dates are month-days of the stored (UTC) date: asked at that day's UTC midnight.
      const at = t.yearly ? Date.UTC(target.year, target.month - 1, target.day) : now;
      const members: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await this.#members.membersOf(j.workspaceId, condition, at, {
          ...(after !== undefined ? { after } : {}),
          limit: PAGE,
        });
        members.push(...page);
        if (page.length < PAGE) break;
        after = page[page.length - 1];
      }
      const context = { trigger: { type: 'date_field', segment: t.field } };
      const [hour = 10, minute = 0] = t.at.split(':').map(Number);
      const dueAt = async (profileId: string) => {
        const zone = await this.#env.zoneOf(j.workspaceId, profileId);
        const wall = DateTime.fromObject(
          { year: date.year, month: date.month, day: date.day, hour, minute },
          { zone },
        );
        return Math.max(now, wall.toMillis());
      };
      entered += await this.#enrollAll(
        j,
        members,
        `date:${date.toISODate() ?? day}`,
        context,
        now,
        dueAt,
        key,
        day,
      );
    }
    return entered;
  }

  /**
   * When a calendar trigger fires next (the test clock steps to it): a schedule's next cron
   * tick, a date trigger's next day in the workspace's zone; now when one is already due.
   */
  async nextFireAt(now: number): Promise<number | null> {
    let next: number | null = null;
    const earliest = (t: number) => {
      next = next === null ? t : Math.min(next, t);
    };
    const journeys = await activeJourneys(
      this.#database.db,
      this.#definitions,
      this.#resolveSegment,
    );
    const states = await this.#states(journeys);
    for (const j of journeys) {
      const t = j.definition.trigger;
      if (t.type !== 'schedule' && t.type !== 'date_field') continue;
      const { timezone } = await this.#settings.get(j.workspaceId);
      const handled = states.get(stateKeyOf(j));
      if (t.type === 'schedule') {
        earliest(this.#tickAfter(t.cron, timezone, handled ?? j.activatedAt));
      } else {
        const last = handled ?? dayNumberOf(j.activatedAt, timezone) - 1;
        const date = DateTime.fromMillis((last + 1) * DAY_MS, { zone: 'utc' });
        earliest(
          DateTime.fromObject(
            { year: date.year, month: date.month, day: date.day },
            { zone: timezone },
          ).toMillis(),
        );
      }
    }
    return next === null ? null : Math.max(now, next);
  }

  /**
   * Enrolls the profiles (entry conditions checked first, outside the transaction) and records
   * the tick or day as handled, in one transaction. With `localAt`, each enrollment's first
   * step is due at that local time today in the profile's zone (now if already past).
   */
  async #enrollAll(
    j: ActiveJourney,
    profileIds: readonly string[],
    entryKey: string,
    context: EnrollmentContext,
    now: number,
    dueAt: (profileId: string) => Promise<number>,
    stateKey: string,
    stateValue: number,
  ): Promise<number> {
    const admitted: { profileId: string; dueAt: number }[] = [];
    for (const profileId of profileIds) {
      const condition = j.definition.entry.condition;
      if (condition && !(await this.#env.conditionHolds(j.workspaceId, profileId, condition, now)))
        continue;
      admitted.push({ profileId, dueAt: await dueAt(profileId) });
    }
    return this.#database.db.transaction().execute(async (trx) => {
      let entered = 0;
      for (const a of admitted)
        if ((await enrollProfile(trx, j, a.profileId, entryKey, context, now, a.dueAt)) !== null)
          entered += 1;
      const value = String(stateValue);
      await trx
        .insertInto('settings')
        .values({ key: stateKey, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
      return entered;
    });
  }

  /**
   * The last tick or day each calendar journey handled, in one read: the engine asks at every
   * step of the clock, and one query per journey per step was most of the settings reads.
   */
  async #states(journeys: readonly ActiveJourney[]): Promise<Map<string, number>> {
    const keys = journeys
      .filter(
        (j) =>
          j.definition.trigger.type === 'schedule' || j.definition.trigger.type === 'date_field',
      )
      .map(stateKeyOf);
    if (keys.length === 0) return new Map();
    const rows = await this.#database.db
      .selectFrom('settings')
      .select(['key', 'value'])
      .where('key', 'in', keys)
      .execute();
    return new Map(rows.map((r) => [r.key, Number(r.value)]));
  }
}

/** Where a calendar journey's version keeps the last tick (schedule) or day (date) it handled. */
function stateKeyOf(j: ActiveJourney): string {
  const kind = j.definition.trigger.type === 'schedule' ? 'journey-schedule' : 'journey-date';
  return `${kind}:${j.id}:${j.version}`;
}
