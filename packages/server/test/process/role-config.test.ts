import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../support/engines.js';
import { assertBuilt, health, killAll, startServe } from './harness.js';

/**
 * README: `COMEBACK_ROLE` is `all`, `api` (HTTP only) or `worker` (processor and jobs only);
 * also `serve --role`. The environment variable must work without the flag.
 */
beforeAll(() => assertBuilt());

describe('the role of comeback serve', () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await killAll();
    await db?.drop();
  });

  it('is read from COMEBACK_ROLE when --role is not given', async () => {
    db = await freshDatabase('sqlite');
    const server = await startServe({ env: { DATABASE_URL: db.url, COMEBACK_ROLE: 'api' } });
    expect((await health(server.url)).role).toBe('api');
  });

  it('is taken from --role when given', async () => {
    db = await freshDatabase('sqlite');
    const server = await startServe({ env: { DATABASE_URL: db.url }, args: ['--role', 'api'] });
    expect((await health(server.url)).role).toBe('api');
  });
});
