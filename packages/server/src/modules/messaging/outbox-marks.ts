import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';

/** Messages per statement: three bound values each, well within both engines' limits. */
const PER_STATEMENT = 500;

/**
 * Marks `recorded` sent inside the caller's transaction, as a record-only channel sends them:
 * one guarded UPDATE per 500 messages, each row under the guard every move has (still leased
 * to `workerId`, still queued or sending), each picking its own provider id; then each moved
 * message's two status changes ('sending', 'sent'), in the batch's order, in one statement.
 * Returns the ids moved.
 */
export async function recordSentMany(
  trx: Trx,
  recorded: readonly { id: string; providerMessageId: string }[],
  workerId: string,
  now: number,
): Promise<Set<string>> {
  const moved = new Set<string>();
  for (let i = 0; i < recorded.length; i += PER_STATEMENT) {
    const part = recorded.slice(i, i + PER_STATEMENT);
    const providerId = sql<string>`case id ${sql.join(
      part.map((m) => sql`when ${m.id} then ${m.providerMessageId}`),
      sql` `,
    )} end`;
    const updated = await trx
      .updateTable('messages')
      .set({
        status: 'sent',
        attempts: sql<number>`attempts + 1`,
        provider_message_id: providerId,
        sent_at: now,
        last_error: null,
        locked_by: null,
        locked_until: null,
        updated_at: now,
      })
      .where(
        'id',
        'in',
        part.map((m) => m.id),
      )
      .where('locked_by', '=', workerId)
      .where('status', 'in', ['queued', 'sending'])
      .returning('id')
      .execute();
    for (const r of updated) moved.add(r.id);
  }
  // In the batch's order, as the changes were written one message at a time.
  const done = new Set(recorded.flatMap((m) => (moved.has(m.id) ? [m.id] : [])));
  for (let i = 0; i < done.size; i += PER_STATEMENT)
    await trx
      .insertInto('message_status_changes')
      .values(
        [...done].slice(i, i + PER_STATEMENT).flatMap((id) => [
          { message_id: id, status: 'sending' as const, at: now, detail: null },
          { message_id: id, status: 'sent' as const, at: now, detail: null },
        ]),
      )
      .execute();
  return done;
}
