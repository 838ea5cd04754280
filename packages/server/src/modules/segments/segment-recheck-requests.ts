import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import { inSlots } from '../../platform/db/processor-slots.js';

/** Requests taken per batch: a redaction of a big shop is worked off over several batches. */
const REQUESTS_PER_BATCH = 10_000;
/** Rows per insert (well under either engine's parameter limit). */
const CHUNK = 500;

/**
 * Asks the processor to re-check every segment of these profiles, which changed outside the
 * event log (a shop's redaction removed the shop's events and orders from them). Written in the
 * caller's transaction, so the request exists exactly when the change committed; the processor
 * takes it in its next batches (RecheckRequests) and writes entries and exits with `cause`.
 */
export async function requestSegmentRechecks(
  trx: Trx,
  workspaceId: string,
  profileIds: readonly string[],
  cause: string,
): Promise<void> {
  for (let i = 0; i < profileIds.length; i += CHUNK) {
    await trx
      .insertInto('segment_recheck_requests')
      .values(
        profileIds
          .slice(i, i + CHUNK)
          .map((profileId) => ({ workspace_id: workspaceId, profile_id: profileId, cause })),
      )
      .execute();
  }
}

/** Whether a stored condition tree compares any date in the profile's zone. */
function readsProfileZone(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(readsProfileZone);
  if (typeof node !== 'object' || node === null) return false;
  if ('zone' in node && node.zone === 'profile') return true;
  return Object.values(node).some(readsProfileZone);
}

/**
 * The workspace's own time zone changed (its sending rules' zone): dates compared in the
 * profile's zone now fall on other days for every profile without a zone of its own, so each
 * such profile's segments are asked again (their next local midnights too), in the caller's
 * transaction with the change - one statement for the lot. Nothing is asked when no segment of
 * the workspace reads the profile's zone; segments that follow a zoned one (membership, since
 * entering) follow its entries and exits as always. Returns how many profiles were asked for.
 */
export async function requestZoneRechecks(
  trx: Trx,
  workspaceId: string,
  cause: string,
): Promise<number> {
  const segments = await trx
    .selectFrom('segments')
    .select('definition')
    .where('workspace_id', '=', workspaceId)
    .execute();
  const zoned = segments.some((s) =>
    readsProfileZone(typeof s.definition === 'string' ? JSON.parse(s.definition) : s.definition),
  );
  if (!zoned) return 0;
  const r = await trx
    .insertInto('segment_recheck_requests')
    .columns(['workspace_id', 'profile_id', 'cause'])
    .expression(
      trx
        .selectFrom('profiles')
        .select(['workspace_id', 'id', sql<string>`cast(${cause} as text)`.as('cause')])
        .where('workspace_id', '=', workspaceId)
        .where('time_zone', 'is', null),
    )
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0);
}

/**
 * The processor's part: takes the oldest requests (each re-check is whole and idempotent, so
 * their order does not matter and a request committed while a batch runs is simply left for
 * the next one) and removes them in the batch's transaction, so each is worked off once.
 */
export async function takeRecheckRequests(
  trx: Trx,
  slots?: readonly number[],
): Promise<Map<string, Map<string, string>>> {
  const rows = await trx
    .selectFrom('segment_recheck_requests')
    .selectAll()
    .$if(slots !== undefined, (q) => q.where(inSlots('workspace_id', slots ?? [])))
    .orderBy('seq')
    .limit(REQUESTS_PER_BATCH)
    .execute();
  const byWorkspace = new Map<string, Map<string, string>>();
  for (const r of rows) {
    const causes = byWorkspace.get(r.workspace_id) ?? new Map<string, string>();
    causes.set(r.profile_id, r.cause);
    byWorkspace.set(r.workspace_id, causes);
  }
  // Exactly the rows read: on PostgreSQL a request with a smaller seq may commit after them.
  const seqs = rows.map((r) => r.seq);
  for (let i = 0; i < seqs.length; i += CHUNK) {
    await trx
      .deleteFrom('segment_recheck_requests')
      .where('seq', 'in', seqs.slice(i, i + CHUNK))
      .execute();
  }
  return byWorkspace;
}
