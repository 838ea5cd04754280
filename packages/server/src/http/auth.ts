import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KeyResolver, KeyScope, Principal } from '../modules/workspaces/index.js';
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

/** An onRequest hook that admits only keys of `scope` and records whose they are. */
export function requireScope(keys: KeyResolver, scope: KeyScope) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const key = presentedKey(request.headers.authorization);
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
