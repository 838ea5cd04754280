import { QuoteType, Tokenizer } from 'htmlparser2';
import { MAX_TOKEN_LENGTH, type LinkKind, type LinkSigner } from './signed-links.js';

/** Whose message the tracked links belong to; signed into every click and open token. */
export interface TrackingContext {
  workspaceId: string;
  /** Null for a message to a bare address: its clicks redirect but reach no timeline. */
  profileId: string | null;
  /** The outbox id (`msg_...`), chosen before rendering (NewMessage.id). */
  messageId: string;
  /** The campaign's name (a template or journey name); its slug becomes utm_campaign. */
  campaign: string | null;
}

/** A verified click token's content. */
export interface ClickLink {
  workspaceId: string;
  profileId: string | null;
  messageId: string;
  /** The target, UTM parameters included. */
  url: string;
}

/** A verified open token's content. */
export interface OpenLink {
  workspaceId: string;
  profileId: string | null;
  messageId: string;
}

/** Signed links we make ourselves: never wrapped (an unsubscribe must not count as a click). */
const OWN_LINK = /\/(unsubscribe|preferences|confirm|click|open)\/([A-Za-z0-9_.-]{1,600})$/;
const MAX_SLUG = 80;
const MAX_TARGET = 2048;

/**
 * Rewrites an email's HTML for click and open tracking: every `<a href="http(s)://...">`
 * becomes our signed `/click/<token>` (the target carries UTM parameters), and a 1x1 open
 * pixel goes before `</body>`. Everything else stays byte for byte as it was: the HTML is read
 * with htmlparser2's tokenizer for the positions of the href values, and only those ranges are
 * replaced, so text (Hebrew included), other attributes, comments and Outlook's conditional
 * blocks are untouched. Links inside comments (`<!--[if mso]>`) are not rewritten.
 *
 * A target too long for a token (the signer's 500-character bound) keeps its own address,
 * with the UTM parameters added: it still attributes the visit, without a recorded click.
 */
export function trackLinks(html: string, context: TrackingContext, signer: LinkSigner): string {
  const base = basePayload(context);
  const slug = context.campaign === null ? '' : campaignSlug(context.campaign);
  const edits: { start: number; end: number; text: string }[] = [];
  const { hrefs, bodyClose } = scan(html);
  // An email links to the same page more than once (a product's picture and its name): each
  // target's replacement is worked out once (null: left as it is).
  const replacements = new Map<string, string | null>();
  for (const href of hrefs) {
    const target = href.value.trim();
    let text = replacements.get(target);
    if (text === undefined) {
      text = replacementOf(target, base, slug, signer);
      replacements.set(target, text);
    }
    if (text !== null) edits.push({ start: href.start, end: href.end, text });
  }

  const pixel =
    `<img src="${escapeAttribute(signer.url('open', base))}" width="1" height="1" alt=""` +
    ` style="display:none">`;
  edits.push(
    bodyClose < 0
      ? { start: html.length, end: html.length, text: pixel }
      : { start: bodyClose, end: bodyClose, text: pixel },
  );

  edits.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const edit of edits) {
    out += html.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + html.slice(at);
}

/** A link target's tracked (or UTM-tagged) address, escaped; null when it is left alone. */
function replacementOf(
  target: string,
  base: Record<string, string>,
  slug: string,
  signer: LinkSigner,
): string | null {
  if (!isWebUrl(target) || isOwnLink(target, signer)) return null;
  const tagged = withUtm(target, slug);
  const payload = { ...base, u: tagged };
  return escapeAttribute(fitsToken(payload) ? signer.url('click', payload) : tagged);
}

/** Reads a click token's payload (from LinkSigner.verify); null when it is not one of ours. */
export function clickLinkOf(payload: Record<string, string> | null): ClickLink | null {
  if (payload === null) return null;
  const opened = openLinkOf(payload);
  const url = payload.u;
  if (opened === null || url === undefined || !isWebUrl(url)) return null;
  return { ...opened, url };
}

/** Reads an open token's payload (from LinkSigner.verify); null when it is not one of ours. */
export function openLinkOf(payload: Record<string, string> | null): OpenLink | null {
  if (payload === null) return null;
  const { w, p, m } = payload;
  if (w === undefined || m === undefined || w === '' || m === '') return null;
  return { workspaceId: w, profileId: p === undefined || p === '' ? null : p, messageId: m };
}

/**
 * `target` with utm_source=comeback, utm_medium=email and utm_campaign=<slug> appended to its
 * query; a utm_* parameter the link already has is kept as the marketer set it. The rest of
 * the URL (its own query encoding, its fragment) is not re-serialised.
 */
export function withUtm(target: string, slug: string): string {
  const hashAt = target.indexOf('#');
  const beforeHash = hashAt < 0 ? target : target.slice(0, hashAt);
  const hash = hashAt < 0 ? '' : target.slice(hashAt);
  const queryAt = beforeHash.indexOf('?');
  const existing = new URLSearchParams(queryAt < 0 ? '' : beforeHash.slice(queryAt + 1));
  const wanted: [string, string][] = [
    ['utm_source', 'comeback'],
    ['utm_medium', 'email'],
    ...(slug === '' ? [] : [['utm_campaign', slug] satisfies [string, string]]),
  ];
  const added = wanted.filter(([key]) => !existing.has(key));
  if (added.length === 0) return target;
  const query = added.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  const separator = queryAt < 0 ? '?' : /[?&]$/.test(beforeHash) ? '' : '&';
  return `${beforeHash}${separator}${query}${hash}`;
}

/** `Welcome 1: Our Story` -> `welcome-1-our-story`; letters of any script are kept. */
export function campaignSlug(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG)
    .replace(/-+$/, '');
}

