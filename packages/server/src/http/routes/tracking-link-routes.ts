import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clickLinkOf, openLinkOf } from '../../modules/messaging/link-tracking.js';
import { classifyClick, classifyOpen } from '../../modules/messaging/machine-activity.js';
import type { LinkSigner } from '../../modules/messaging/signed-links.js';
import type { TimelineRecorder } from '../../modules/messaging/timeline.js';
import type { Clock } from '../../platform/clock.js';

export interface TrackingLinkRouteDeps {
  links: LinkSigner;
  timeline: TimelineRecorder;
  clock: Clock;
  /** When the outbox sent the message (epoch ms), for the scanner rule; null if unknown. */
  sentAt: (workspaceId: string, messageId: string) => Promise<number | null>;
}

type TokenRequest = FastifyRequest<{ Params: { token: string } }>;

/** The smallest transparent GIF: 1x1, one transparent colour (43 bytes). */
export const TRANSPARENT_GIF = Buffer.from(
  'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7',
  'base64',
);

/** Every fetch must reach us: a cached pixel is an open we never hear of. */
const NO_CACHE = {
  'cache-control': 'no-store, no-cache, must-revalidate, private, max-age=0',
  pragma: 'no-cache',
  expires: '0',
};
const MAX_USER_AGENT = 1000;

/**
 * Click and open tracking behind the links `trackLinks` writes into emails. There is no key:
 * the signed token is the authority; one that does not verify answers 400 and records nothing.
 * A click always reaches its target, and the pixel is always served, even when recording
 * fails (logged): a person must never see our failure. HEAD answers like GET and records
 * nothing (scanners probe with it). Event message ids hold the second, so a repeated request
 * (a double click, a client fetching the pixel twice) within it is recorded once.
 */
export function trackingLinkRoutes(app: FastifyInstance, deps: TrackingLinkRouteDeps): void {
  const { links, timeline, clock } = deps;
  const invalid = (reply: FastifyReply) =>
    reply
      .code(400)
      .header('cache-control', 'no-store')
      .type('text/plain; charset=utf-8')
      .send('This link is not valid.');
  const userAgentOf = (request: FastifyRequest) =>
    request.headers['user-agent']?.slice(0, MAX_USER_AGENT);
  const record = async (request: FastifyRequest, record: () => Promise<void>) => {
    try {
      await record();
    } catch (error) {
      request.log.error({ err: error }, 'recording a tracked email event failed');
    }
  };

  const clickTarget = (request: TokenRequest) => {
    const link = clickLinkOf(links.verify('click', request.params.token));
    if (link === null) return null;
    // The signed target may hold raw non-ASCII; a Location header needs it percent-encoded.
    return { link, location: new URL(link.url).href };
  };

  // Declared before GET, which would otherwise make its own HEAD that records.
  app.head('/click/:token', { schema: { hide: true } }, (request: TokenRequest, reply) => {
    const target = clickTarget(request);
    if (target === null) return invalid(reply);
    return reply.header('cache-control', 'no-store').redirect(target.location, 302);
  });

  app.get('/click/:token', { schema: { hide: true } }, async (request: TokenRequest, reply) => {
    const target = clickTarget(request);
    if (target === null) return invalid(reply);
    const { link, location } = target;
    const profileId = link.profileId;
    if (profileId !== null) {
      await record(request, async () => {
        const at = clock.now();
        const verdict = classifyClick({
          userAgent: userAgentOf(request),
          ip: request.ip,
          method: request.method,
          sentAt: await deps.sentAt(link.workspaceId, link.messageId),
          at,
        });
        await timeline({
          workspaceId: link.workspaceId,
          profileId,
          event: 'Email Link Clicked',
          properties: {
            messageId: link.messageId,
            url: link.url,
            machine: verdict.machine,
            machineReason: verdict.reason,
          },
          messageId: `click:${link.messageId}:${shortHash(link.url)}:${Math.floor(at / 1000)}`,
          at,
        });
      });
    }
    return reply.header('cache-control', 'no-store').redirect(location, 302);
  });

  const pixel = (reply: FastifyReply) =>
    reply.headers(NO_CACHE).type('image/gif').send(TRANSPARENT_GIF);

  app.head('/open/:token', { schema: { hide: true } }, (request: TokenRequest, reply) =>
    openLinkOf(links.verify('open', request.params.token)) === null ? invalid(reply) : pixel(reply),
  );

  app.get('/open/:token', { schema: { hide: true } }, async (request: TokenRequest, reply) => {
    const link = openLinkOf(links.verify('open', request.params.token));
    if (link === null) return invalid(reply);
    const profileId = link.profileId;
    if (profileId !== null) {
      await record(request, async () => {
        const at = clock.now();
        const verdict = classifyOpen({
          userAgent: userAgentOf(request),
          ip: request.ip,
          sentAt: await deps.sentAt(link.workspaceId, link.messageId),
          at,
        });
        await timeline({
          workspaceId: link.workspaceId,
          profileId,
          event: 'Email Opened',
          properties: {
            messageId: link.messageId,
            machine: verdict.machine,
            machineReason: verdict.reason,
          },
          messageId: `open:${link.messageId}:${Math.floor(at / 1000)}`,
          at,
        });
      });
    }
    return pixel(reply);
  });
}

/** Tells two links of one message apart in the event id, at a fixed length. */
const shortHash = (text: string) =>
  createHash('sha256').update(text).digest('base64url').slice(0, 16);
