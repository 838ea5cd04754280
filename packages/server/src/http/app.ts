import fastifyCors from '@fastify/cors';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { installConsistentReads } from './consistent-reads.js';
import { clientErrorHandler } from './client-errors.js';
import { jsonBodyParser } from './json-body.js';
import { installErrorHandler, sendFailure } from './error-handler.js';
import { registerOpenApi } from './openapi/index.js';
import { catalogRoutes } from './routes/catalog-routes.js';
import { connectorRoutes } from './routes/connector-routes.js';
import { importRoutes } from './routes/import-routes.js';
import { keyRoutes } from './routes/key-routes.js';
import { customerValueRoutes } from './routes/customer-value-routes.js';
import { opsRoutes } from './routes/ops-routes.js';
import { overviewRoutes } from './routes/overview-routes.js';
import { profileRoutes } from './routes/profile-routes.js';
import { recommendationRoutes } from './routes/recommendation-routes.js';
import { segmentRoutes } from './routes/segment-routes.js';
import { segmentMembershipRoutes } from './routes/segment-membership-routes.js';
import { sftpRoutes } from './routes/sftp-routes.js';
import { messageRoutes } from './routes/message-routes.js';
import { messagingStatusRoutes } from './routes/messaging-status-routes.js';
import { preferenceRoutes } from './routes/preference-routes.js';
import { providerCredentialRoutes } from './routes/provider-credential-routes.js';
import { templateRoutes } from './routes/template-routes.js';
import { journeyRoutes } from './routes/journey-routes.js';
import { journeyRunRoutes } from './routes/journey-run-routes.js';
import { journeyBacktestRoutes } from './routes/journey-backtest-routes.js';
import { flowRoutes } from './routes/flow-routes.js';
import { whatsappRoutes } from './routes/whatsapp-routes.js';
import { twilioRoutes } from './routes/twilio-routes.js';
import { webhookSubscriptionRoutes } from './routes/webhook-subscription-routes.js';
import { clientRoutes, clientTokenRoutes } from './routes/client-routes.js';
import { feedbackRoutes } from './routes/feedback-routes.js';
import { trackingLinkRoutes } from './routes/tracking-link-routes.js';
import { trackingRoutes } from './routes/tracking-routes.js';
import { sessionRoutes } from './routes/session-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { dashboardStatic } from './dashboard-static.js';
import { installSessions } from './session-auth.js';
import type { Services } from './services.js';

