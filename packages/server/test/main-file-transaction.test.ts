import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase, type Database } from '../src/platform/db/database.js';
import { inMainFileTransaction } from '../src/platform/db/main-file-transaction.js';
import { engines, freshDatabase, type Engine, type TestDatabase } from './support/engines.js';

/**
 * A follower's transaction on the main file only (DEFERRED on SQLite) is refused at its first
 * write when another connection committed to that file after it first read
 * (SQLITE_BUSY_SNAPSHOT); inMainFileTransaction runs it again on a fresh snapshot.
 */
function suite(engine: Engine, sqliteOnly: boolean) {
  let tdb: TestDatabase;
  let database: Database;

  beforeEach(async () => {
    tdb = await freshDatabase(engine);
    database = openDatabase(tdb.url);
    await migrateToLatest(database);
  });
  afterEach(async () => {
    await database.close();
    await tdb.drop();
  });

  const setting = async (key: string) =>
    (
      await database.db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', key)
        .executeTakeFirst()
    )?.value;

  /** Reads a counter, lets `meanwhile` run, then writes the counter plus one. */
  const increment =
    (meanwhile: (attempt: number) => void, attempts: { n: number }) =>
    async (trx: Parameters<Parameters<typeof inMainFileTransaction>[1]>[0]) => {
      attempts.n += 1;
      const row = await trx
        .selectFrom('settings')
        .select('value')
        .where('key', '=', 'counter')
        .executeTakeFirst();
      meanwhile(attempts.n);
      const next = String(Number(row?.value ?? 0) + 1);
      await trx
        .insertInto('settings')
        .values({ key: 'counter', value: next })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: next }))
        .execute();
      return next;
    };

  if (!sqliteOnly) {
    it('runs the work once when nothing else writes', async () => {
      const attempts = { n: 0 };
      expect(
        await inMainFileTransaction(
          database,
          increment(() => {}, attempts),
        ),
      ).toBe('1');
      expect(attempts.n).toBe(1);
      expect(await setting('counter')).toBe('1');
    });

    it('passes any other failure on at once, having written nothing', async () => {
      const attempts = { n: 0 };
      await expect(
        inMainFileTransaction(database, async (trx) => {
          attempts.n += 1;
          await trx.insertInto('settings').values({ key: 'half', value: 'x' }).execute();
          throw new Error('a bug');
        }),
      ).rejects.toThrow('a bug');
      expect(attempts.n).toBe(1);
      expect(await setting('half')).toBeUndefined();
    });
    return;
  }

  it('runs the work again on a fresh snapshot when another connection wrote the main file', async () => {
    const file = tdb.url.slice('sqlite:'.length);
    const other = new BetterSqlite3(file);
    try {
      const otherWrites = (n: number) =>
        other
          .prepare('insert into settings (key, value) values (?, ?)')
          .run(`other-${n}`, String(n));
      // The situation is real: without the retry the transaction is refused.
      await expect(
        database.writesMainFile.transaction().execute(increment(otherWrites, { n: 0 })),
      ).rejects.toMatchObject({ code: 'SQLITE_BUSY_SNAPSHOT' });
      expect(await setting('counter')).toBeUndefined();

      const attempts = { n: 1 };
      const result = await inMainFileTransaction(
        database,
        // The other connection commits during the first two attempts only.
        increment((n) => {
          if (n <= 3) otherWrites(n);
        }, attempts),
      );
      expect(attempts.n).toBe(4);
      expect(result).toBe('1');
      expect(await setting('counter')).toBe('1');
      expect(await setting('other-3')).toBe('3');
    } finally {
      other.close();
    }
  });
}

describe.each(engines)('main-file transactions on %s', (engine) => suite(engine, false));
describe('main-file transactions on SQLite, another connection writing', () =>
  suite('sqlite', true));
