import type { Db, Trx } from '../../platform/db/database.js';
import type { EventLog } from './event-log.js';
import { FRONTIER_CURSOR, type SlotCursors } from './processor-slots.js';

/** The one cursor (SQLite's; PostgreSQL's frontier): created at 0 unless it exists. */
export async function ensureOneCursor(db: Db, now: number): Promise<void> {
  await db
    .insertInto('processor_cursors')
    .values({ name: FRONTIER_CURSOR, position: 0, updated_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

/** The one cursor's position (SQLite: a batch's first write takes the file's lock). */
export async function readOneCursor(trx: Trx | Db): Promise<number> {
  const row = await trx
    .selectFrom('processor_cursors')
    .select('position')
    .where('name', '=', FRONTIER_CURSOR)
    .executeTakeFirst();
  return Number(row?.position ?? 0);
}

export async function moveOneCursor(trx: Trx, position: number, now: number): Promise<void> {
  await trx
    .updateTable('processor_cursors')
    .set({ position, updated_at: now })
    .where('name', '=', FRONTIER_CURSOR)
    .execute();
}

/**
 * Records the event at `seq` as failed (`processor_failures`) and moves its cursor past it, in
 * the caller's transaction: the one cursor (SQLite), or the cursor of the event's slot, locked
 * first (PostgreSQL, ADR 0027). Answers false when the cursor is no longer just before the
 * event (another worker got past it meanwhile, or it was erased): nothing is written then.
 */
export async function parkFailedEvent(
  trx: Trx,
  log: EventLog,
  slots: SlotCursors | undefined,
  failure: { seq: number; error: unknown; now: number },
): Promise<boolean> {
  const { seq, now } = failure;
  let position: number;
  let slot: number | undefined;
  if (slots) {
    slot = await slots.slotOfEvent(trx, seq);
    if (slot === undefined) return false;
    position = await slots.lock(trx, slot);
  } else {
    position = await readOneCursor(trx);
  }
  const [row] =
    slot === undefined
      ? await log.readAfter(trx, position, 1)
      : await log.readSlotAfter(trx, slot, position, 1);
  if (row?.seq !== seq) return false;
  await trx
    .insertInto('processor_failures')
    .values({
      seq,
      workspace_id: row.event.workspaceId,
      message_id: row.event.messageId,
      error: String(failure.error).slice(0, 2000),
      failed_at: now,
    })
    .onConflict((oc) => oc.column('seq').doNothing())
    .execute();
  if (slots && slot !== undefined) {
    await slots.move(trx, new Map([[slot, seq]]), now);
    await slots.advanceFrontier(now, trx);
  } else {
    await moveOneCursor(trx, seq, now);
  }
  return true;
}
