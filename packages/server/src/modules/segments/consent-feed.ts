import type { Trx } from '../../platform/db/database.js';
import { inSlots } from '../../platform/db/processor-slots.js';

/**
 * Consent is written by the consent service (the API, preference pages and unsubscribe links,
 * complaints from provider webhooks, the consent follower reading identify traits) and by the
 * consent follower moving a merged-away profile's consent to the survivor - never by the
 * processor - and every write of a consent record appends a row to `consent_changes`; a merge's
 * row names the survivor, with the source `merge: <source of the choice>`. (The loser's earlier
 * rows are re-pointed to the survivor without new `seq`s: harmless, as a survivor whose record
 * changed has its new row, and one whose record stands needs no re-check.) Live segments follow that table with their own cursor, kept in
 * `processor_cursors` (the derived file on SQLite) and moved in the batch transaction that
 * writes the resulting entries and exits: after a crash the same changes are read again and
 * nothing is recorded twice. On PostgreSQL every writer appends under one advisory lock
 * (`lockConsentWrites`), so rows become visible in `seq` order and none is passed over.
 */
const CURSOR = 'segments:consent';
/** Changes taken per batch: a backlog (a bulk import of consents) is worked off batch by batch. */
const PER_BATCH = 5000;

export interface ConsentChangesRead {
  /** Per workspace, the profiles whose consent changed, each with the cause of its last change. */
  byWorkspace: Map<string, Map<string, string>>;
  /** The cursor to store once they are taken in (unchanged when nothing was read). */
  position: number;
}

/**
 * The cursor of a processor slot's consent changes (PostgreSQL, ADR 0027), or the one cursor.
 * A slot's cursor starts where the one cursor stood when slots came in.
 */
const cursorName = (slot: number | undefined) =>
  slot === undefined ? CURSOR : `${CURSOR}:${slot}`;

/**
 * The consent changes after the cursor, oldest first, at most PER_BATCH of them: every
 * workspace's, or (`slot`) those of one processor slot's workspaces only.
 */
export async function readConsentChanges(trx: Trx, slot?: number): Promise<ConsentChangesRead> {
  const names = slot === undefined ? [CURSOR] : [cursorName(slot), CURSOR];
  const cursors = await trx
    .selectFrom('processor_cursors')
    .select(['name', 'position'])
    .where('name', 'in', names)
    .execute();
  const own = cursors.find((c) => c.name === names[0]) ?? cursors.find((c) => c.name === CURSOR);
  let position = Number(own?.position ?? 0);
  const rows = await trx
    .selectFrom('consent_changes')
    .select(['seq', 'workspace_id', 'profile_id', 'channel', 'status', 'source'])
    .where('seq', '>', position)
    .$if(slot !== undefined, (q) => q.where(inSlots('workspace_id', [slot ?? 0])))
    .orderBy('seq')
    .limit(PER_BATCH)
    .execute();
  const byWorkspace = new Map<string, Map<string, string>>();
  for (const r of rows) {
    let profiles = byWorkspace.get(r.workspace_id);
    if (!profiles) byWorkspace.set(r.workspace_id, (profiles = new Map()));
    profiles.set(r.profile_id, `consent: ${r.channel} ${r.status} (${r.source})`);
    position = Number(r.seq);
  }
  return { byWorkspace, position };
}

export async function moveConsentCursor(
  trx: Trx,
  position: number,
  now: number,
  slot?: number,
): Promise<void> {
  await trx
    .insertInto('processor_cursors')
    .values({ name: cursorName(slot), position, updated_at: now })
    .onConflict((oc) => oc.column('name').doUpdateSet({ position, updated_at: now }))
    .execute();
}
