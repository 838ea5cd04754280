import type { Trx } from '../../platform/db/database.js';
import { inSlots, slotOfWorkspace } from '../../platform/db/processor-slots.js';

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
 * The consent changes after each cursor, oldest first, at most PER_BATCH in all: of every
 * workspace (`slots` undefined, the one cursor), or of the given processor slots' workspaces,
 * each slot from its own cursor - one query for the lot. A slot's answer holds every change of
 * its workspaces after its cursor up to its own last one read (rows are read in `seq` order
 * from the lowest cursor), so its cursor may move there.
 */
export async function readSlotsConsentChanges(
  trx: Trx,
  slots: readonly number[] | undefined,
): Promise<Map<number | undefined, ConsentChangesRead>> {
  const keys: (number | undefined)[] = slots === undefined ? [undefined] : [...slots];
  const names = [...keys.map(cursorName), CURSOR];
  const cursors = await trx
    .selectFrom('processor_cursors')
    .select(['name', 'position'])
    .where('name', 'in', [...new Set(names)])
    .execute();
  const stored = new Map(cursors.map((c) => [c.name, Number(c.position)]));
  const fallback = stored.get(CURSOR) ?? 0;
  const out = new Map<number | undefined, ConsentChangesRead>(
    keys.map((k) => [
      k,
      { byWorkspace: new Map(), position: stored.get(cursorName(k)) ?? fallback },
    ]),
  );
  const lowest = Math.min(...[...out.values()].map((r) => r.position));
  const rows = await trx
    .selectFrom('consent_changes')
    .select(['seq', 'workspace_id', 'profile_id', 'channel', 'status', 'source'])
    .where('seq', '>', lowest)
    .$if(slots !== undefined, (q) => q.where(inSlots('workspace_id', slots ?? [])))
    .orderBy('seq')
    .limit(PER_BATCH)
    .execute();
  for (const r of rows) {
    const read = out.get(slots === undefined ? undefined : slotOfWorkspace(r.workspace_id));
    if (!read || Number(r.seq) <= read.position) continue;
    let profiles = read.byWorkspace.get(r.workspace_id);
    if (!profiles) read.byWorkspace.set(r.workspace_id, (profiles = new Map()));
    profiles.set(r.profile_id, `consent: ${r.channel} ${r.status} (${r.source})`);
    read.position = Number(r.seq);
  }
  return out;
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
