import { Migrator } from 'kysely';
import type { Database } from '../../src/platform/db/database.js';
import { migrationProvider } from '../../src/platform/db/migrations/index.js';

/**
 * Migrates `database` up to and including `name` only, for tests that write rows the way an
 * older version stored them and then check what a later migration makes of them. Throws the
 * migrator's error, if any.
 */
export async function migrateTo(database: Database, name: string): Promise<void> {
  const migrator = new Migrator({
    db: database.db,
    provider: migrationProvider({ dialect: database.dialect }),
  });
  const { error } = await migrator.migrateTo(name);
  if (error !== undefined) throw error;
}
