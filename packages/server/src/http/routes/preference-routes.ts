import { consentChannels, type ConsentChannel } from '@comeback/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConsentProof, ConsentService } from '../../modules/messaging/consent-service.js';
import {
  confirmedPage,
  invalidLinkPage,
  pageLanguage,
  preferencesPage,
  unsubscribePage,
  type Page,
  type PageLanguage,
} from '../../modules/messaging/preference-pages.js';
import type { LinkKind, LinkSigner } from '../../modules/messaging/signed-links.js';
import type { Clock } from '../../platform/clock.js';
import { oneOf } from '../../platform/json.js';

export interface PreferenceRouteDeps {
  consent: ConsentService;
  links: LinkSigner;
  /** The store's name as shown on the pages. */
  storeName: (workspaceId: string) => Promise<string>;
  clock: Clock;
}

/** Forms on these pages hold a few short fields; RFC 8058's one-click body is 26 bytes. */
const FORM_BODY_LIMIT = 4096;
const MAX_ID = 200;

/** A verified messaging link's content. */
interface MessagingLink {
  workspaceId: string;
  profileId: string;
  channel: ConsentChannel | null;
  messageId: string | null;
  language: string | undefined;
}

type TokenRequest = FastifyRequest<{ Params: { token: string } }>;

/**
 * Public pages behind the signed links in messages: unsubscribe (RFC 8058 one-click too), the
 * preference center, and double opt-in confirmation. There is no API key; the token is the
 * authority, and a token that does not verify changes nothing.
 */
