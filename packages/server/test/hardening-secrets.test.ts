import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { instanceSecretFile, readConfig, type Config } from '../src/config/config.js';
import { ConnectorRegistry } from '../src/modules/connectors/index.js';
import { InstanceSecretProblem } from '../src/modules/workspaces/index.js';
import { migrateToLatest, openDatabase } from '../src/platform/db/database.js';
import { createLogger } from '../src/platform/logger.js';
import { SecretBox } from '../src/platform/secret-box.js';
import { startServer, type RunningServer } from '../src/server.js';
import { engines, freshDatabase, type Engine, type TestDatabase } from './support/engines.js';

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

/** A database of `engine` and a data directory, both removed after the test. */
async function place(engine: Engine) {
  const db = await freshDatabase(engine);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'comeback-secret-'));
  return { db, dataDir };
}

function configFor(url: string, extra: Record<string, string> = {}): Config {
  const parsed = readConfig({
    DATABASE_URL: url,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    ...extra,
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.config;
}

const start = (config: Config) =>
  startServer(config, { logger: createLogger('silent'), background: false });

const settingsOf = async (server: RunningServer) =>
  (await server.services.database.db.selectFrom('settings').selectAll().execute()).map(
    (r) => r.key,
  );

describe.each(engines)('the instance secret is kept out of the database on %s', (engine) => {
  let db: TestDatabase | undefined;
  let dataDir = '';
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  /** SQLite keeps its data next to the database file; PostgreSQL in COMEBACK_DATA_DIR. */
  const envFor = (): Record<string, string> =>
    engine === 'postgres' ? { COMEBACK_DATA_DIR: dataDir } : {};
  const secretPath = () =>
    instanceSecretFile({
      databaseUrl: db?.url ?? '',
      dataDir: engine === 'postgres' ? dataDir : undefined,
    }) ?? '';

  it('generates it into a 0600 file in the data directory, never into the database', async () => {
    ({ db, dataDir } = await place(engine));
    server = await start(configFor(db.url, envFor()));
    const file = secretPath();
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(server.bootstrap.secret);
    expect(modeOf(file)).toBe(0o600);
    expect(await settingsOf(server)).toEqual(['secret_check']);
    const check = await server.services.database.db
      .selectFrom('settings')
      .select('value')
      .executeTakeFirstOrThrow();
    expect(check.value).not.toContain(server.bootstrap.secret);
    // A connector's secret is sealed under it: the database alone holds no key to open it.
    const connector = await server.services.connectors.create(
      'default',
      { platform: 'woocommerce', name: 'w' },
      0,
    );
    const row = await server.services.database.db
      .selectFrom('connectors')
      .select('sealed_secret')
      .executeTakeFirstOrThrow();
    expect(row.sealed_secret).not.toContain(connector.secret);
    if (engine === 'sqlite') {
      await server.stop();
      server = undefined;
      const bytes = fs.readFileSync(db.url.slice('sqlite:'.length)).toString('latin1');
      expect(bytes).not.toContain(connector.secret);
      expect(bytes).not.toContain(fs.readFileSync(file, 'utf8').trim());
    }
  });

  it('moves a secret an earlier version stored in the database to the file; sealed values still open', async () => {
    ({ db, dataDir } = await place(engine));
    const legacy = 'legacy-secret-generated-by-an-earlier-version';
    const database = openDatabase(db.url);
    await migrateToLatest(database);
    await database.db.insertInto('settings').values({ key: 'secret', value: legacy }).execute();
    await database.db
      .insertInto('workspaces')
      .values({ id: 'default', name: 'd', currency: 'USD', created_at: 0 })
      .execute();
    const sealed = await new ConnectorRegistry(database.db, new SecretBox(legacy)).create(
      'default',
      { platform: 'woocommerce', name: 'old', secret: 'the-store-signing-secret' },
      0,
    );
    await database.close();

    server = await start(configFor(db.url, envFor()));
    expect(server.bootstrap.secret).toBe(legacy);
    expect(fs.readFileSync(secretPath(), 'utf8').trim()).toBe(legacy);
    expect(modeOf(secretPath())).toBe(0o600);
    expect(await settingsOf(server)).toEqual(['secret_check']);
    expect((await server.services.connectors.forWebhook(sealed.id))?.secret).toBe(
      'the-store-signing-secret',
    );
    await server.stop();
    // The next start reads the file.
    server = await start(configFor(db.url, envFor()));
    expect((await server.services.connectors.forWebhook(sealed.id))?.secret).toBe(
      'the-store-signing-secret',
    );
  });

  it('refuses to start with another secret than the database was set up with', async () => {
    ({ db, dataDir } = await place(engine));
    server = await start(configFor(db.url, envFor()));
    await server.stop();
    server = undefined;
    await expect(
      start(configFor(db.url, { ...envFor(), COMEBACK_SECRET: 'a-different-secret-altogether' })),
    ).rejects.toThrow(InstanceSecretProblem);
    // A second host without the first one's secret file generates its own: refused as well.
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'comeback-secret-'));
    try {
      await expect(start(configFor(db.url, { COMEBACK_DATA_DIR: elsewhere }))).rejects.toThrow(
        /not the one this database was set up with/,
      );
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
    // The right one still starts.
    server = await start(configFor(db.url, envFor()));
  });
});

describe('SQLite files are private', () => {
  let dir = '';
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates the data directory 0700 and the database, its WAL and SHM files 0600', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'comeback-modes-'));
    const dataDir = path.join(dir, 'nested', 'comeback-data');
    const file = path.join(dataDir, 'comeback.db');
    server = await start(configFor(`sqlite:${file}`));
    await server.services.database.db.selectFrom('settings').selectAll().execute();
    expect(modeOf(path.join(dir, 'nested'))).toBe(0o700);
    expect(modeOf(dataDir)).toBe(0o700);
    for (const f of [file, `${file}-wal`, `${file}-shm`, path.join(dataDir, 'secret')]) {
      expect([f, modeOf(f).toString(8)]).toEqual([f, '600']);
    }
  });

  it('takes group and other permissions away from an existing database file', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'comeback-modes-'));
    const file = path.join(dir, 'comeback.db');
    fs.writeFileSync(file, '');
    fs.chmodSync(file, 0o644);
    server = await start(configFor(`sqlite:${file}`));
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(`${file}-wal`)).toBe(0o600);
  });
});
