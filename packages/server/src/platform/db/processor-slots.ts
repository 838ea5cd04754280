import { createHash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';

/**
 * PostgreSQL's processor divides the workspaces into a fixed number of slots, each with a
 * cursor of its own, so that worker processes apply different slots' events at the same time
 * (ADR 0027). A workspace's slot is a pure function of its id - the first byte of the MD5 of
 * the id's text, modulo SLOT_COUNT - computed the same way here and in SQL (and by the index
 * `events_slot_seq`, migration 041), so it needs no column and never changes. Fixed: changing
 * the count would move workspaces between cursors that stand at different positions.
 */
export const SLOT_COUNT = 16;

/** Every slot, in order. */
export const ALL_SLOTS: readonly number[] = Array.from({ length: SLOT_COUNT }, (_, i) => i);

/** The slot of a workspace, as SQL computes it (`slotOf` below). */
export function slotOfWorkspace(workspaceId: string): number {
  let slot = known.get(workspaceId);
  if (slot === undefined) {
    slot = (createHash('md5').update(workspaceId, 'utf8').digest()[0] ?? 0) % SLOT_COUNT;
    if (known.size >= 100_000) known.clear();
    known.set(workspaceId, slot);
  }
  return slot;
}
const known = new Map<string, number>();

/**
 * The slot of the workspace id in `column`, in PostgreSQL: written exactly as the expression of
 * the index `events_slot_seq` so that the planner uses it for the events table.
 */
export function slotOf(column: string): RawBuilder<number> {
  return sql<number>`(get_byte(decode(md5(${sql.ref(column)}), 'hex'), 0) % ${sql.lit(SLOT_COUNT)})`;
}

/** `column`'s workspace is in one of `slots` (PostgreSQL). */
export function inSlots(column: string, slots: readonly number[]): RawBuilder<boolean> {
  return sql<boolean>`${slotOf(column)} = any(${[...slots]}::int4[])`;
}

/** The cursor row of a slot's profile processing. */
export const slotCursorName = (slot: number): string => `profiles:${slot}`;
