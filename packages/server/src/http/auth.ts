import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KeyResolver, KeyScope, Principal } from '../modules/workspaces/index.js';
import { isRecord } from '../platform/json.js';
import { sendFailure } from './error-handler.js';
import { authorizeSession, sessionTokenOf, sessionsOf } from './session-auth.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** The presented key: HTTP Basic with the key as user name (Segment SDKs), or Bearer. */
export function presentedKey(header: string | undefined): string | null {
  if (!header) return null;
  const [scheme, value] = header.split(' ', 2);
  if (!value) return null;
  if (scheme?.toLowerCase() === 'bearer') return value.trim() || null;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const user = decoded.split(':')[0] ?? '';
    return user === '' ? null : user;
  }
  return null;
}

/**
 * The tracking API also takes the write key as `writeKey` in the JSON body, as Segment's HTTP
 * API does (browsers send it so, avoiding a CORS preflight). It is removed before storage.
 */
function takeBodyWriteKey(request: FastifyRequest): string | null {
  const body: unknown = request.body;
  if (!isRecord(body) || typeof body.writeKey !== 'string' || body.writeKey === '') return null;
  const key = body.writeKey;
  delete body.writeKey;
  return key;
}

/**
 * Tracking takes the write key from the Authorization header or, where a browser cannot set
 * headers (sendBeacon), from the body. `onRequest` decides every request that carries the
 * header before a byte of its body is read, so a flood of large bodies with bad keys costs a
 * cached lookup each, not a parse; `preValidation` handles the body form, after parsing.
 */
export function requireWriteKey(keys: KeyResolver) {
  const byHeader = authorize(
    keys,
    'write',
    (request) => presentedKey(request.headers.authorization),
    closeBeforeLargeBody,
  );
  const byBody = authorize(keys, 'write', takeBodyWriteKey);
  return {
    onRequest: async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.headers.authorization !== undefined) await byHeader(request, reply);
    },
    preValidation: async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.principal) {
        takeBodyWriteKey(request); // the header decided; the body's copy is not stored
        return;
      }
      await byBody(request, reply);
    },
  };
}

/**
 * Refused before its body was read: a large (or chunked) body is not read to its end either;
 * the connection closes after the answer. A small one is left to Node, which discards it and
 * keeps the connection (closing on unread bytes can reset it before the client reads the 401).
 */
function closeBeforeLargeBody(request: FastifyRequest, reply: FastifyReply): void {
  const large =
    request.headers['transfer-encoding'] !== undefined ||
    Number(request.headers['content-length'] ?? 0) > 64 * 1024;
  if (large) void reply.header('connection', 'close');
}

/** "an admin", "a write". */
const withArticle = (scope: string) => `${/^[aeiou]/.test(scope) ? 'an' : 'a'} ${scope}`;

/**
 * An onRequest hook that admits only keys of `scope` and records whose they are. The admin
 * scope also admits a dashboard session (cookie) when no Authorization header is sent: a key,
 * when given, always decides. A session never stands for a write key.
 */
export function requireScope(keys: KeyResolver, scope: KeyScope) {
  const byKey = authorize(
    keys,
    scope,
    (request) => presentedKey(request.headers.authorization),
    closeBeforeLargeBody,
  );
  if (scope !== 'admin') return byKey;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const sessions = request.headers.authorization === undefined ? sessionsOf(keys) : undefined;
    const token = sessions === undefined ? null : sessionTokenOf(request);
    if (sessions === undefined || token === null) return byKey(request, reply);
    return authorizeSession(sessions, token, request, reply, closeBeforeLargeBody);
  };
}

function authorize(
  keys: KeyResolver,
  scope: KeyScope,
  keyOf: (request: FastifyRequest) => string | null,
  beforeRefusal?: (request: FastifyRequest, reply: FastifyReply) => void,
) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const key = keyOf(request);
    const principal = key === null ? null : await keys.resolve(key);
    if (principal?.scope !== scope) beforeRefusal?.(request, reply);
    if (key === null) {
      void reply.header('www-authenticate', 'Basic realm="comeback", Bearer');
      return sendFailure(reply, {
        code: 'unauthorized',
        message: 'missing key: send Authorization: Bearer <key> (or Basic with the key as user)',
        details: [{ field: 'authorization', message: 'missing or malformed' }],
      });
    }
    if (principal === null) {
      return sendFailure(reply, {
        code: 'unauthorized',
        message: 'unknown or revoked key',
        details: [{ field: 'authorization', message: 'unknown or revoked key' }],
      });
    }
    if (principal.scope !== scope) {
      return sendFailure(reply, {
        code: 'forbidden',
        message: `this endpoint needs ${withArticle(scope)} key; ${withArticle(principal.scope)} key was sent`,
        details: [{ field: 'authorization', message: `needs scope ${scope}` }],
      });
    }
    request.principal = principal;
  };
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route used principalOf without requireScope');
  return request.principal;
}
