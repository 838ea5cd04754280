import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Links in messages that act without a login: the token is the authority, so it is signed with
 * a key derived from the instance secret. Each kind has its own key, so a click-tracking token
 * can never be replayed as an unsubscribe (or the other way round).
 */
export const linkKinds = [
  'unsubscribe',
  'preferences',
  'confirm',
  'click',
  'open',
  'client',
] as const;
export type LinkKind = (typeof linkKinds)[number];

/**
 * A link's signed content. Messaging links use `w` (workspace id), `p` (profile id), `c`
 * (channel), and optionally `m` (message id) and `l` (language tag).
 */
export type LinkPayload = Record<string, string>;

/** Where each kind of link is answered (the routes are in http/routes/preference-routes.ts). */
const pathOf: Record<LinkKind, string> = {
  unsubscribe: 'unsubscribe',
  preferences: 'preferences',
  confirm: 'confirm',
  click: 'click',
  open: 'open',
  client: 'client',
};

/**
 * Longest token accepted. Messaging payloads make tokens of about 250 characters; the bound
 * keeps a hostile URL from costing a hash over megabytes, and stays within the router's
 * 512-character limit on a path segment.
 */
export const MAX_TOKEN_LENGTH = 500;
/** More keys than any link needs: a caller's bug when signing, a forgery when verifying. */
const MAX_PAYLOAD_KEYS = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const SIGNATURE_BYTES = 32;

export class LinkSigner {
  readonly #keys: ReadonlyMap<LinkKind, Buffer>;
  readonly #baseUrl: string;

  constructor(instanceSecret: string, baseUrl: string) {
    if (instanceSecret.length < 16) throw new Error('the link-signing secret is too short');
    // One key per kind, derived so the instance secret itself never signs anything directly.
    this.#keys = new Map(
      linkKinds.map((kind) => [
        kind,
        createHmac('sha256', instanceSecret).update(`comeback/links/v1/${kind}`).digest(),
      ]),
    );
    this.#baseUrl = baseUrl.replace(/\/+$/, '');
  }

  sign(kind: LinkKind, payload: LinkPayload): string {
    const entries = Object.entries(payload);
    if (entries.length > MAX_PAYLOAD_KEYS) throw new Error('a link payload has too many keys');
    for (const [key, value] of entries)
      if (typeof value !== 'string') throw new Error(`link payload ${key} is not a string`);
    const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    const token = `${body}.${this.#mac(kind, body).toString('base64url')}`;
    if (token.length > MAX_TOKEN_LENGTH) throw new Error('a link payload is too long to sign');
    return token;
  }

  /**
   * The payload of a token signed for `kind`, or null for anything else: another kind's token,
   * a changed byte, an over-long or malformed token. The payload is a null-prototype object
   * of strings, so no key it holds can reach a prototype.
   */
  verify(kind: LinkKind, token: string): LinkPayload | null {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return null;
    const dot = token.indexOf('.');
    if (dot <= 0 || dot !== token.lastIndexOf('.')) return null;
    const body = token.slice(0, dot);
    const signature = token.slice(dot + 1);
    if (!BASE64URL.test(body) || !BASE64URL.test(signature)) return null;
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== SIGNATURE_BYTES) return null;
    if (!timingSafeEqual(given, this.#mac(kind, body))) return null;
    return parsePayload(Buffer.from(body, 'base64url').toString('utf8'));
  }

  /** The absolute URL of a signed link: `${baseUrl}/unsubscribe/<token>` and so on. */
  url(kind: LinkKind, payload: LinkPayload): string {
    return `${this.#baseUrl}/${pathOf[kind]}/${this.sign(kind, payload)}`;
  }

  #mac(kind: LinkKind, body: string): Buffer {
    const key = this.#keys.get(kind);
    if (key === undefined) throw new Error(`unknown link kind ${String(kind)}`);
    return createHmac('sha256', key).update(body).digest();
  }
}

/** Signed by us, so well-formed in practice; still read defensively (a leaked key, a bug). */
function parsePayload(text: string): LinkPayload | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const payload: LinkPayload = {};
  // Without a prototype, even a key named `__proto__` is an ordinary own key.
  Object.setPrototypeOf(payload, null);
  const entries = Object.entries(parsed);
  if (entries.length > MAX_PAYLOAD_KEYS) return null;
  for (const [key, value] of entries) {
    if (typeof value !== 'string') return null;
    payload[key] = value;
  }
  return payload;
}
