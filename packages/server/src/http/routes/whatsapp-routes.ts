import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ConsentService } from '../../modules/messaging/consent-service.js';
import type { ConversationWindows } from '../../modules/messaging/conversation-windows.js';
import type { Outbox } from '../../modules/messaging/outbox.js';
import type { TimelineRecorder } from '../../modules/messaging/timeline.js';
import {
  verifyMetaSignature,
  WhatsAppWebhooks,
} from '../../modules/messaging/whatsapp-webhooks.js';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/database.js';
import { isRecord } from '../../platform/json.js';
import { sendFailure } from '../error-handler.js';

export interface WhatsAppRouteDeps {
  consent: ConsentService;
  outbox: Outbox;
  windows: ConversationWindows;
  timeline: TimelineRecorder;
  /**
   * The workspace's Meta app secret (its own when saved, else the instance's): every POST is
   * signed with it. Undefined: every POST is refused.
   */
  appSecret: (workspaceId: string) => Promise<string | undefined>;
  /**
   * The token typed into the webhook settings in Meta's dashboard (the workspace's own when
   * saved, else the instance's). Undefined: no handshake succeeds.
   */
  verifyToken: (workspaceId: string) => Promise<string | undefined>;
  clock: Clock;
  database: Database;
}

/** Meta's webhook bodies are a few KB; a batch of statuses stays far below this. */
const WEBHOOK_BODY_LIMIT = 1024 * 1024;
const WORKSPACE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_CHALLENGE = 512;

const sameSecret = (a: string, b: string) =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
const queryText = (query: unknown, key: string): string | undefined => {
  const v = isRecord(query) && Object.hasOwn(query, key) ? query[key] : undefined;
  return typeof v === 'string' ? v : undefined;
};

/**
 * Meta's WhatsApp webhook for one workspace: the GET handshake when the URL is saved in Meta's
 * dashboard, and the signed POSTs carrying people's messages and our messages' statuses.
 * Hidden from the generated OpenAPI (raw bodies); described in whatsapp-operations.ts.
 */
export function whatsappRoutes(app: FastifyInstance, deps: WhatsAppRouteDeps): void {
  const webhooks = new WhatsAppWebhooks(deps);
  const workspaceOf = (params: unknown): string | null => {
    const id = queryText(params, 'workspaceId');
    return id !== undefined && WORKSPACE_ID.test(id) ? id : null;
  };
  const workspaceExists = async (id: string) =>
    (await deps.database.db
      .selectFrom('workspaces')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst()) !== undefined;
  const noWorkspace = {
    code: 'not_found' as const,
    message: 'no such workspace',
    details: [{ field: 'workspaceId', message: 'unknown workspace' }],
  };

  app.get('/webhooks/whatsapp/:workspaceId', { schema: { hide: true } }, async (request, reply) => {
    const mode = queryText(request.query, 'hub.mode');
    const token = queryText(request.query, 'hub.verify_token');
    const challenge = queryText(request.query, 'hub.challenge');
    // The id's form is checked before anything is looked up with it.
    const workspaceId = workspaceOf(request.params);
    if (workspaceId === null) return sendFailure(reply, noWorkspace);
    const verifyToken = await deps.verifyToken(workspaceId);
    const verified =
      mode === 'subscribe' &&
      verifyToken !== undefined &&
      verifyToken !== '' &&
      token !== undefined &&
      sameSecret(token, verifyToken);
    if (!verified)
      return sendFailure(reply, {
        code: 'forbidden',
        message: 'hub.mode must be subscribe and hub.verify_token the configured verify token',
        details: [{ field: 'hub.verify_token', message: 'does not match' }],
      });
    if (challenge === undefined || challenge.length === 0 || challenge.length > MAX_CHALLENGE)
      return sendFailure(reply, {
        code: 'validation_failed',
        message: `hub.challenge: 1 to ${MAX_CHALLENGE} characters`,
        details: [{ field: 'querystring.hub.challenge', message: 'required' }],
      });
    if (!(await workspaceExists(workspaceId))) return sendFailure(reply, noWorkspace);
    return reply.code(200).type('text/plain; charset=utf-8').send(challenge);
  });

  // The signature covers the exact bytes, so this scope reads bodies raw.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );
    scope.post(
      '/webhooks/whatsapp/:workspaceId',
      { schema: { hide: true }, bodyLimit: WEBHOOK_BODY_LIMIT },
      async (request, reply) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const header = request.headers['x-hub-signature-256'];
        const signature = Array.isArray(header) ? header[0] : header;
        const workspaceId = workspaceOf(request.params);
        if (workspaceId === null) return sendFailure(reply, noWorkspace);
        if (!verifyMetaSignature((await deps.appSecret(workspaceId)) ?? '', raw, signature))
          return sendFailure(reply, {
            code: 'unauthorized',
            message: 'X-Hub-Signature-256 missing or wrong for this app secret',
            details: [{ field: 'x-hub-signature-256', message: 'does not match the app secret' }],
          });
        if (!(await workspaceExists(workspaceId))) return sendFailure(reply, noWorkspace);
        let body: unknown;
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          return sendFailure(reply, {
            code: 'validation_failed',
            message: 'body: not JSON',
            details: [{ field: 'body', message: 'not JSON' }],
          });
        }
        const outcome = await webhooks.receive(workspaceId, body, deps.clock.now());
        return reply.code(200).send({ ok: true, ...outcome });
      },
    );
  });
}
