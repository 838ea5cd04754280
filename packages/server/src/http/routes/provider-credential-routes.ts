import {
  credentialProviderSchema,
  credentialProviders,
  providerCredentialListSchema,
  providerCredentialSummarySchema,
  type CredentialProvider,
} from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config/config.js';
import {
  parseAccount,
  type ProviderCredentials,
} from '../../modules/messaging/provider-credentials.js';
import type { KeyResolver } from '../../modules/workspaces/index.js';
import { AppError } from '../../platform/errors.js';
import { principalOf, requireScope } from '../auth.js';
import { adminErrors } from './admin-schemas.js';

export interface ProviderCredentialRouteDeps {
  config: Config;
  keys: KeyResolver;
  providerCredentials: ProviderCredentials;
}

/** Any text up to the longest name: an unknown provider is a 404, not a 400. */
const providerParams = z.object({ provider: z.string().min(1).max(64) });

const providerOf = (name: string): CredentialProvider => {
  const parsed = credentialProviderSchema.safeParse(name);
  if (parsed.success) return parsed.data;
  throw AppError.of('not_found', `no provider ${name.slice(0, 64)}`, [
    { field: 'provider', message: `one of ${credentialProviders.join(', ')}` },
  ]);
};

/** The body checked with its provider's schema; 400 naming each field that does not pass. */
function accountOf(provider: CredentialProvider, body: unknown) {
  const parsed = parseAccount(provider, body ?? {});
  if (parsed.ok) return parsed.account;
  const details = parsed.error.issues.map((issue) => {
    // strictObject names unknown keys in `keys`, not in the path: name them as the field.
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const path = [...issue.path.map(String), ...keys.slice(0, 1)];
    return { field: path.length > 0 ? path.join('.') : 'body', message: issue.message };
  });
  const first = details[0];
  throw AppError.of(
    'validation_failed',
    first ? `${first.field}: ${first.message}` : 'invalid request',
    details,
  );
}

/**
 * A workspace's own provider accounts (admin key or an owner's session; see session-auth.ts):
 * saved sealed, never read back. GET says, per provider, whose account sends (the workspace's,
 * the instance's, or none) with the sender and a hint of the account, never a secret.
 */
export function providerCredentialRoutes(
  app: FastifyInstance,
  deps: ProviderCredentialRouteDeps,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const admin = { onRequest: requireScope(deps.keys, 'admin') };
  const security = [{ bearer: [] }];
  const tags = ['messages'];

  r.get(
    '/api/v1/provider-credentials',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Whose SMTP, Twilio and WhatsApp account sends for this workspace (no secrets)',
        security,
        response: { 200: providerCredentialListSchema, ...adminErrors },
      },
    },
    async (request) => ({
      data: await deps.providerCredentials.summaries(principalOf(request).workspaceId, deps.config),
    }),
  );

  r.put(
    '/api/v1/provider-credentials/:provider',
    {
      ...admin,
      schema: {
        tags,
        summary: "Save this workspace's own account at a provider (write-only)",
        security,
        params: providerParams,
        response: { 200: providerCredentialSummarySchema, ...adminErrors },
      },
    },
    async (request) => {
      const provider = providerOf(request.params.provider);
      const account = accountOf(provider, request.body);
      const { workspaceId } = principalOf(request);
      await deps.providerCredentials.save(workspaceId, account);
      return deps.providerCredentials.summary(workspaceId, provider, deps.config);
    },
  );

  r.delete(
    '/api/v1/provider-credentials/:provider',
    {
      ...admin,
      schema: {
        tags,
        summary: "Forget this workspace's own account: the instance's sends again",
        security,
        params: providerParams,
        response: { 204: z.null(), ...adminErrors },
      },
    },
    async (request, reply) => {
      const provider = providerOf(request.params.provider);
      if (!(await deps.providerCredentials.remove(principalOf(request).workspaceId, provider)))
        throw AppError.of('not_found', `this workspace has no ${provider} account of its own`, [
          { field: 'provider', message: 'none saved' },
        ]);
      return reply.code(204).send(null);
    },
  );
}
