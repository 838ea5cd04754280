import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readConfig, type Config } from '../../src/config/config.js';
import { createLogger } from '../../src/platform/logger.js';
import type { Clock } from '../../src/platform/clock.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { freshDatabase, type Engine } from './engines.js';

// Keys given through the environment need at least 24 characters.
export const WRITE_KEY = 'cbw_test_write_key_000001';
export const ADMIN_KEY = 'cba_test_admin_key_000001';
/** The dashboard owner a test server's first start creates (browser tests sign in with it). */
export const OWNER_EMAIL = 'owner@example.com';
export const OWNER_PASSWORD = 'owner-password-000001';

export interface TestServer {
  server: RunningServer;
  url: string;
  /** The database the server runs on (a second connection plays a second process). */
  databaseUrl: string;
  /** POST a tracking call with the write key (Basic, as Segment SDKs send it). */
  send(path: string, body: unknown, key?: string): Promise<Response>;
  /** GET/POST/DELETE the admin API with the admin key. */
  api(path: string, init?: { method?: string; body?: unknown; key?: string }): Promise<Response>;
  /** Waits until the processor has applied everything appended so far. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestServer(
  engine: Engine,
  opts: { clock?: Clock; config?: Partial<Config>; background?: boolean } = {},
): Promise<TestServer> {
  const database = await freshDatabase(engine);
  // The generated instance secret lives in the data directory: SQLite's is the database's own
  // temporary directory; PostgreSQL gets one of its own, not ./comeback-data.
  const dataDir =
    engine === 'postgres' ? fs.mkdtempSync(path.join(os.tmpdir(), 'comeback-data-')) : undefined;
  const parsed = readConfig(
    {
      DATABASE_URL: database.url,
      ...(dataDir !== undefined ? { COMEBACK_DATA_DIR: dataDir } : {}),
      PORT: '0',
      HOST: '127.0.0.1',
      COMEBACK_WRITE_KEY: WRITE_KEY,
      COMEBACK_API_KEY: ADMIN_KEY,
      COMEBACK_OWNER_EMAIL: OWNER_EMAIL,
      COMEBACK_OWNER_PASSWORD: OWNER_PASSWORD,
      LOG_LEVEL: 'silent',
    },
    opts.config ?? {},
  );
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  const server = await startServer(parsed.config, {
    logger: createLogger('silent'),
    ...(opts.clock ? { clock: opts.clock } : {}),
    background: opts.background ?? true,
  });
  const url = server.url;
  return {
    server,
    url,
    databaseUrl: database.url,
    send: (path, body, key = WRITE_KEY) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
        },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    api: (path, init = {}) =>
      fetch(`${url}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${init.key ?? ADMIN_KEY}`,
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      }),
    settle: async () => {
      await server.services.appendQueue.drain();
      await server.services.processor.catchUp();
    },
    stop: async () => {
      await server.stop();
      await database.drop();
      if (dataDir !== undefined) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}
