import {
  errorEnvelopeSchema,
  loginRequestSchema,
  sessionInfoSchema,
  updateSessionUserSchema,
  type SessionInfo,
} from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type {
  ActiveSession,
  LoginThrottle,
  SessionStore,
  UserStore,
} from '../../modules/users/index.js';
import { AppError } from '../../platform/errors.js';
import {
  clearSessionCookie,
  requireSession,
  sessionTokenOf,
  setSessionCookie,
  userSessionOf,
} from '../session-auth.js';

export interface SessionRouteDeps {
  users: UserStore;
  sessions: SessionStore;
  throttle: LoginThrottle;
  /** Mark the cookie `Secure`: the server is reached over https (COMEBACK_PUBLIC_URL). */
  secureCookies: boolean;
}

export const sessionInfoOf = (s: ActiveSession): SessionInfo => ({
  user: { id: s.user.id, email: s.user.email, name: s.user.name, locale: s.user.locale },
  workspaces: s.memberships,
  csrfToken: s.csrfToken,
  expiresAt: new Date(s.expiresAt).toISOString(),
});

/** One answer for an unknown email and a wrong password: neither reveals who has an account. */
const wrongCredentials = () =>
  AppError.of('unauthorized', 'wrong email or password', [
    { field: 'password', message: 'wrong email or password' },
  ]);

/** Signing in and out of the dashboard, and the signed-in user's own preferences. */
export function sessionRoutes(app: FastifyInstance, deps: SessionRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { users, sessions, throttle, secureCookies } = deps;
  const tags = ['users'];
  const security = [{ session: [] }];
  const errors = { 400: errorEnvelopeSchema, 401: errorEnvelopeSchema, 403: errorEnvelopeSchema };

  r.post(
    '/api/v1/session',
    {
      schema: {
        tags,
        summary: 'Sign in to the dashboard: sets the session cookie',
        body: loginRequestSchema,
        response: { 200: sessionInfoSchema, ...errors, 429: errorEnvelopeSchema },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const wait = throttle.retryAfterSeconds(email, request.ip);
      if (wait > 0) {
        throw new AppError(
          {
            code: 'rate_limited',
            message: `too many failed sign-ins: try again in ${wait} seconds`,
            details: [{ field: 'email', message: 'too many failed sign-ins' }],
          },
          wait,
        );
      }
      const account = await users.verifyCredentials(email, password);
      if (!account) {
        throttle.failed(email, request.ip);
        throw wrongCredentials();
      }
      throttle.succeeded(email);
      if ((await users.memberships(account.id)).length === 0) {
        throw AppError.of('forbidden', 'this user belongs to no workspace: ask an owner', [
          { field: 'email', message: 'member of no workspace' },
        ]);
      }
      // A session this browser had is ended, not left behind beside the new one.
      const previous = sessionTokenOf(request);
      if (previous !== null) await sessions.delete(previous);
      const { token, session } = await sessions.create(account.id);
      await users.recordLogin(account.id);
      setSessionCookie(reply, token, secureCookies);
      return sessionInfoOf(session);
    },
  );

  r.get(
    '/api/v1/session',
    {
      onRequest: requireSession(sessions, { csrf: false }),
      schema: {
        tags,
        summary: 'Who is signed in, their workspaces and the CSRF token',
        security,
        response: { 200: sessionInfoSchema, ...errors },
      },
    },
    (request) => sessionInfoOf(userSessionOf(request).session),
  );

  r.patch(
    '/api/v1/session',
    {
      onRequest: requireSession(sessions, { csrf: true }),
      schema: {
        tags,
        summary: "Change the signed-in user's language or name",
        security,
        body: updateSessionUserSchema,
        response: { 200: sessionInfoSchema, ...errors },
      },
    },
    async (request) => {
      const { token, session } = userSessionOf(request);
      await users.updateProfile(session.user.id, request.body);
      sessions.forget();
      const updated = await sessions.resolve(token);
      if (!updated) throw AppError.of('unauthorized', 'the session ended meanwhile: sign in again');
      return sessionInfoOf(updated);
    },
  );

  r.delete(
    '/api/v1/session',
    {
      onRequest: requireSession(sessions, { csrf: true }),
      schema: {
        tags,
        summary: 'Sign out: the session ends at once',
        security,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await sessions.delete(userSessionOf(request).token);
      clearSessionCookie(reply, secureCookies);
      return reply.code(204).send(null);
    },
  );
}
