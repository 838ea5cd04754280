import { SystemClock, type Clock } from '../../platform/clock.js';
import { isRecord } from '../../platform/json.js';
import type { Channel, OutgoingMessage, SendOutcome } from './channel.js';

export interface TwilioSmsChannelOptions {
  /** `AC` + 32 hex. */
  accountSid: string;
  authToken: string;
  /** The sender: a `+E.164` number, or a Messaging Service SID (`MG` + 32 hex). */
  from: string;
  /** `https://api.twilio.com` (a local peer in tests). */
  apiUrl: string;
  /**
   * Where Twilio reports the message's delivery (it carries the outbox id, so the report finds
   * the message); null for no report.
   */
  statusCallbackUrl?: (m: OutgoingMessage) => string | null;
  fetch?: typeof fetch;
  /** Reads an HTTP-date Retry-After; the system clock when absent. */
  clock?: Clock;
}

/** Twilio refuses longer bodies (error 21617). */
export const MAX_SMS_BODY = 1600;
const MAX_REASON = 1000;
/** Well inside the sender's 60 s lease: a call is over before another sender may take it. */
const REQUEST_TIMEOUT_MS = 30_000;
const E164 = /^\+[1-9][0-9]{6,14}$/;
const MESSAGE_SID = /^(SM|MM)[0-9a-f]{32}$/;

/** Error codes that say the number itself cannot take SMS: stop sending to it. */
const SUPPRESS_CODES = new Set([
  21211, // invalid 'To' phone number
  21614, // 'To' is not a valid mobile number
  21610, // the recipient replied STOP to this sender
]);
/** Error codes no retry can fix, although the number may be fine. */
const PERMANENT_CODES = new Set([
  21408, // sending to this region is not enabled on the account
  21606, // the 'From' number cannot send SMS
  21612, // no route between 'From' and 'To'
  21617, // body over 1600 characters
]);

const clip = (s: string) => (s.length > MAX_REASON ? `${s.slice(0, MAX_REASON)}…` : s);
const permanent = (reason: string, suppress = false): SendOutcome => ({
  ok: false,
  permanent: true,
  reason: clip(reason),
  ...(suppress ? { suppress: true } : {}),
});
const transient = (reason: string, retryAfterMs?: number): SendOutcome => ({
  ok: false,
  permanent: false,
  reason: clip(reason),
  ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
});

/** Retry-After in seconds or as an HTTP-date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d{1,9}$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Twilio's JSON error `{code, message, more_info, status}`, read by checking. */
function twilioErrorOf(body: unknown): { code: number | undefined; message: string } {
  if (!isRecord(body)) return { code: undefined, message: '' };
  const code =
    typeof body.code === 'number' && Number.isSafeInteger(body.code) ? body.code : undefined;
  const message = typeof body.message === 'string' ? body.message.slice(0, 500) : '';
  return { code, message };
}

/** Maps a refused Messages API call to the outbox's terms. */
export function outcomeOfTwilioError(
  status: number,
  body: unknown,
  retryAfter: number | undefined,
): SendOutcome {
  const { code, message } = twilioErrorOf(body);
  const reason = `twilio ${status}${code !== undefined ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
  if (status === 429 || code === 20429) return transient(reason, retryAfter);
  if (code !== undefined && SUPPRESS_CODES.has(code)) return permanent(reason, true);
  if (code !== undefined && PERMANENT_CODES.has(code)) return permanent(reason);
  // Wrong credentials (20003) are a configuration fault the operator can fix: the message
  // waits (and is given up after the sender's attempts) rather than failing at once.
  if (status === 401 || status === 403 || status >= 500) return transient(reason, retryAfter);
  return permanent(reason);
}

/**
 * SMS through Twilio's Messages API. Twilio has no idempotency key for Messages: a message
 * resent after a sender died mid-call may reach the phone twice, and nothing at Twilio ties the
 * two. What ties a Twilio message to its outbox row is the StatusCallback URL, which carries the
 * outbox id, so delivery reports find the message whichever send they belong to.
 */
export class TwilioSmsChannel implements Channel {
  readonly kind = 'sms' as const;
  readonly provider = 'twilio';
  readonly #options: TwilioSmsChannelOptions;
  readonly #endpoint: string;
  readonly #authorization: string;
  readonly #fetch: typeof fetch;
  readonly #clock: Clock;

  constructor(options: TwilioSmsChannelOptions) {
    if (!/^AC[0-9a-fA-F]{32}$/.test(options.accountSid))
      throw new Error('the Twilio account SID must be AC + 32 hex');
    if (options.authToken === '') throw new Error('the Twilio auth token is empty');
    if (!E164.test(options.from) && !/^MG[0-9a-fA-F]{32}$/.test(options.from))
      throw new Error('the Twilio sender must be +E.164 or a Messaging Service SID (MG...)');
    if (!/^https?:\/\/[^\s]+$/.test(options.apiUrl))
      throw new Error('the Twilio API URL must be an http(s) URL');
    this.#options = options;
    this.#endpoint = `${options.apiUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${options.accountSid}/Messages.json`;
    this.#authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
    this.#fetch = options.fetch ?? fetch;
    this.#clock = options.clock ?? new SystemClock();
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    if (!E164.test(message.to))
      return permanent(`not an E.164 phone number: ${JSON.stringify(message.to.slice(0, 40))}`);
    if (message.text.trim() === '') return permanent('the SMS body is empty');
    const length = [...message.text].length;
    if (length > MAX_SMS_BODY)
      return permanent(
        `the SMS body has ${length} characters; Twilio takes at most ${MAX_SMS_BODY}`,
      );
    const form = new URLSearchParams({ To: message.to });
    if (this.#options.from.startsWith('MG')) form.set('MessagingServiceSid', this.#options.from);
    else form.set('From', this.#options.from);
    form.set('Body', message.text);
    const callback = this.#options.statusCallbackUrl?.(message) ?? null;
    if (callback !== null) form.set('StatusCallback', callback);

    let response: Response;
    try {
      response = await this.#fetch(this.#endpoint, {
        method: 'POST',
        headers: {
          authorization: this.#authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      return transient(
        `twilio request failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const body = await readJson(response);
    if (response.ok) {
      const sid = isRecord(body) && typeof body.sid === 'string' ? body.sid : '';
      // Accepted is accepted: sending again would text the person twice, so an unreadable
      // answer still counts as sent (its delivery report names the real SID).
      return { ok: true, providerMessageId: MESSAGE_SID.test(sid) ? sid : 'twilio-unreadable-sid' };
    }
    return outcomeOfTwilioError(
      response.status,
      body,
      retryAfterMs(response.headers.get('retry-after'), this.#clock.now()),
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The answer's JSON, at most 64 KB of it; undefined when it is not JSON. */
async function readJson(response: Response): Promise<unknown> {
  try {
    const text = await response.text();
    return text.length > 65_536 ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}
