import type { Trx } from '../../platform/db/database.js';

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

/**
 * The processor's part: takes the oldest requests (each re-check is whole and idempotent, so
 * their order does not matter and a request committed while a batch runs is simply left for
 * the next one) and removes them in the batch's transaction, so each is worked off once.
 */
export async function takeRecheckRequests(trx: Trx): Promise<Map<string, Map<string, string>>> {
  const rows = await trx
    .selectFrom('segment_recheck_requests')
    .selectAll()
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
