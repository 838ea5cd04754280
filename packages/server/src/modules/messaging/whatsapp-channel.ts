import type { Clock } from '../../platform/clock.js';
import { isRecord } from '../../platform/json.js';
import type { Channel, OutgoingMessage, SendOutcome } from './channel.js';
import type { ConversationWindows } from './conversation-windows.js';

export interface WhatsAppChannelOptions {
  /** A system-user access token of the WhatsApp Business Account (sent as Bearer). */
  accessToken: string;
  /** The business phone number's id (not the number itself). */
  phoneNumberId: string;
  /** The Graph API base with its version: `https://graph.facebook.com/v21.0`. */
  apiUrl: string;
  windows: ConversationWindows;
  fetch?: typeof fetch;
  clock: Clock;
  /** How long one call may take before it counts as a transient failure (default 15 s). */
  timeoutMs?: number;
}

export const OUTSIDE_WINDOW_REASON =
  "outside WhatsApp's 24-hour customer-service window and the template has no approved " +
  'WhatsApp template';

/** Meta's limit on a text message body. */
const MAX_TEXT = 4096;
const MAX_TEMPLATE_PARAMETERS = 100;
const MAX_PARAMETER = 1024;
const MAX_REASON = 1000;
/** WhatsApp's `to`: a phone number with its country code, digits only. */
const RECIPIENT = /^[1-9]\d{5,14}$/;
const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;
const LANGUAGE_CODE = /^[a-z]{2,3}(_[A-Za-z0-9]{2,8})?$/;

/** Template problems: the template is missing, paused, disabled or its parameters do not fit. */
const isTemplateError = (code: number) => code >= 132000 && code < 133000;
/** Throughput (130429), pair rate (131056) and spam rate (131048) limits: wait and retry. */
const RATE_LIMITS = new Set([130429, 131048, 131056]);
/** Graph API auth failures: the token is expired or lacks permission, until someone fixes it. */
const AUTH_ERRORS = new Set([0, 10, 190]);
/**
 * 131026 (undeliverable) can be temporary (an outdated client, terms not yet accepted);
 * 131000 and 1/2 are Meta's own trouble.
 */
const TRANSIENT_ERRORS = new Set([1, 2, 131000, 131026]);

const clip = (s: string) => (s.length > MAX_REASON ? `${s.slice(0, MAX_REASON)}…` : s);
const permanent = (reason: string): SendOutcome => ({
  ok: false,
  permanent: true,
  reason: clip(reason),
});
const transient = (reason: string, retryAfterMs?: number): SendOutcome => ({
  ok: false,
  permanent: false,
  reason: clip(reason),
  ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
});

interface WhatsAppTemplate {
  name: string;
  language: string;
  parameters: string[];
}

/** `extra.whatsapp` as MessagingService puts it, checked; a string says what is wrong. */
export function templateOf(extra: Record<string, unknown>): WhatsAppTemplate | null | string {
  const given = extra.whatsapp;
  if (given === undefined || given === null) return null;
  if (!isRecord(given)) return 'extra.whatsapp must be an object';
  const { name, language, parameters = [] } = given;
  if (typeof name !== 'string' || !TEMPLATE_NAME.test(name))
    return 'extra.whatsapp.name must be a template name (lower case, digits, underscores)';
  if (typeof language !== 'string' || !LANGUAGE_CODE.test(language))
    return 'extra.whatsapp.language must be a language code such as en_US or he';
  if (!Array.isArray(parameters) || parameters.length > MAX_TEMPLATE_PARAMETERS)
    return `extra.whatsapp.parameters must be a list of at most ${MAX_TEMPLATE_PARAMETERS}`;
  const texts: string[] = [];
  for (const p of parameters) {
    if (typeof p !== 'string' || p.length === 0 || p.length > MAX_PARAMETER)
      return `extra.whatsapp.parameters must be texts of 1 to ${MAX_PARAMETER} characters`;
    texts.push(p);
  }
  return { name, language, parameters: texts };
}

