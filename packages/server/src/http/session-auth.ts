import { createHash, timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { UserRole, WorkspaceMembership } from '@comeback/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ActiveSession, SessionStore } from '../modules/users/index.js';
import { SESSION_MAX_MS } from '../modules/users/index.js';
import type { KeyResolver } from '../modules/workspaces/index.js';
import type { Failure } from '../platform/errors.js';
import { sendFailure } from './error-handler.js';

/**
 * The dashboard's way in: a session cookie instead of an admin key. A session acts in one of
 * its user's workspaces (`X-Comeback-Workspace`, else the first), echoes its CSRF token on
 * every unsafe request, and is held to its role there (the table below).
 */
export const SESSION_COOKIE = 'comeback_session';
export const WORKSPACE_HEADER = 'x-comeback-workspace';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in session of a /api/v1/session request (see requireSession). */
    userSession: { token: string; session: ActiveSession } | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** POSTs that change nothing: previews, sizes, backtests and checks a viewer may run. */
const READ_ONLY_POSTS = [
  /\/preview$/,
  /^\/api\/v1\/journeys\/(:id\/)?(backtest|validate|validation)$/,
];
/** Where only owners (and admin keys) may change anything. */
const OWNER_AREAS = [
  /^\/api\/v1\/keys(\/|$)/,
  /^\/api\/v1\/users(\/|$)/,
  // A workspace's own provider accounts: who sends in its name, and with which secrets.
  /^\/api\/v1\/provider-credentials(\/|$)/,
];

/**
 * Which unsafe requests each role may make (every role may read: GET, HEAD, OPTIONS), by
 * method and the route's pattern (`/api/v1/templates/:id/preview`). The one place role rules
 * live.
 */
const ROLE_RULES: Record<
  UserRole,
  { may: (method: string, route: string) => boolean; refusal: string }
> = {
  owner: { may: () => true, refusal: '' },
  editor: {
    may: (_method, route) => !OWNER_AREAS.some((area) => area.test(route)),
    refusal:
      'an editor may not change API keys, users or provider credentials: ask an owner of the workspace',
  },
  viewer: {
    may: (method, route) => method === 'POST' && READ_ONLY_POSTS.some((p) => p.test(route)),
    refusal: 'a viewer may only read (and preview): ask an owner for the editor role',
  },
};

/** Why `role` may not make this request, or null when it may. */
export function roleRefusal(role: UserRole, method: string, route: string): string | null {
  if (SAFE_METHODS.has(method)) return null;
  const rule = ROLE_RULES[role];
  return rule.may(method, route) ? null : rule.refusal;
}

const digest = (text: string) => createHash('sha256').update(text).digest();
/** Compared as digests: equal lengths for timingSafeEqual, and no early exit on a prefix. */
const sameToken = (expected: string, given: unknown) =>
  typeof given === 'string' && timingSafeEqual(digest(expected), digest(given));

/** The admin API's keys know the sessions through this (no route changes its `requireScope`). */
const sessionsOfKeys = new WeakMap<KeyResolver, SessionStore>();

/**
 * Lets `requireScope(keys, 'admin')` admit session cookies too, and parses cookies. Called
 * once by buildApp.
 */
export async function installSessions(
  app: FastifyInstance,
  keys: KeyResolver,
  sessions: SessionStore,
): Promise<void> {
  await app.register(fastifyCookie);
  app.decorateRequest('userSession', null);
  sessionsOfKeys.set(keys, sessions);
}

/** The session cookie's token, when the request has one and sessions are installed. */
export function sessionTokenOf(request: FastifyRequest): string | null {
  const token = request.cookies[SESSION_COOKIE];
  return token === undefined || token === '' ? null : token;
}

export const sessionsOf = (keys: KeyResolver): SessionStore | undefined => sessionsOfKeys.get(keys);

const isUnsafe = (request: FastifyRequest) => !SAFE_METHODS.has(request.method);

const ENDED: Failure = {
  code: 'unauthorized',
  message: 'the session has ended (signed out or expired): sign in again',
  details: [{ field: 'cookie', message: 'unknown or expired session' }],
};
const WRONG_CSRF: Failure = {
  code: 'forbidden',
  message: "send the session's CSRF token (GET /api/v1/session) in the X-CSRF-Token header",
  details: [{ field: CSRF_HEADER, message: 'missing or wrong' }],
};

function workspaceOf(
  session: ActiveSession,
  named: string | string[] | undefined,
): { ok: true; membership: WorkspaceMembership } | { ok: false; message: string } {
  if (named === undefined) {
    const first = session.memberships[0];
    return first
      ? { ok: true, membership: first }
      : { ok: false, message: 'this user belongs to no workspace: ask an owner to add them' };
  }
  const membership = session.memberships.find((m) => m.id === named);
  return membership
    ? { ok: true, membership }
    : { ok: false, message: `this user is not a member of workspace ${String(named)}` };
}

/**
 * Admits a session as an admin principal of one workspace, held to its role there; refuses
 * with 401 (no live session) or 403 (workspace, CSRF token, role).
 */
export async function authorizeSession(
  sessions: SessionStore,
  token: string,
  request: FastifyRequest,
  reply: FastifyReply,
  beforeRefusal: (request: FastifyRequest, reply: FastifyReply) => void,
) {
  const refuse = (failure: Failure) => {
    beforeRefusal(request, reply);
    return sendFailure(reply, failure);
  };
  const session = await sessions.resolve(token);
  if (!session) return refuse(ENDED);
  const workspace = workspaceOf(session, request.headers[WORKSPACE_HEADER]);
  if (!workspace.ok) {
    return refuse({
      code: 'forbidden',
      message: workspace.message,
      details: [{ field: WORKSPACE_HEADER, message: 'not a workspace of this user' }],
    });
  }
  if (isUnsafe(request) && !sameToken(session.csrfToken, request.headers[CSRF_HEADER])) {
    return refuse(WRONG_CSRF);
  }
  const { role, id: workspaceId } = workspace.membership;
  const refusal = roleRefusal(role, request.method, request.routeOptions.url ?? request.url);
  if (refusal !== null) {
    return refuse({
      code: 'forbidden',
      message: refusal,
      details: [{ field: 'role', message: `${role} in workspace ${workspaceId}` }],
    });
  }
  request.principal = {
    workspaceId,
    scope: 'admin',
    keyId: '',
    user: { id: session.user.id, email: session.user.email, role },
  };
}

/**
 * For /api/v1/session itself: a live session cookie (never a key), and its CSRF token on
 * unsafe methods when `csrf`. Records the session as `request.userSession`.
 */
export function requireSession(sessions: SessionStore, opts: { csrf: boolean }) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const token = sessionTokenOf(request);
    const session = token === null ? null : await sessions.resolve(token);
    if (token === null || session === null) return sendFailure(reply, ENDED);
    if (opts.csrf && !sameToken(session.csrfToken, request.headers[CSRF_HEADER])) {
      return sendFailure(reply, WRONG_CSRF);
    }
    request.userSession = { token, session };
  };
}

export function userSessionOf(request: FastifyRequest): { token: string; session: ActiveSession } {
  if (!request.userSession) throw new Error('route used userSessionOf without requireSession');
  return request.userSession;
}

/** HttpOnly (no script reads it), SameSite=Strict (no other site sends it), whole site. */
const cookieOptions = (secure: boolean) => ({
  httpOnly: true,
  sameSite: 'strict' as const,
  path: '/',
  secure,
});

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean): void {
  void reply.setCookie(SESSION_COOKIE, token, {
    ...cookieOptions(secure),
    maxAge: SESSION_MAX_MS / 1000,
  });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  void reply.clearCookie(SESSION_COOKIE, cookieOptions(secure));
}
