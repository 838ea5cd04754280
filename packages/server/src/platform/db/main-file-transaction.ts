import type { Database, Trx } from './database.js';

/** Attempts in all: each retry follows a commit to the main file by another connection. */
const ATTEMPTS = 5;

const isBusySnapshot = (error: unknown): boolean =>
  error instanceof Error && 'code' in error && error.code === 'SQLITE_BUSY_SNAPSHOT';

/**
 * Runs `work` in one transaction of `database.writesMainFile` (a follower's batch: journey
 * triggers, consent, webhooks), again when SQLite refused its first write because another
 * connection committed to the main file after this transaction first read it
 * (SQLITE_BUSY_SNAPSHOT: a DEFERRED transaction cannot move to the newer snapshot). In one
 * process that other connection is the processor thread's, deleting the events its batch
 * dropped; with several processes on one file, any of theirs. The refused attempt was rolled
 * back whole, so running `work` again is safe: it reads afresh what changed. On PostgreSQL
 * there is no such refusal and `work` runs once.
 */
export async function inMainFileTransaction<T>(
  database: Database,
  work: (trx: Trx) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await database.writesMainFile.transaction().execute(work);
    } catch (error) {
      if (attempt >= ATTEMPTS || !isBusySnapshot(error)) throw error;
    }
  }
}
