import type { Catalogue, ResponseDoc } from './catalogue-types.js';
import { at } from './examples.js';
import { adminKeyProblems, answer, error, invalid, missing, noContent } from './responses.js';

const session = {
  user: { id: 'usr_5d1c0e7a9b3f2a4c6e8d', email: 'ana@example.com', name: 'Ana', locale: 'en' },
  workspaces: [
    { id: 'default', name: 'Default store', role: 'owner', currency: 'USD' },
    { id: 'lens-shop', name: 'Lens shop', role: 'viewer', currency: 'EUR' },
  ],
  csrfToken: 'kq0vS3xv8E1cQbYwq1o9GmW2v0o4c2n0JmSx9bB7Zt8',
  expiresAt: '2026-05-04T21:30:00.000Z',
};

const lea = {
  id: 'usr_8a2f4c6e0b1d3f5a7c9e',
  email: 'lea@example.com',
  name: 'Lea',
  locale: 'en',
  role: 'editor',
  createdAt: at.now,
  lastLoginAt: null,
};
const ana = {
  ...lea,
  id: 'usr_5d1c0e7a9b3f2a4c6e8d',
  email: 'ana@example.com',
  name: 'Ana',
  role: 'owner',
  createdAt: '2026-03-01T12:00:00.000Z',
  lastLoginAt: at.now,
};

const sessionEnded = error('unauthorized', 'No live session: sign in (POST /api/v1/session).', [
  {
    summary: 'Signed out or expired',
    message: 'the session has ended (signed out or expired): sign in again',
    details: [{ field: 'cookie', message: 'unknown or expired session' }],
  },
]);
const csrfMissing = {
  summary: 'No CSRF token',
  message: "send the session's CSRF token (GET /api/v1/session) in the X-CSRF-Token header",
  details: [{ field: 'x-csrf-token', message: 'missing or wrong' }],
};
const csrfRefused = error('forbidden', 'The X-CSRF-Token header is missing or wrong.', [
  csrfMissing,
]);

/** Admin operations a session may also call, with the refusals only sessions get. */
const ownerOnly: Record<number, ResponseDoc> = {
  ...adminKeyProblems,
  403: error('forbidden', 'Not an admin key, a session without its CSRF token, or not an owner.', [
    {
      summary: 'Not an admin key',
      message: 'this endpoint needs an admin key; a write key was sent',
      details: [{ field: 'authorization', message: 'needs scope admin' }],
    },
    csrfMissing,
    {
      summary: 'An editor',
      message:
        'an editor may not change API keys, users or provider credentials: ask an owner of the workspace',
      details: [{ field: 'role', message: 'editor in workspace default' }],
    },
  ]),
};
const lastOwner = error('conflict', 'The last owner of the workspace.', [
  {
    summary: 'The last owner',
    message: 'this is the last owner of the workspace: make another member owner first',
    details: [{ field: 'id', message: 'the last owner must stay an owner' }],
  },
]);
const noSuchUser = missing(
  'No such user in this workspace',
  'no user usr_8a2f4c6e0b1d3f5a7c9e in this workspace',
  'id',
);
const longId = invalid(
  'An id over 64 characters',
  'params.id',
  'Too big: expected string to have <=64 characters',
);

const sessionNote =
  'The dashboard signs in with an email and a password; the answer sets the `comeback_session` ' +
  'cookie (HttpOnly, SameSite=Strict, 7 days at most, ended after 12 idle hours). With that ' +
  'cookie and no `Authorization` header, every admin operation is open to the user in one of ' +
  'their workspaces (`X-Comeback-Workspace`, else the first), limited by their role there: ' +
  'viewers read (and preview), editors change everything but keys and users, owners all. ' +
  'Every unsafe request (not GET) must echo `csrfToken` in `X-CSRF-Token`.';

