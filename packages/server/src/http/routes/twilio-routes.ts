import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConsentService } from '../../modules/messaging/consent-service.js';
import type { Outbox } from '../../modules/messaging/outbox.js';
import type { TimelineRecorder } from '../../modules/messaging/timeline.js';
import { TwilioInbound, verifyTwilioSignature } from '../../modules/messaging/twilio-webhooks.js';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/database.js';
import { AppError, unwrap } from '../../platform/errors.js';

export interface TwilioRouteDeps {
  consent: ConsentService;
  outbox: Outbox;
  timeline: TimelineRecorder;
  /**
   * The auth token of the workspace's Twilio account (its own when saved, else the instance's):
   * Twilio signs every webhook with it. Undefined: SMS is not configured for the workspace,
   * and every webhook is refused (nothing can be verified).
   */
  authToken: (workspaceId: string) => Promise<string | undefined>;
  /** The public base URL Twilio calls (behind a proxy the request's own host may differ). */
  publicUrl: string | undefined;
  storeName: (workspaceId: string) => Promise<string>;
  clock: Clock;
  database: Database;
}

/** Twilio's form posts: an inbound SMS of up to 1,600 characters and some 30 short fields. */
const FORM_BODY_LIMIT = 64 * 1024;
const WORKSPACE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MESSAGE_ID = /^msg_[0-9a-f]{24}$/;

const XML_ENTITIES: Readonly<Record<string, string>> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  '"': '&quot;',
  "'": '&apos;',
};
const xmlEscape = (s: string) => s.replace(/[<>&"']/g, (c) => XML_ENTITIES[c] ?? c);

/** The TwiML answer: nothing to do, or one reply text. */
export function twiml(reply: string | null): string {
  const head = '<?xml version="1.0" encoding="UTF-8"?>';
  return reply === null
    ? `${head}<Response/>`
    : `${head}<Response><Message>${xmlEscape(reply)}</Message></Response>`;
}

type WorkspaceRequest = FastifyRequest<{ Params: { workspaceId: string; messageId?: string } }>;

/**
 * Twilio's webhooks: texts people send to the store's number (STOP / START / HELP) and delivery
 * reports of the texts sent. No API key: the X-Twilio-Signature over the URL and the form is the
 * authority, and a request whose signature does not verify changes nothing (401).
 */
export function twilioRoutes(app: FastifyInstance, deps: TwilioRouteDeps): void {
  const inbound = new TwilioInbound(deps);
  const base = deps.publicUrl?.replace(/\/+$/, '');

  /** The URL Twilio called, as it signed it. */
  const calledUrl = (request: FastifyRequest) =>
    base !== undefined
      ? `${base}${request.url}`
      : `${request.protocol}://${request.host}${request.url}`;

  /** The signed form; anything unsigned or wrongly signed ends the request with 401. */
  const signedForm = async (request: WorkspaceRequest): Promise<URLSearchParams> => {
    const params = request.body instanceof URLSearchParams ? request.body : new URLSearchParams();
    const signature = request.headers['x-twilio-signature'];
    const { workspaceId, messageId } = request.params;
    const unknownWorkspace = () =>
      AppError.of('not_found', `no workspace ${workspaceId.slice(0, 64)}`, [
        { field: 'workspaceId', message: 'unknown workspace' },
      ]);
    // The id's form is checked before anything is looked up with it.
    if (!WORKSPACE_ID.test(workspaceId)) throw unknownWorkspace();
    const authToken = await deps.authToken(workspaceId);
    if (authToken === undefined)
      throw AppError.of(
        'unauthorized',
        "SMS is not configured: set TWILIO_AUTH_TOKEN or save the workspace's Twilio account",
        [{ field: 'x-twilio-signature', message: 'no Twilio auth token to verify it with' }],
      );
    if (
      !verifyTwilioSignature(
        authToken,
        calledUrl(request),
        params,
        typeof signature === 'string' ? signature : undefined,
      )
    )
      throw AppError.of('unauthorized', 'Twilio signature missing or wrong', [
        {
          field: 'x-twilio-signature',
          message: 'does not match the URL, the form and the auth token',
        },
      ]);
    if (!(await inbound.workspaceExists(workspaceId))) throw unknownWorkspace();
    if (messageId !== undefined && !MESSAGE_ID.test(messageId))
      throw AppError.of('not_found', 'no such message', [
        { field: 'messageId', message: 'not a message id' },
      ]);
    return params;
  };

  const answer = (reply: FastifyReply, text: string | null) =>
    reply.code(200).type('text/xml; charset=utf-8').send(twiml(text));

  void app.register(async (scope) => {
    // Twilio posts forms; nothing else is read here.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
      (_request, body, done) => done(null, new URLSearchParams(String(body))),
    );

    scope.post(
      '/webhooks/twilio/:workspaceId/inbound',
      { schema: { hide: true } },
      async (request: WorkspaceRequest, reply) => {
        const params = await signedForm(request);
        const outcome = unwrap(await inbound.received(request.params.workspaceId, params));
        return answer(reply, outcome.reply);
      },
    );

    scope.post(
      '/webhooks/twilio/:workspaceId/status/:messageId',
      { schema: { hide: true } },
      async (request: WorkspaceRequest, reply) => {
        const params = await signedForm(request);
        const { workspaceId, messageId = '' } = request.params;
        unwrap(await inbound.statusReported(workspaceId, messageId, params));
        return answer(reply, null);
      },
    );
  });
}