export async function buildApp(s: Services): Promise<FastifyInstance> {
  const logger: FastifyBaseLogger = s.logger;
  const app = Fastify({
    loggerInstance: logger,
    // Per-request logs would cost more than the ingest work itself; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    // Keep-alive connections from SDKs and load balancers are closed on shutdown.
    forceCloseConnections: 'idle',
    // Requests arriving while shutting down get 503 in our own envelope (hook below).
    return503OnClosing: false,
    // Ids up to the schemas' own limits reach validation (which names the field).
    routerOptions: { maxParamLength: 512 },
    // Over-long URLs and headers (refused by Node's parser) get the error envelope: 414 / 431.
    clientErrorHandler,
    // Bad percent-encoding and over-long path segments get the error envelope too.
    frameworkErrors: (error, _request, reply) =>
      sendFailure(reply, {
        code: 'validation_failed',
        message: `path: ${error.message}`,
        details: [{ field: 'path', message: error.message }],
      }),
  });
  app.decorateRequest('principal', null);
  await installSessions(app, s.keys, s.sessions);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON bodies, and text/plain ones (browsers' sendBeacon posts JSON as text/plain).
  const parseJson = jsonBodyParser(app.getDefaultJsonParser('error', 'ignore'));
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJson);
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, parseJson);
  installErrorHandler(app);
  // Storefronts call the tracking API from the browser: any origin, no credentials (the write
  // key is public by design). The admin API gets no CORS headers at all.
  await app.register(fastifyCors, {
    delegator: (request, callback) => {
      const url = request.url ?? '';
      // The inbox and push subscriptions are read and changed from the storefront too, with
      // a per-profile client token (never the admin key): any origin, no cookies.
      const client = url.startsWith('/v1/inbox') || url.startsWith('/v1/push/');
      const tracking = url.startsWith('/v1/');
      callback(
        null,
        client
          ? { origin: '*', methods: ['GET', 'POST', 'DELETE'], maxAge: 86_400 }
          : tracking
            ? { origin: '*', methods: ['POST'], maxAge: 86_400 }
            : { origin: false },
      );
    },
  });

  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (closing) {
      return sendFailure(
        reply,
        { code: 'unavailable', message: 'the server is shutting down; retry shortly', details: [] },
        1,
      );
    }
  });
  await registerOpenApi(app);

  installConsistentReads(app, s);
  trackingRoutes(app, s);
  profileRoutes(app, s);
  catalogRoutes(app, s);
  connectorRoutes(app, s);
  importRoutes(app, s);
  customerValueRoutes(app, s);
  recommendationRoutes(app, s);
  segmentRoutes(app, s);
  segmentMembershipRoutes(app, s);
  sftpRoutes(app, s);
  templateRoutes(app, s);
  journeyRoutes(app, { journeys: s.journeys, keys: s.keys });
  journeyRunRoutes(app, {
    journeys: s.journeys,
    journeyReads: s.journeyReads,
    journeyMigrations: s.journeyMigrations,
    journeySettings: s.journeySettings,
    keys: s.keys,
  });
  journeyBacktestRoutes(app, s);
  flowRoutes(app, s);
  messageRoutes(app, s);
  messagingStatusRoutes(app, s);
  providerCredentialRoutes(app, s);
  // Webhooks verify with the workspace's own provider account when it saved one.
  const accountsOf = (workspaceId: string) =>
    s.providerCredentials.effective(workspaceId, s.config);
  const storeName = async (workspaceId: string) =>
    (
      await s.database.db
        .selectFrom('workspaces')
        .select('name')
        .where('id', '=', workspaceId)
        .executeTakeFirst()
    )?.name ?? 'the store';
  feedbackRoutes(app, { feedback: s.feedback, keys: s.keys, clock: s.clock });
  trackingLinkRoutes(app, {
    links: s.links,
    timeline: s.timeline,
    clock: s.clock,
    sentAt: (workspaceId, messageId) => s.outbox.sentAt(workspaceId, messageId),
  });
  clientRoutes(app, {
    tokens: s.clientTokens,
    inbox: s.inbox,
    pushSubscriptions: s.pushSubscriptions,
    vapidPublicKey: () => s.vapidKeys.publicKey(),
  });
  clientTokenRoutes(app, {
    keys: s.keys,
    tokens: s.clientTokens,
    profileExists: async (workspaceId, id) => (await s.profiles.get(workspaceId, id)).ok,
  });
  webhookSubscriptionRoutes(app, {
    subscriptions: s.webhookSubscriptions,
    dispatcher: s.webhookDispatcher,
    channelSecrets: s.webhookSecrets,
    keys: s.keys,
    clock: s.clock,
  });
  twilioRoutes(app, {
    consent: s.consent,
    outbox: s.outbox,
    timeline: s.timeline,
    authToken: async (workspaceId) => (await accountsOf(workspaceId)).twilio?.authToken,
    publicUrl: s.config.publicUrl,
    storeName,
    clock: s.clock,
    database: s.database,
  });
  whatsappRoutes(app, {
    consent: s.consent,
    outbox: s.outbox,
    windows: s.windows,
    timeline: s.timeline,
    appSecret: async (workspaceId) => (await accountsOf(workspaceId)).whatsapp?.appSecret,
    verifyToken: async (workspaceId) => (await accountsOf(workspaceId)).whatsapp?.verifyToken,
    clock: s.clock,
    database: s.database,
  });
  preferenceRoutes(app, {
    consent: s.consent,
    links: s.links,
    clock: s.clock,
    storeName,
  });
  overviewRoutes(app, s);
  opsRoutes(app, s);
  keyRoutes(app, s);
  sessionRoutes(app, {
    users: s.users,
    sessions: s.sessions,
    throttle: s.loginThrottle,
    secureCookies: s.config.publicUrl?.startsWith('https:') ?? false,
  });
  userRoutes(app, { users: s.users, sessions: s.sessions, keys: s.keys });
  await dashboardStatic(app, { dir: s.config.dashboardDir });
  return app;
}