/** Dashboard sign-in and the workspace's users. */
export const userOperations: Catalogue = {
  'POST /api/v1/session': {
    description:
      `${sessionNote} A wrong email and a wrong password get the same answer. After 10 ` +
      'failed sign-ins within 15 minutes for one email, or from one address, sign-ins are ' +
      'refused (429, `Retry-After`) until the oldest failure is 15 minutes old.',
    request: { example: { email: 'ana@example.com', password: 'correct horse battery' } },
    responses: {
      200: answer('Signed in: the session cookie is set.', session),
      400: invalid('Not an email address', 'email', 'must be an email address'),
      401: error('unauthorized', 'The email or the password is wrong.', [
        {
          summary: 'Wrong email or password',
          message: 'wrong email or password',
          details: [{ field: 'password', message: 'wrong email or password' }],
        },
      ]),
      403: error('forbidden', 'The user belongs to no workspace.', [
        {
          summary: 'No workspace',
          message: 'this user belongs to no workspace: ask an owner',
          details: [{ field: 'email', message: 'member of no workspace' }],
        },
      ]),
      429: {
        ...error('rate_limited', 'Too many failed sign-ins: wait `Retry-After` seconds.', [
          {
            summary: 'Throttled',
            message: 'too many failed sign-ins: try again in 840 seconds',
            details: [{ field: 'email', message: 'too many failed sign-ins' }],
          },
        ]),
        headers: {
          'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } },
        },
      },
    },
  },
  'GET /api/v1/session': {
    description:
      'The signed-in user (session cookie only, never a key), the workspaces they belong to ' +
      'with their role in each, the CSRF token to echo in `X-CSRF-Token`, and when the session ' +
      'ends unless used (each request moves the idle end, up to 7 days after sign-in).',
    responses: {
      200: answer('The session.', session),
      400: invalid('A bad consistent flag', 'querystring.consistent', 'must be true or false'),
      401: sessionEnded,
    },
  },
  'PATCH /api/v1/session': {
    description:
      "The signed-in user's own preferences: the dashboard's language (`en`, `he`) and the " +
      'name shown. Needs `X-CSRF-Token`.',
    request: { example: { locale: 'he' } },
    responses: {
      200: answer('The session with the new preferences.', {
        ...session,
        user: { ...session.user, locale: 'he' },
      }),
      400: invalid('An unknown language', 'locale', 'Invalid option: expected one of "en"|"he"'),
      401: sessionEnded,
      403: csrfRefused,
    },
  },
  'DELETE /api/v1/session': {
    description:
      'Signs out: the session ends at once (within 5 seconds on other server processes) and ' +
      'the cookie is cleared. Needs `X-CSRF-Token`.',
    responses: { 204: noContent('Signed out.'), 401: sessionEnded, 403: csrfRefused },
  },
  'GET /api/v1/users': {
    description:
      "The workspace's dashboard users: email, name, language, role, when they joined and " +
      'last signed in. Passwords are never shown (they are stored hashed).',
    responses: { 200: answer('The users.', { data: [ana, lea] }), ...adminKeyProblems },
  },
  'POST /api/v1/users': {
    description:
      'Adds a user to this workspace with a role. Without `password` one is generated and ' +
      'shown once in the answer (`password`). An email that already has an account elsewhere ' +
      'on this server joins with its own password and name (the given ones are not used); a ' +
      'member already here is a conflict. Owners and admin keys only.',
    request: { example: { email: 'lea@example.com', name: 'Lea', role: 'editor' } },
    responses: {
      201: answer('The user, with the generated password shown once.', {
        ...lea,
        password: 'Xq3v9TzB0mW7cK2rLp5sYh8d',
      }),
      400: invalid('A short password', 'password', 'must be at least 12 characters'),
      ...ownerOnly,
      409: error('conflict', 'Already a member of this workspace.', [
        {
          summary: 'Already a member',
          message: 'lea@example.com is already a member of this workspace',
          details: [
            { field: 'email', message: 'already a member: change the role with PATCH instead' },
          ],
        },
      ]),
    },
  },
  'PATCH /api/v1/users/{id}': {
    description:
      "Changes a member's role at once (their open sessions follow within 5 seconds on other " +
      'server processes). The last owner cannot stop being one. Owners and admin keys only.',
    parameters: { id: 'usr_8a2f4c6e0b1d3f5a7c9e' },
    request: { example: { role: 'viewer' } },
    responses: {
      200: answer('The member with the new role.', { ...lea, role: 'viewer' }),
      400: longId,
      ...ownerOnly,
      404: noSuchUser,
      409: lastOwner,
    },
  },
  'DELETE /api/v1/users/{id}': {
    description:
      'Removes a user from this workspace: their sessions lose it at once. Their account ' +
      'stays for the other workspaces they belong to. The last owner cannot be removed. ' +
      'Owners and admin keys only.',
    parameters: { id: 'usr_8a2f4c6e0b1d3f5a7c9e' },
    responses: {
      204: noContent('Removed.'),
      400: longId,
      ...ownerOnly,
      404: noSuchUser,
      409: lastOwner,
    },
  },
};
