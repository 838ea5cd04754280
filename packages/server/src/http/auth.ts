import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KeyResolver, KeyScope, Principal } from '../modules/workspaces/index.js';
import { isRecord } from '../platform/json.js';
import { sendFailure } from './error-handler.js';

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

/** Tracking: a write key from the Authorization header or the body (run after parsing). */
export function requireWriteKey(keys: KeyResolver) {
  return authorize(keys, 'write', (request) => {
    const fromBody = takeBodyWriteKey(request);
    return presentedKey(request.headers.authorization) ?? fromBody;
  });
}

/** An onRequest hook that admits only keys of `scope` and records whose they are. */
export function requireScope(keys: KeyResolver, scope: KeyScope) {
  return authorize(keys, scope, (request) => presentedKey(request.headers.authorization));
}

function authorize(
  keys: KeyResolver,
  scope: KeyScope,
  keyOf: (request: FastifyRequest) => string | null,
) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const key = keyOf(request);
    if (key === null) {
      void reply.header('www-authenticate', 'Basic realm="comeback", Bearer');
      return sendFailure(reply, {
        code: 'unauthorized',
        message: 'missing key: send Authorization: Bearer <key> (or Basic with the key as user)',
        details: [{ field: 'authorization', message: 'missing or malformed' }],
      });
    }
    const principal = await keys.resolve(key);
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
        message: `this endpoint needs a ${scope} key; a ${principal.scope} key was sent`,
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
