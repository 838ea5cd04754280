import type { Enrollment, JourneyStats, JourneySummary, TraceEntry } from '@comeback/contracts';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import type { JourneyEnrollmentTable } from '../../platform/db/schema-journeys.js';
import { oneOf, readJsonObject } from '../../platform/json.js';
import { enrollmentStatuses, traceOutcomes } from '@comeback/contracts';

const iso = (t: number | null) => (t === null ? null : new Date(Number(t)).toISOString());

type Row = JourneyEnrollmentTable & { journey_name: string };

function enrollmentView(r: Row): Enrollment {
  return {
    id: r.id,
    journeyId: r.journey_id,
    journeyName: r.journey_name,
    version: Number(r.version),
    profileId: r.profile_id,
    status: oneOf(enrollmentStatuses, r.status) ?? 'exited',
    step: r.node,
    dueAt: iso(r.due_at),
    waitingFor: r.waiting_event,
    enteredAt: iso(r.entered_at) ?? '',
    endedAt: iso(r.ended_at),
    endReason: r.end_reason,
    convertedAt: iso(r.converted_at),
    revenue: r.revenue === null ? null : Number(r.revenue),
  };
}

/** What the API shows of running journeys: enrollments, traces, statistics. */
export class JourneyReads {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  #enrollments(workspaceId: string) {
    return this.#db
      .selectFrom('journey_enrollments as e')
      .innerJoin('journeys as j', 'j.id', 'e.journey_id')
      .selectAll('e')
      .select('j.name as journey_name')
      .where('e.workspace_id', '=', workspaceId);
  }

  /** A profile's enrollments, newest first (at most `limit`). */
  async ofProfile(workspaceId: string, profileId: string, limit = 100): Promise<Enrollment[]> {
    const rows = await this.#enrollments(workspaceId)
      .where('e.profile_id', '=', profileId)
      .orderBy('e.entered_at', 'desc')
      .orderBy('e.id')
      .limit(limit)
      .execute();
    return rows.map(enrollmentView);
  }

  async trace(
    workspaceId: string,
    enrollmentId: string,
  ): Promise<{ enrollment: Enrollment; steps: TraceEntry[] } | null> {
    const row = await this.#enrollments(workspaceId)
      .where('e.id', '=', enrollmentId)
      .executeTakeFirst();
    if (!row) return null;
    const steps = await this.#db
      .selectFrom('journey_steps')
      .selectAll()
      .where('enrollment_id', '=', enrollmentId)
      .orderBy('visit')
      .execute();
    return {
      enrollment: enrollmentView(row),
      steps: steps.map((s) => ({
        visit: Number(s.visit),
        step: s.node,
        stepType: s.step_type,
        outcome: oneOf(traceOutcomes, s.outcome) ?? 'skipped',
        at: iso(s.at) ?? '',
        next: s.next_node,
        reason: s.reason,
        messageId: s.message_id,
        detail: readJsonObject(s.detail),
      })),
    };
  }

  /** Counts per journey and per step, over every version. */
  async stats(journeyId: string, stepTypes: ReadonlyMap<string, string>): Promise<JourneyStats> {
    const statuses = await this.#db
      .selectFrom('journey_enrollments')
      .select(['status', 'holdout'])
      .select(sql<number>`count(*)`.as('n'))
      .select(sql<number>`coalesce(sum(revenue), 0)`.as('revenue'))
      .where('journey_id', '=', journeyId)
      .groupBy(['status', 'holdout'])
      .execute();
    const waiting = await this.#db
      .selectFrom('journey_enrollments')
      .select('node')
      .select(sql<number>`count(*)`.as('n'))
      .where('journey_id', '=', journeyId)
      .where('status', '=', 'active')
      .groupBy('node')
      .execute();
    const outcomes = await this.#db
      .selectFrom('journey_steps')
      .select(['node', 'step_type', 'outcome', 'next_node'])
      .select(sql<number>`count(*)`.as('n'))
      .where('journey_id', '=', journeyId)
      .groupBy(['node', 'step_type', 'outcome', 'next_node'])
      .execute();
    const count = (f: (r: (typeof statuses)[number]) => boolean) =>
      statuses.filter(f).reduce((s, r) => s + Number(r.n), 0);
    const holdoutEntered = count((r) => Number(r.holdout) === 1);
    const holdoutConverted = count((r) => Number(r.holdout) === 1 && r.status === 'converted');
    const entered = count(() => true);
    const converted = count((r) => r.status === 'converted');
    const treated = entered - holdoutEntered;
    const rate = (c: number, n: number) => (n === 0 ? null : c / n);
    const steps = new Map<string, JourneyStats['steps'][number]>();
    const stepOf = (node: string, type: string) => {
      let s = steps.get(node);
      if (!s) {
        s = { step: node, type, waiting: 0, outcomes: {}, branches: {} };
        steps.set(node, s);
      }
      return s;
    };
    for (const [node, type] of stepTypes) stepOf(node, type);
    for (const r of outcomes) {
      if (r.node.startsWith('$')) continue;
      const s = stepOf(r.node, r.step_type);
      s.outcomes[r.outcome] = (s.outcomes[r.outcome] ?? 0) + Number(r.n);
      if (r.next_node !== null)
        s.branches[r.next_node] = (s.branches[r.next_node] ?? 0) + Number(r.n);
    }
    for (const w of waiting)
      if (w.node !== null)
        stepOf(w.node, stepTypes.get(w.node) ?? 'unknown').waiting += Number(w.n);
    const sent = outcomes.filter((r) => r.outcome === 'sent').reduce((s, r) => s + Number(r.n), 0);
    return {
      journeyId,
      entered,
      active: count((r) => r.status === 'active'),
      completed: count((r) => r.status === 'completed'),
      exited: count((r) => r.status === 'exited'),
      converted,
      revenue: statuses.reduce((s, r) => s + Number(r.revenue), 0),
      messagesSent: sent,
      holdout: {
        entered: holdoutEntered,
        converted: holdoutConverted,
        rate: rate(holdoutConverted, holdoutEntered),
        treatedRate: rate(converted - holdoutConverted, treated),
      },
      steps: [...steps.values()],
    };
  }

  /**
   * Headline results of every journey of a workspace in two grouped reads (a list page would
   * otherwise ask once per journey). Journeys nobody entered are listed with zeros.
   */
  async summaries(workspaceId: string): Promise<JourneySummary[]> {
    const ofWorkspace = this.#db
      .selectFrom('journeys')
      .select('id')
      .where('workspace_id', '=', workspaceId);
    const [journeys, statuses, sent] = await Promise.all([
      ofWorkspace.orderBy('id').execute(),
      this.#db
        .selectFrom('journey_enrollments')
        .select(['journey_id', 'status'])
        .select(sql<number>`count(*)`.as('n'))
        .select(sql<number>`coalesce(sum(revenue), 0)`.as('revenue'))
        .where('journey_id', 'in', ofWorkspace)
        .groupBy(['journey_id', 'status'])
        .execute(),
      this.#db
        .selectFrom('journey_steps')
        .select('journey_id')
        .select(sql<number>`count(*)`.as('n'))
        .where('journey_id', 'in', ofWorkspace)
        .where('outcome', '=', 'sent')
        .groupBy('journey_id')
        .execute(),
    ]);
    const byId = new Map<string, JourneySummary>();
    for (const j of journeys)
      byId.set(j.id, {
        journeyId: j.id,
        entered: 0,
        active: 0,
        completed: 0,
        exited: 0,
        converted: 0,
        revenue: 0,
        messagesSent: 0,
      });
    for (const r of statuses) {
      const s = byId.get(r.journey_id);
      if (!s) continue;
      const n = Number(r.n);
      s.entered += n;
      s.revenue += Number(r.revenue);
      const status = oneOf(enrollmentStatuses, r.status);
      if (status) s[status] += n;
    }
    for (const r of sent) {
      const s = byId.get(r.journey_id);
      if (s) s.messagesSent = Number(r.n);
    }
    return [...byId.values()];
  }
}

/** Archiving a journey ends its running enrollments, with the reason. */
export async function exitEnrollments(
  db: Db,
  journeyId: string,
  reason: string,
  now: number,
): Promise<number> {
  const r = await db
    .updateTable('journey_enrollments')
    .set({
      status: 'exited',
      end_reason: reason,
      ended_at: now,
      due_at: null,
      node: null,
      updated_at: now,
    })
    .where('journey_id', '=', journeyId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
