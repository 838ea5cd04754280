import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export const engines = ['sqlite', 'postgres'] as const;
export type Engine = (typeof engines)[number];

/** The maintenance database tests connect to in order to create their own. */
export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A brand-new, empty database on `engine`; `drop` removes it. */
export async function freshDatabase(engine: Engine): Promise<TestDatabase> {
  const name = `cb_test_${randomBytes(6).toString('hex')}`;
  if (engine === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'comeback-'));
    return {
      url: `sqlite:${path.join(dir, `${name}.db`)}`,
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        // Pools close asynchronously; give their connections a moment before forcing. Each
        // refused drop already waits up to 5 s for the other sessions (PostgreSQL's own wait),
        // so twenty tries could hold a test's teardown for 100 s: two, then force, and name
        // what was still connected (a connection left open is worth knowing about).
        for (let attempt = 0; ; attempt++) {
          const force = attempt >= 2;
          if (force) {
            const { rows } = await c.query<{ n: string }>(
              'select count(*) as n from pg_stat_activity where datname = $1',
              [name],
            );
            console.warn(`dropping test database ${name} with force: ${rows[0]?.n} sessions left`);
          }
          try {
            await c.query(`drop database if exists ${name}${force ? ' with (force)' : ''}`);
            return;
          } catch (error) {
            if (force) throw error;
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      } finally {
        await c.end();
      }
    },
  };
}
