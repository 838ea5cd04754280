import { sql, type Kysely } from 'kysely';

/** Reading a profile follows its merges by the merged-away id: index it. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index profile_merges_from on profile_merges (workspace_id, from_profile_id)`.execute(
    db,
  );
}