function basePayload(context: TrackingContext): Record<string, string> {
  return {
    w: context.workspaceId,
    ...(context.profileId !== null ? { p: context.profileId } : {}),
    m: context.messageId,
  };
}

/** What LinkSigner.sign would make, measured first so an over-long target is not an error. */
function fitsToken(payload: Record<string, string>): boolean {
  const bodyLength = Math.ceil((Buffer.byteLength(JSON.stringify(payload), 'utf8') * 4) / 3);
  return bodyLength + 1 + 43 <= MAX_TOKEN_LENGTH;
}

function isWebUrl(value: string): boolean {
  if (value.length > MAX_TARGET || !/^https?:\/\//i.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function isOwnLink(target: string, signer: LinkSigner): boolean {
  const path = target.replace(/[?#].*$/s, '');
  const match = OWN_LINK.exec(path);
  if (!match?.[1] || !match[2]) return false;
  const kind = linkKindOf(match[1]);
  return kind !== null && signer.verify(kind, match[2]) !== null;
}

function linkKindOf(name: string): LinkKind | null {
  switch (name) {
    case 'unsubscribe':
    case 'preferences':
    case 'confirm':
    case 'click':
    case 'open':
      return name;
    default:
      return null;
  }
}

/** For a value inside quotes or unquoted: what could end or change it is escaped. */
function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

export interface HrefValue {
  /** The raw value's range in the HTML (inside the quotes, if any). */
  start: number;
  end: number;
  /** The value with character references decoded, as a browser reads it. */
  value: string;
}

const ignore = () => undefined;
/** The tokenizer's callbacks neither scan needs: text, CDATA, comments and the like. */
const IGNORED = {
  ontext: ignore,
  ontextentity: ignore,
  oncdata: ignore,
  oncomment: ignore,
  ondeclaration: ignore,
  onprocessinginstruction: ignore,
  onend: ignore,
};

/**
 * The first href of each `<a>` start tag, with the exact range of its raw value, and where the
 * last `</body>` begins (-1 when there is none).
 *
 * The tokenizer runs without decoding character references: decoding them made it read every
 * character of the text one by one, where otherwise it skips to the next `<` (most of an
 * email's HTML is text, CSS and attribute values). References never change where a tag or a
 * value begins or ends, so the ranges are the same; the few href values holding one are
 * decoded on their own, by the same tokenizer (see decodedAttribute).
 */
export function scan(html: string): { hrefs: HrefValue[]; bodyClose: number } {
  const found: HrefValue[] = [];
  let bodyClose = -1;
  let tag = '';
  let attribute = '';
  let attributeNameEnd = -1;
  let value = '';
  let sawHref = false;
  const tokenizer = new Tokenizer(
    { decodeEntities: false },
    {
      onopentagname(start, end) {
        tag = end - start === 1 ? html.charAt(start).toLowerCase() : '';
        sawHref = false;
      },
      onattribname(start, end) {
        attribute = end - start === 4 ? html.slice(start, end).toLowerCase() : '';
        attributeNameEnd = end;
        value = '';
      },
      onattribdata(start, end) {
        if (tag === 'a' && attribute === 'href' && !sawHref) value += html.slice(start, end);
      },
      onattribentity: ignore,
      onattribend(quote, end) {
        if (tag !== 'a' || attribute !== 'href' || sawHref) return;
        sawHref = true; // a browser uses an element's first href only
        if (quote === QuoteType.NoValue) return;
        const start = valueStart(html, attributeNameEnd);
        const valueEnd = quote === QuoteType.Unquoted ? end : end - 1;
        if (start >= 0 && start <= valueEnd)
          found.push({
            start,
            end: valueEnd,
            value: value.includes('&') ? decodedAttribute(value, quote, html.charAt(end)) : value,
          });
      },
      onopentagend() {
        tag = '';
      },
      onselfclosingtag() {
        tag = '';
      },
      onclosetag(start, end) {
        if (end - start === 4 && html.slice(start, end).toLowerCase() === 'body')
          bodyClose = html.lastIndexOf('<', start);
      },
      ...IGNORED,
    },
  );
  tokenizer.write(html);
  tokenizer.end();
  return { hrefs: found, bodyClose };
}

/**
 * An attribute's raw value with its character references decoded as a browser reads them:
 * the value alone, in the quotes it had (or before the character that ended it), read by the
 * tokenizer that decodes, so the decoding is the tokenizer's own.
 */
function decodedAttribute(raw: string, quote: QuoteType, ender: string): string {
  const source =
    quote === QuoteType.Double
      ? `<a href="${raw}">`
      : quote === QuoteType.Single
        ? `<a href='${raw}'>`
        : `<a href=${raw}${ender === '' ? '>' : ender}>`;
  let decoded = '';
  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      onattribdata(start, end) {
        decoded += source.slice(start, end);
      },
      onattribentity(codepoint) {
        decoded += String.fromCodePoint(codepoint);
      },
      onopentagname: ignore,
      onattribname: ignore,
      onattribend: ignore,
      onopentagend: ignore,
      onselfclosingtag: ignore,
      onclosetag: ignore,
      ...IGNORED,
    },
  );
  tokenizer.write(source);
  tokenizer.end();
  return decoded;
}

/**
 * Where an attribute's value begins: after its name, optional spaces, `=`, optional spaces
 * and an opening quote (the tokenizer's own grammar); -1 if the text is not shaped so.
 */
function valueStart(html: string, nameEnd: number): number {
  let i = nameEnd;
  while (i < html.length && /\s/.test(html.charAt(i))) i++;
  if (html.charAt(i) !== '=') return -1;
  i++;
  while (i < html.length && /\s/.test(html.charAt(i))) i++;
  const c = html.charAt(i);
  return c === '"' || c === "'" ? i + 1 : i;
}
