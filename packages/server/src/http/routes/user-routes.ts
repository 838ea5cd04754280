import {
  createUserRequestSchema,
  createdUserSchema,
  errorEnvelopeSchema,
  updateUserRequestSchema,
  userInfoSchema,
  type UserInfo,
} from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Member, SessionStore, UserStore } from '../../modules/users/index.js';
import type { KeyResolver } from '../../modules/workspaces/index.js';
import { unwrap } from '../../platform/errors.js';
import { principalOf, requireScope } from '../auth.js';
import { adminErrors, idParamsUpTo } from './admin-schemas.js';

export interface UserRouteDeps {
  users: UserStore;
  sessions: SessionStore;
  keys: KeyResolver;
}

const infoOf = (m: Member): UserInfo => ({
  id: m.id,
  email: m.email,
  name: m.name,
  locale: m.locale,
  role: m.role,
  createdAt: new Date(m.createdAt).toISOString(),
  lastLoginAt: m.lastLoginAt === null ? null : new Date(m.lastLoginAt).toISOString(),
});

/**
 * The workspace's dashboard users. Any admin principal may list them; adding, changing and
 * removing is for owners and admin keys (the role table in session-auth.ts). The workspace
 * never loses its last owner through the API.
 */
export function userRoutes(app: FastifyInstance, deps: UserRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { users, sessions } = deps;
  const admin = { onRequest: requireScope(deps.keys, 'admin') };
  const tags = ['users'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
  const conflict = { 409: errorEnvelopeSchema };
  const ownerGuard = { keepOneOwner: true };

  r.get(
    '/api/v1/users',
    {
      ...admin,
      schema: {
        tags,
        summary: 'The dashboard users of this workspace and their roles',
        security,
        response: { 200: z.object({ data: z.array(userInfoSchema) }), ...adminErrors },
      },
    },
    async (request) => ({
      data: (await users.list(principalOf(request).workspaceId)).map(infoOf),
    }),
  );

  r.post(
    '/api/v1/users',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Add a user to this workspace (a generated password is shown once)',
        security,
        body: createUserRequestSchema,
        response: { 201: createdUserSchema, ...adminErrors, ...conflict },
      },
    },
    async (request, reply) => {
      const { name, ...rest } = request.body;
      const added = unwrap(
        await users.addMember(principalOf(request).workspaceId, {
          ...rest,
          ...(name !== undefined ? { name } : {}),
        }),
      );
      // An existing account's open sessions see the new workspace at once.
      sessions.forget();
      const password = added.generatedPassword;
      return reply
        .code(201)
        .send({ ...infoOf(added.member), ...(password !== undefined ? { password } : {}) });
    },
  );

  r.patch(
    '/api/v1/users/:id',
    {
      ...admin,
      schema: {
        tags,
        summary: "Change a member's role (the last owner stays an owner)",
        security,
        params: idParamsUpTo(64),
        body: updateUserRequestSchema,
        response: { 200: userInfoSchema, ...adminErrors, ...conflict },
      },
    },
    async (request) => {
      const changed = unwrap(
        await users.setRole(
          principalOf(request).workspaceId,
          request.params.id,
          request.body.role,
          ownerGuard,
        ),
      );
      // Sessions resolved before the change must not keep the old role for seconds.
      sessions.forget();
      return infoOf(changed);
    },
  );

  r.delete(
    '/api/v1/users/:id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Remove a user from this workspace (not the last owner)',
        security,
        params: idParamsUpTo(64),
        response: { 204: z.null(), ...adminErrors, ...conflict },
      },
    },
    async (request, reply) => {
      unwrap(
        await users.removeMember(principalOf(request).workspaceId, request.params.id, ownerGuard),
      );
      sessions.forget();
      return reply.code(204).send(null);
    },
  );
}