/** Retry-After in seconds (what Graph sends when it sends one), as ms. */
function retryAfterOf(response: Response): number | undefined {
  const header = response.headers.get('retry-after');
  if (header === null || !/^\d{1,6}$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}

/** The Graph API error object, read by checking rather than casting. */
function graphErrorOf(body: unknown): { code: number | null; message: string; details: string } {
  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  const data = isRecord(error.error_data) ? error.error_data : {};
  return {
    code: typeof error.code === 'number' && Number.isInteger(error.code) ? error.code : null,
    message: typeof error.message === 'string' ? error.message : '',
    details: typeof data.details === 'string' ? data.details : '',
  };
}

/** Maps a Cloud API error answer to the outbox's terms: give up, or try again later. */
export function outcomeOfGraphError(status: number, body: unknown, retryAfterMs?: number) {
  const e = graphErrorOf(body);
  const reason = `whatsapp ${e.code ?? `http ${status}`}: ${e.message}${
    e.details !== '' && !e.message.includes(e.details) ? ` (${e.details})` : ''
  }`.trim();
  if (status === 429 || (e.code !== null && RATE_LIMITS.has(e.code)))
    return transient(reason, retryAfterMs);
  if (e.code !== null && isTemplateError(e.code)) return permanent(reason);
  // Re-engagement: the person has not written for 24 hours by Meta's count; only a template
  // may go, and this message was sent as free-form text.
  if (e.code === 131047) return permanent(reason);
  if (status === 401 || (e.code !== null && AUTH_ERRORS.has(e.code)))
    return transient(`${reason} (check the WhatsApp access token)`, retryAfterMs);
  if (e.code !== null && TRANSIENT_ERRORS.has(e.code)) return transient(reason, retryAfterMs);
  if (status >= 500) return transient(reason, retryAfterMs);
  // 100 (invalid parameter) and other refusals of this request: sending it again cannot help.
  return permanent(reason);
}

/**
 * WhatsApp through Meta's Cloud API (`POST /{phone-number-id}/messages`). Inside the 24-hour
 * customer-service window it sends the message text; outside it, the approved template the
 * message carries in `extra.whatsapp`, and without one it refuses before calling Meta.
 *
 * The Cloud API has no idempotency key: a resend after a crash is a second message. The outbox
 * id goes in `biz_opaque_callback_data`, which Meta echoes in status webhooks, so a receiver
 * (and the status webhook) can tell which outbox message a wamid belongs to.
 */
export class WhatsAppChannel implements Channel {
  readonly kind = 'whatsapp' as const;
  readonly provider = 'meta';
  readonly #options: WhatsAppChannelOptions;
  readonly #fetch: typeof fetch;
  readonly #url: string;

  constructor(options: WhatsAppChannelOptions) {
    if (!/^\d{1,64}$/.test(options.phoneNumberId))
      throw new Error('the WhatsApp phone number id is digits');
    this.#options = options;
    this.#fetch = options.fetch ?? fetch;
    this.#url = `${options.apiUrl.replace(/\/+$/, '')}/${options.phoneNumberId}/messages`;
  }

  async send(m: OutgoingMessage): Promise<SendOutcome> {
    const to = m.to.trim().replace(/^\+/, '');
    if (!RECIPIENT.test(to))
      return permanent(`not a phone number with a country code: ${JSON.stringify(m.to)}`);
    const open = await this.#options.windows.isOpen(
      m.workspaceId,
      'whatsapp',
      to,
      this.#options.clock.now(),
    );
    const content = open ? this.#text(m) : this.#template(m);
    if (typeof content === 'string') return permanent(content);
    const body = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to,
      biz_opaque_callback_data: m.id,
      ...content,
    };
    return this.#post(body);
  }

  #text(m: OutgoingMessage) {
    if (m.text.trim() === '') return 'the WhatsApp message has no text';
    if (m.text.length > MAX_TEXT)
      return `the WhatsApp text is ${m.text.length} characters; at most ${MAX_TEXT}`;
    return { type: 'text', text: { body: m.text } };
  }

  #template(m: OutgoingMessage) {
    const template = templateOf(m.extra);
    if (template === null) return OUTSIDE_WINDOW_REASON;
    if (typeof template === 'string') return template;
    const parameters = template.parameters.map((text) => ({ type: 'text', text }));
    return {
      type: 'template',
      template: {
        name: template.name,
        language: { code: template.language },
        ...(parameters.length > 0 ? { components: [{ type: 'body', parameters }] } : {}),
      },
    };
  }

  async #post(body: Record<string, unknown>): Promise<SendOutcome> {
    let response: Response;
    let answer: unknown;
    try {
      response = await this.#fetch(this.#url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.#options.accessToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 15_000),
      });
      const text = await response.text();
      try {
        answer = JSON.parse(text);
      } catch {
        answer = null;
      }
    } catch (error) {
      return transient(`whatsapp: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!response.ok) return outcomeOfGraphError(response.status, answer, retryAfterOf(response));
    const messages = isRecord(answer) && Array.isArray(answer.messages) ? answer.messages : [];
    const first: unknown = messages[0];
    const id = isRecord(first) && typeof first.id === 'string' ? first.id : '';
    // Meta took the request but said nothing we can track; sending again may duplicate it,
    // which is the lesser harm than never sending.
    if (id === '' || id.length > 200)
      return transient(`whatsapp: HTTP ${response.status} without a message id`);
    return { ok: true, providerMessageId: id };
  }

  async close(): Promise<void> {}
}
