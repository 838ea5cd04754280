import type { SessionInfo, UserRole } from '@comeback/contracts';
import { expect } from 'vitest';
import { ADMIN_KEY, json, type TestServer } from '../support/test-server.js';

/** A signed-in browser: its cookie and CSRF token, and requests made with them. */
export interface Browser {
  cookie: string;
  info: SessionInfo;
  call(
    path: string,
    init?: {
      method?: string;
      body?: unknown;
      csrf?: string | null;
      workspace?: string;
      headers?: Record<string, string>;
    },
  ): Promise<Response>;
}

export function login(t: TestServer, email: string, password: string, headers = {}) {
  return fetch(`${t.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
}

/** `comeback_session=<token>` from a sign-in answer. */
export function sessionCookieOf(res: Response): string {
  const set = res.headers.getSetCookie().find((c) => c.startsWith('comeback_session='));
  expect(set).toBeDefined();
  return (set ?? '').split(';')[0] ?? '';
}

export async function signIn(t: TestServer, email: string, password: string): Promise<Browser> {
  const res = await login(t, email, password);
  expect(res.status, await res.clone().text()).toBe(200);
  const cookie = sessionCookieOf(res);
  const info = await json<SessionInfo>(res);
  return {
    cookie,
    info,
    call: (path, init = {}) => {
      const unsafe = !['GET', 'HEAD'].includes(init.method ?? 'GET');
      const csrf = init.csrf === undefined ? (unsafe ? info.csrfToken : null) : init.csrf;
      return fetch(`${t.url}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          cookie,
          ...(csrf !== null ? { 'x-csrf-token': csrf } : {}),
          ...(init.workspace !== undefined ? { 'x-comeback-workspace': init.workspace } : {}),
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...init.headers,
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
    },
  };
}

/** Adds a user to the admin key's workspace (or `key`'s) with a known password. */
export async function addUser(
  t: TestServer,
  email: string,
  role: UserRole,
  opts: { password?: string; key?: string } = {},
) {
  const res = await t.api('/api/v1/users', {
    method: 'POST',
    key: opts.key ?? ADMIN_KEY,
    body: { email, role, password: opts.password ?? `${role}-password-0001` },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<{ id: string; email: string; role: UserRole }>(res);
}

export const errorOf = async (res: Response) =>
  (await json<{ error: { code: string; message: string; details: { field: string }[] } }>(res))
    .error;
