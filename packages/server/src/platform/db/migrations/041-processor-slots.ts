import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * PostgreSQL: the log's events by processor slot and position (ADR 0027). Each slot's cursor
 * reads `where <slot of workspace_id> = $slot and seq > $position order by seq`, and the
 * frontier asks each slot whether anything waits after its cursor; both are range scans of
 * this index. An expression index, not a column: the events table is not rewritten and the
 * appends write nothing new. The expression must stay exactly `slotOf` in processor-slots.ts.
 * The slots' cursor rows start at the position of the one cursor they replace (which stays,
 * as the frontier); the processor creates any missing when it starts. SQLite keeps one cursor
 * and needs nothing.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`create index events_slot_seq
    on events ((get_byte(decode(md5(workspace_id), 'hex'), 0) % 16), seq)`.execute(db);
  await sql`insert into processor_cursors (name, position, updated_at)
    select 'profiles:' || s,
      coalesce((select position from processor_cursors where name = 'profiles'), 0), 0
    from generate_series(0, 15) as s
    on conflict (name) do nothing`.execute(db);
}
