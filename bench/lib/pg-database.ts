import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { trackAsyncCleanup } from './cleanup.js';

/** Where the PostgreSQL benchmark creates its databases (BENCH_PG_URL: a maintenance database). */
export function pgAdminUrl(): string {
  return process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** The URL without its password, for notes and errors. */
export function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'an unparsable URL';
  }
}

async function withClient<T>(url: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end();
  }
}

/**
 * Why PostgreSQL cannot be used here (not reachable, no right to create databases), or null.
 * A missing server is the machine's business, not a failure of the code under test.
 */
export async function pgUnavailable(adminUrl: string): Promise<string | null> {
  try {
    const can = await withClient(adminUrl, async (c) => {
      const r = await c.query<{ ok: boolean }>(
        'select rolcreatedb or rolsuper as ok from pg_roles where rolname = current_user',
      );
      return r.rows[0]?.ok === true;
    });
    return can ? null : `the role of ${redacted(adminUrl)} may not create databases`;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `PostgreSQL not reachable at ${redacted(adminUrl)} (${message || 'connection failed'})`;
  }
}

export interface BenchDatabase {
  url: string;
  name: string;
  /** Drops the database (forcing out connections left by killed servers); idempotent. */
  drop(): Promise<void>;
}

/**
 * A new, empty database `comeback_bench_<random>` beside the admin URL's. Its drop is also
 * registered for Ctrl-C, so the database goes away however the run ends.
 */
export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `comeback_bench_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`create database ${name}`));
  let dropped: Promise<void> | undefined;
  const drop = (): Promise<void> =>
    (dropped ??= withClient(adminUrl, async (c) => {
      await c.query(`drop database if exists ${name} with (force)`);
    }).finally(untrack));
  const untrack = trackAsyncCleanup(drop);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop };
}
