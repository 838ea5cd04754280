import type { JourneyDefinition } from '@comeback/contracts';
import type { Db, Trx } from '../../platform/db/database.js';
import type { DefinitionCache } from './definition-cache.js';
import type { EnrollmentContext } from './engine-types.js';
import { newEnrollmentId } from './enrollment-store.js';
import { elapsedMs } from './local-time.js';

/** A journey version that is live now, as the trigger follower matches against it. */
export interface ActiveJourney {
  id: string;
  workspaceId: string;
  version: number;
  activatedAt: number;
  definition: JourneyDefinition;
  /** The entry segment's id (resolved once per batch), or null without one or when gone. */
  entrySegmentId: string | null;
}

/**
 * Enrolls the profile if the journey's entry rules let it in: `once` ever, `once_per` period,
 * never twice at a time unless `whileInside`, and only members of the entry segment or those
 * meeting the entry condition (checked by the caller before its transaction). The enrollment starts due now at the first step, with its
 * `entered` trace row. The unique (journey, profile, entry key) makes one trigger enroll once.
 */
export async function enrollProfile(
  trx: Trx,
  j: ActiveJourney,
  profileId: string,
  entryKey: string,
  context: EnrollmentContext,
  now: number,
  /** When the first step is due (now unless a date trigger names a local time). */
  dueAt: number = now,
  /** The log position of the triggering event, when an event triggered. */
  entrySeq: number | null = null,
): Promise<string | null> {
  const entry = j.definition.entry;
  const previous = await trx
    .selectFrom('journey_enrollments')
    .select(['status', 'entered_at'])
    .where('journey_id', '=', j.id)
    .where('profile_id', '=', profileId)
    .orderBy('entered_at', 'desc')
    .execute();
  if (entry.rule === 'once' && previous.length > 0) return null;
  if (!entry.whileInside && previous.some((p) => p.status === 'active')) return null;
  if (entry.rule === 'once_per' && entry.period) {
    const period = elapsedMs(entry.period);
    if (previous.some((p) => Number(p.entered_at) > now - period)) return null;
  }
  if (entry.segment !== undefined) {
    const segmentId = j.entrySegmentId;
    const member =
      segmentId !== null &&
      (await trx
        .selectFrom('segment_memberships')
        .select('profile_id')
        .where('segment_id', '=', segmentId)
        .where('profile_id', '=', profileId)
        .executeTakeFirst()) !== undefined;
    if (!member) return null;
  }
  const id = newEnrollmentId(now, j.id, profileId, entryKey);
  const inserted = await trx
    .insertInto('journey_enrollments')
    .values({
      id,
      workspace_id: j.workspaceId,
      journey_id: j.id,
      version: j.version,
      profile_id: profileId,
      entry_key: entryKey,
      entry_seq: entrySeq,
      status: 'active',
      node: j.definition.start,
      visit: 1,
      context: JSON.stringify(context),
      due_at: dueAt,
      lease_until: null,
      armed_node: null,
      armed_since: null,
      waiting_event: null,
      signal_seq: 0,
      signal: null,
      holdout: 0,
      entered_at: now,
      updated_at: now,
      ended_at: null,
      end_reason: null,
      last_message_id: null,
      last_message_at: null,
      converted_at: null,
      revenue: null,
    })
    .onConflict((oc) => oc.columns(['journey_id', 'profile_id', 'entry_key']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return null;
  await trx
    .insertInto('journey_steps')
    .values({
      enrollment_id: id,
      visit: 0,
      workspace_id: j.workspaceId,
      journey_id: j.id,
      node: '$entry',
      step_type: 'trigger',
      outcome: 'entered',
      next_node: j.definition.start,
      reason: null,
      message_id: null,
      at: now,
      detail: JSON.stringify({ trigger: context.trigger, version: j.version }),
    })
    .execute();
  return id;
}

/** Resolves a segment reference (id or name) of a workspace to its id. */
export type SegmentResolver = (workspaceId: string, ref: string) => Promise<string | null>;

/** The versions live now, with what their triggers need resolved. */
export async function activeJourneys(
  db: Db,
  definitions: DefinitionCache,
  resolveSegment: SegmentResolver,
): Promise<ActiveJourney[]> {
  const rows = await db
    .selectFrom('journeys as j')
    .innerJoin('journey_versions as v', (join) =>
      join.onRef('v.journey_id', '=', 'j.id').onRef('v.version', '=', 'j.active_version'),
    )
    .select(['j.id', 'j.workspace_id', 'j.active_version', 'v.activated_at'])
    .where('j.status', '=', 'active')
    .execute();
  const out: ActiveJourney[] = [];
  for (const r of rows) {
    const version = Number(r.active_version);
    const { definition } = await definitions.get(r.id, version);
    const entrySegment = definition.entry.segment;
    out.push({
      id: r.id,
      workspaceId: r.workspace_id,
      version,
      activatedAt: Number(r.activated_at),
      definition,
      entrySegmentId:
        entrySegment === undefined ? null : await resolveSegment(r.workspace_id, entrySegment),
    });
  }
  return out;
}