export function preferenceRoutes(app: FastifyInstance, deps: PreferenceRouteDeps): void {
  const { consent, links, clock } = deps;

  void app.register(async (scope) => {
    // Forms only, in this scope: the one-click POST and the pages' own forms.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
      (_request, body, done) => done(null, new URLSearchParams(String(body))),
    );
    // RFC 8058 prefers multipart/form-data; a POST to a valid unsubscribe link unsubscribes
    // whatever its body, so other types only need to be read (bounded) to spot one-click.
    scope.addContentTypeParser(
      '*',
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
      (_request, body, done) => done(null, multipartOneClick(String(body))),
    );

    const language = (link: MessagingLink | null, request: FastifyRequest): PageLanguage =>
      pageLanguage(link?.language, request.headers['accept-language']);
    const proofOf = (request: FastifyRequest, form: string): ConsentProof => {
      const userAgent = request.headers['user-agent'];
      return {
        ip: request.ip.slice(0, 100),
        ...(userAgent !== undefined ? { userAgent: userAgent.slice(0, 1000) } : {}),
        form,
      };
    };
    const read = (kind: LinkKind, request: TokenRequest, needsChannel: boolean) => {
      const payload = links.verify(kind, request.params.token);
      const link = payload === null ? null : messagingLinkOf(payload);
      return link === null || (needsChannel && link.channel === null) ? null : link;
    };
    const statusOf = async (link: MessagingLink, channel: ConsentChannel) =>
      (await consent.get(link.workspaceId, link.profileId)).find((s) => s.channel === channel)
        ?.status;
    const preferencesUrl = (link: MessagingLink) =>
      links.url('preferences', {
        w: link.workspaceId,
        p: link.profileId,
        ...(link.language !== undefined ? { l: link.language } : {}),
      });

    const unsubscribe = async (request: TokenRequest, reply: FastifyReply, post: boolean) => {
      const link = read('unsubscribe', request, true);
      if (link === null || link.channel === null)
        return sendPage(reply, invalidLinkPage(language(null, request)));
      const channel = link.channel;
      if (post) {
        const body = request.body instanceof URLSearchParams ? request.body : undefined;
        const oneClick = body?.get('List-Unsubscribe') === 'One-Click';
        const via = link.messageId === null ? '' : ` (message ${link.messageId})`;
        // A provider may repeat its one-click POST: only the first one is a change.
        if ((await statusOf(link, channel)) !== 'unsubscribed')
          await consent.update(
            link.workspaceId,
            link.profileId,
            {
              channel,
              status: 'unsubscribed',
              source: oneClick ? 'one-click' : 'unsubscribe-page',
              proof: proofOf(
                request,
                `${oneClick ? 'List-Unsubscribe=One-Click' : 'unsubscribe page'}${via}`,
              ),
            },
            clock.now(),
          );
      }
      return sendPage(
        reply,
        unsubscribePage({
          lang: language(link, request),
          store: await deps.storeName(link.workspaceId),
          channel,
          action: request.params.token,
          done: post,
          preferencesUrl: preferencesUrl(link),
        }),
      );
    };

    // GET only shows the button: mail scanners open links, and must not unsubscribe anyone.
    scope.get('/unsubscribe/:token', { schema: { hide: true } }, (request: TokenRequest, reply) =>
      unsubscribe(request, reply, false),
    );
    scope.post(
      '/unsubscribe/:token',
      { schema: { hide: true }, bodyLimit: FORM_BODY_LIMIT },
      (request: TokenRequest, reply) => unsubscribe(request, reply, true),
    );

    const preferences = async (request: TokenRequest, reply: FastifyReply, post: boolean) => {
      const link = read('preferences', request, false);
      if (link === null) return sendPage(reply, invalidLinkPage(language(null, request)));
      const states = await consent.get(link.workspaceId, link.profileId);
      const subscribed = new Set(
        states.filter((s) => s.status === 'subscribed').map((s) => s.channel),
      );
      const body = request.body instanceof URLSearchParams ? request.body : undefined;
      // Without the form's own marker nothing changes: an empty POST is not "untick all".
      const submitted = post && body?.get('submitted') === 'yes';
      if (submitted) {
        const now = clock.now();
        for (const channel of consentChannels) {
          const wanted = body.get(channel) === 'on';
          const current = states.find((s) => s.channel === channel)?.status;
          // Never-given stays never-given when left unticked; only real changes are recorded.
          const status =
            wanted && current !== 'subscribed'
              ? 'subscribed'
              : !wanted && (current === 'subscribed' || current === 'pending')
                ? 'unsubscribed'
                : null;
          if (status === null) continue;
          await consent.update(
            link.workspaceId,
            link.profileId,
            {
              channel,
              status,
              source: 'preference-center',
              proof: proofOf(request, 'preference center'),
            },
            now,
          );
          if (status === 'subscribed') subscribed.add(channel);
          else subscribed.delete(channel);
        }
      }
      return sendPage(
        reply,
        preferencesPage({
          lang: language(link, request),
          store: await deps.storeName(link.workspaceId),
          subscribed,
          action: request.params.token,
          saved: submitted,
        }),
      );
    };
    scope.get('/preferences/:token', { schema: { hide: true } }, (request: TokenRequest, reply) =>
      preferences(request, reply, false),
    );
    scope.post(
      '/preferences/:token',
      { schema: { hide: true }, bodyLimit: FORM_BODY_LIMIT },
      (request: TokenRequest, reply) => preferences(request, reply, true),
    );

    // Double opt-in: the link was sent to the address being confirmed, so following it is
    // the confirmation. Already subscribed records nothing more.
    scope.get(
      '/confirm/:token',
      { schema: { hide: true } },
      async (request: TokenRequest, reply) => {
        const link = read('confirm', request, true);
        if (link === null || link.channel === null)
          return sendPage(reply, invalidLinkPage(language(null, request)));
        const channel = link.channel;
        if ((await statusOf(link, channel)) !== 'subscribed')
          await consent.update(
            link.workspaceId,
            link.profileId,
            {
              channel,
              status: 'subscribed',
              source: 'double-opt-in',
              proof: proofOf(request, 'double opt-in link'),
            },
            clock.now(),
          );
        return sendPage(
          reply,
          confirmedPage({
            lang: language(link, request),
            store: await deps.storeName(link.workspaceId),
            channel,
          }),
        );
      },
    );
  });
}

function messagingLinkOf(payload: Record<string, string>): MessagingLink | null {
  const { w, p, c, m, l } = payload;
  const id = (v: string | undefined) => v !== undefined && v !== '' && v.length <= MAX_ID;
  if (!id(w) || !id(p) || w === undefined || p === undefined) return null;
  const channel = c === undefined ? null : (oneOf(consentChannels, c) ?? null);
  if (c !== undefined && channel === null) return null;
  return {
    workspaceId: w,
    profileId: p,
    channel,
    messageId: id(m) && m !== undefined ? m : null,
    language: l !== undefined && l.length <= 35 ? l : undefined,
  };
}

/** A multipart one-click body reads as the urlencoded one would; any other body as empty. */
function multipartOneClick(body: string): URLSearchParams {
  const oneClick = /name="?List-Unsubscribe"?\s*\r?\n\r?\n\s*One-Click\s*\r?\n/i.test(body);
  return new URLSearchParams(oneClick ? 'List-Unsubscribe=One-Click' : '');
}

/**
 * The token is in the URL: no referrer may carry it elsewhere, no cache keep the page, no
 * search engine index it. The pages need no script and post only to themselves.
 */
function sendPage(reply: FastifyReply, page: Page) {
  return reply
    .code(page.status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-robots-tag', 'noindex')
    .header('x-content-type-options', 'nosniff')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    )
    .send(page.html);
}
