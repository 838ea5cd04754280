import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../../config/config.js';
import type { ProviderCredentials } from '../../modules/messaging/provider-credentials.js';
import { sendingStatus, sendingStatusSchema } from '../../modules/messaging/sending-status.js';
import type { VapidKeys } from '../../modules/messaging/vapid-keys.js';
import type { KeyResolver } from '../../modules/workspaces/index.js';
import { principalOf, requireScope } from '../auth.js';
import { adminErrors } from './admin-schemas.js';

export interface MessagingStatusRouteDeps {
  config: Config;
  keys: KeyResolver;
  vapidKeys: Pick<VapidKeys, 'publicKey'>;
  providerCredentials: Pick<ProviderCredentials, 'effective'>;
}

/**
 * How each channel is configured (admin key; every dashboard role may read it): modes,
 * identities, DKIM health and the DNS record to publish, the webhook URLs to paste into
 * Twilio and Meta. The workspace's own accounts (saved through /api/v1/provider-credentials)
 * show in place of the instance's (environment). Credentials are never sent back.
 */
export function messagingStatusRoutes(app: FastifyInstance, deps: MessagingStatusRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/messaging/status',
    {
      onRequest: requireScope(deps.keys, 'admin'),
      schema: {
        tags: ['messages'],
        summary: 'How each channel sends: providers, sending identities, DKIM, webhook URLs',
        security: [{ bearer: [] }],
        response: { 200: sendingStatusSchema, ...adminErrors },
      },
    },
    async (request) => {
      const { config } = deps;
      const { workspaceId } = principalOf(request);
      const { sources, ...accounts } = await deps.providerCredentials.effective(
        workspaceId,
        config,
      );
      return sendingStatus({
        config: { ...config, ...accounts },
        sources,
        workspaceId,
        // Behind a proxy this may not be what providers reach: COMEBACK_PUBLIC_URL says that.
        requestBaseUrl: `${request.protocol}://${request.host}`,
        // Made on first use and kept: reading it only when push is on avoids making it for nothing.
        vapidPublicKey: config.vapidSubject === undefined ? null : await deps.vapidKeys.publicKey(),
      });
    },
  );
}
