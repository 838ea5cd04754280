import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Each message's rendered body (about 20 KB of MJML output for an email) moves out of
 * `messages` into a row of its own, written once at enqueue and never updated. Every status
 * move (claim, 'sending', 'sent', a receipt) updates the message row, and SQLite rewrites a
 * record whole, overflow pages included: ~60 KB of page writes per message before the WAL's
 * copies. PostgreSQL would not rewrite a TOASTed value, but both engines share one schema.
 * `subject` stays: lists show it. Main file on SQLite, beside `messages` (first-hand data);
 * an ordinary rowid table, not WITHOUT ROWID, whose B-tree would hold the large bodies
 * themselves. Erasure deletes messages, and the cascade takes their contents.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const steps = async (db: Kysely<unknown>) => {
    const run = (q: ReturnType<typeof sql>) => q.execute(db);
    await run(sql`create table message_contents (
      message_id text primary key references messages(id) on delete cascade,
      html text, body_text text not null)`);
    await run(sql`insert into message_contents (message_id, html, body_text)
      select id, html, body_text from messages`);
    await run(sql`alter table messages drop column html`);
    await run(sql`alter table messages drop column body_text`);
  };
  // Kysely runs PostgreSQL's migrations in a transaction but not SQLite's (no transactional
  // DDL there): one of our own, so a crash half-way leaves the bodies where they were.
  await (dialect === 'sqlite' ? db.transaction().execute(steps) : steps(db));
}
