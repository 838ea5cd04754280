import type { UserInfo } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWorkspace, insertKey } from '../../src/modules/workspaces/index.js';
import { engines } from '../support/engines.js';
import {
  OWNER_EMAIL,
  OWNER_PASSWORD,
  json,
  startTestServer,
  type TestServer,
} from '../support/test-server.js';
import { addUser, errorOf, signIn, type Browser } from './session-client.js';

const condition = { type: 'field', field: 'computed.order_count', operator: 'gte', value: 1 };
const OTHER_ADMIN = 'cba_roles_other_workspace_admin';

describe.each(engines)('roles, CSRF and workspaces of sessions on %s', (engine) => {
  let t: TestServer;
  let owner: Browser;
  let editor: Browser;
  let viewer: Browser;
  let viewerId: string;
  beforeAll(async () => {
    t = await startTestServer(engine);
    const db = t.server.services.database.db;
    const now = t.server.services.clock.now();
    await ensureWorkspace(db, { id: 'ws-b', name: 'Another store', now });
    await insertKey(db, { workspaceId: 'ws-b', scope: 'admin', key: OTHER_ADMIN, now });
    await addUser(t, 'ed@example.com', 'editor');
    viewerId = (await addUser(t, 'vi@example.com', 'viewer')).id;
    owner = await signIn(t, OWNER_EMAIL, OWNER_PASSWORD);
    editor = await signIn(t, 'ed@example.com', 'editor-password-0001');
    viewer = await signIn(t, 'vi@example.com', 'viewer-password-0001');
  });
  afterAll(async () => t?.stop());

  it('a viewer reads and previews, and is refused any change, naming the role', async () => {
    expect((await viewer.call('/api/v1/segments')).status).toBe(200);
    const preview = await viewer.call('/api/v1/segments/preview', {
      method: 'POST',
      body: { condition },
    });
    expect(preview.status, await preview.clone().text()).toBe(200);
    const create = await viewer.call('/api/v1/segments', {
      method: 'POST',
      body: { name: 'Buyers', condition },
    });
    expect(create.status).toBe(403);
    const refusal = await errorOf(create);
    expect(refusal.code).toBe('forbidden');
    expect(refusal.message).toMatch(/viewer/);
    expect(refusal.details[0]?.field).toBe('role');
  });

  it('an editor changes store data but not keys or users', async () => {
    const create = await editor.call('/api/v1/segments', {
      method: 'POST',
      body: { name: 'Buyers', condition },
    });
    expect(create.status, await create.clone().text()).toBe(201);
    expect((await editor.call('/api/v1/keys')).status).toBe(200);
    const key = await editor.call('/api/v1/keys', { method: 'POST', body: { scope: 'write' } });
    expect(key.status).toBe(403);
    expect((await errorOf(key)).message).toMatch(/editor/);
    const user = await editor.call('/api/v1/users', {
      method: 'POST',
      body: { email: 'x@example.com', role: 'viewer' },
    });
    expect(user.status).toBe(403);
  });

  it('an owner may do everything; the keys list marks no key as the current one', async () => {
    const key = await owner.call('/api/v1/keys', { method: 'POST', body: { scope: 'write' } });
    expect(key.status).toBe(201);
    const keys = await json<{ data: { current: boolean }[] }>(await owner.call('/api/v1/keys'));
    expect(keys.data.some((k) => k.current)).toBe(false);
    const users = await json<{ data: UserInfo[] }>(await owner.call('/api/v1/users'));
    expect(users.data.map((u) => [u.email, u.role])).toEqual([
      [OWNER_EMAIL, 'owner'],
      ['ed@example.com', 'editor'],
      ['vi@example.com', 'viewer'],
    ]);
  });

  it('every unsafe request needs the CSRF token: missing and wrong refused, right accepted', async () => {
    const body = { name: 'CSRF check', condition };
    for (const csrf of [null, 'wrong-token', `${owner.info.csrfToken}x`]) {
      const res = await owner.call('/api/v1/segments', { method: 'POST', body, csrf });
      expect(res.status, String(csrf)).toBe(403);
      const refusal = await errorOf(res);
      expect(refusal.code).toBe('forbidden');
      expect(refusal.details[0]?.field).toBe('x-csrf-token');
    }
    // Another session's token is not this one's.
    const foreign = await owner.call('/api/v1/segments', {
      method: 'POST',
      body,
      csrf: editor.info.csrfToken,
    });
    expect(foreign.status).toBe(403);
    expect((await owner.call('/api/v1/segments', { method: 'POST', body })).status).toBe(201);
  });

  it('acts in the named workspace only when the user is a member of it', async () => {
    const other = await owner.call('/api/v1/profiles', { workspace: 'ws-b' });
    expect(other.status).toBe(403);
    expect((await errorOf(other)).details[0]?.field).toBe('x-comeback-workspace');
    // Made a viewer of ws-b: the session follows at once, with that role there.
    const added = await fetch(`${t.url}/api/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OTHER_ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: OWNER_EMAIL, role: 'viewer', password: 'ignored-password-1' }),
    });
    expect(added.status).toBe(201);
    expect(await json(added)).not.toHaveProperty('password');
    expect((await owner.call('/api/v1/profiles', { workspace: 'ws-b' })).status).toBe(200);
    const change = await owner.call('/api/v1/segments', {
      method: 'POST',
      body: { name: 'In b', condition },
      workspace: 'ws-b',
    });
    expect(change.status).toBe(403);
    // Without the header: the first membership, where the user is owner.
    const segments = await json<{ data: { name: string }[] }>(await owner.call('/api/v1/segments'));
    expect(segments.data.map((s) => s.name)).toContain('Buyers');
  });

  it('a key decides when both a key and a cookie are sent', async () => {
    const res = await owner.call('/api/v1/profiles', {
      headers: { authorization: 'Bearer cba_unknown_key_000000000000' },
    });
    expect(res.status).toBe(401);
    expect((await errorOf(res)).details[0]?.field).toBe('authorization');
  });

  it('a role change holds at once for open sessions', async () => {
    const promote = await owner.call(`/api/v1/users/${viewerId}`, {
      method: 'PATCH',
      body: { role: 'editor' },
    });
    expect(promote.status).toBe(200);
    expect(await json(promote)).toMatchObject({ role: 'editor', email: 'vi@example.com' });
    const create = await viewer.call('/api/v1/segments', {
      method: 'POST',
      body: { name: 'Now editor', condition },
    });
    expect(create.status).toBe(201);
  });
});

describe.each(engines)('users of a workspace through the API on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
  });
  afterAll(async () => t?.stop());

  const ownerId = async () =>
    (await json<{ data: UserInfo[] }>(await t.api('/api/v1/users'))).data.find(
      (u) => u.email === OWNER_EMAIL,
    )?.id ?? '';

  it('creates a user with a generated password shown once; a second add is a conflict', async () => {
    const res = await t.api('/api/v1/users', {
      method: 'POST',
      body: { email: 'New.Person@Example.com', role: 'viewer', name: 'New' },
    });
    expect(res.status).toBe(201);
    const created = await json<UserInfo & { password: string }>(res);
    expect(created).toMatchObject({
      email: 'new.person@example.com',
      role: 'viewer',
      locale: 'en',
    });
    expect(created.password.length).toBeGreaterThanOrEqual(20);
    await signIn(t, 'new.person@example.com', created.password);
    const again = await t.api('/api/v1/users', {
      method: 'POST',
      body: { email: 'new.person@example.com', role: 'editor' },
    });
    expect(again.status).toBe(409);
  });

  it('refuses bad input by field', async () => {
    const short = await t.api('/api/v1/users', {
      method: 'POST',
      body: { email: 'short@example.com', role: 'viewer', password: 'short' },
    });
    expect(short.status).toBe(400);
    expect((await errorOf(short)).details[0]?.field).toBe('password');
    const role = await t.api('/api/v1/users/usr_x', { method: 'PATCH', body: { role: 'god' } });
    expect(role.status).toBe(400);
    expect((await errorOf(role)).details[0]?.field).toBe('role');
    const missing = await t.api('/api/v1/users/usr_missing', {
      method: 'PATCH',
      body: { role: 'viewer' },
    });
    expect(missing.status).toBe(404);
  });

  it('never demotes or removes the last owner', async () => {
    const id = await ownerId();
    const demote = await t.api(`/api/v1/users/${id}`, {
      method: 'PATCH',
      body: { role: 'editor' },
    });
    expect(demote.status).toBe(409);
    expect((await t.api(`/api/v1/users/${id}`, { method: 'DELETE' })).status).toBe(409);
    // With a second owner, the first may step down.
    const second = await t.api('/api/v1/users', {
      method: 'POST',
      body: { email: 'second@example.com', role: 'owner' },
    });
    expect(second.status).toBe(201);
    const stepDown = await t.api(`/api/v1/users/${id}`, {
      method: 'PATCH',
      body: { role: 'editor' },
    });
    expect(stepDown.status).toBe(200);
    const secondId = (await json<UserInfo>(second)).id;
    expect((await t.api(`/api/v1/users/${secondId}`, { method: 'DELETE' })).status).toBe(409);
  });
});
