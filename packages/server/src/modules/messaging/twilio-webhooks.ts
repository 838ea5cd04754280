import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ConsentStatus } from '@comeback/contracts';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/database.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import type { ConsentService, SuppressionReason } from './consent-service.js';
import type { Outbox } from './outbox.js';
import type { TimelineRecorder } from './timeline.js';

/** The form fields Twilio posts, as parsed by the route (or built by a test). */
export type TwilioParams = URLSearchParams | Readonly<Record<string, string>>;

/**
 * Twilio's request signature (`X-Twilio-Signature`): base64 HMAC-SHA1, keyed with the auth
 * token, of the full URL Twilio called followed by every POST parameter, sorted by name, as
 * name + value. Compared in constant time.
 */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  const pairs = params instanceof URLSearchParams ? [...params] : Object.entries(params);
  // Code-unit order, as Twilio's helper libraries sort (not locale order).
  pairs.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  const hmac = createHmac('sha1', authToken).update(url, 'utf8');
  for (const [key, value] of pairs) hmac.update(key + value, 'utf8');
  return hmac.digest('base64');
}

export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: TwilioParams,
  signature: string | undefined,
): boolean {
  if (signature === undefined || signature.length === 0 || signature.length > 100) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export type SmsKeyword = 'stop' | 'start' | 'help';

/**
 * Twilio's default keywords (whole message, any case, spaces around ignored), plus Hebrew
 * "remove" for the stores this serves. Twilio also counts REVOKE and OPTOUT as opt-outs.
 */
const KEYWORDS: ReadonlyMap<string, SmsKeyword> = new Map([
  ...[
    'STOP',
    'STOPALL',
    'UNSUBSCRIBE',
    'CANCEL',
    'END',
    'QUIT',
    'REVOKE',
    'OPTOUT',
    'הסר',
    'הסרה',
  ].map((k) => [k, 'stop'] as const),
  ...['START', 'YES', 'UNSTOP'].map((k) => [k, 'start'] as const),
  ...['HELP', 'INFO'].map((k) => [k, 'help'] as const),
]);

export function keywordOf(body: string): SmsKeyword | null {
  return KEYWORDS.get(body.trim().toUpperCase()) ?? null;
}

export function helpText(store: string): string {
  return `${store}: reply STOP (or הסר) to stop receiving our texts, START to receive them again.`;
}

export interface TwilioInboundDeps {
  consent: ConsentService;
  outbox: Outbox;
  timeline: TimelineRecorder;
  storeName: (workspaceId: string) => Promise<string>;
  clock: Clock;
  database: Database;
}

export type InboundOutcome = { keyword: SmsKeyword | null; reply: string | null };
export type StatusOutcome = { outcome: 'delivered' | 'failed' | 'ignored' };

const MAX_BODY = 1600;
const SID = /^(SM|MM)[0-9a-fA-F]{32}$/;
const PHONE = /^\+[0-9]{6,15}$/;
/** Failures that say the number cannot take SMS at all: unreachable, unknown, landline. */
const SUPPRESSING_ERRORS: ReadonlyMap<string, SuppressionReason> = new Map([
  ['30003', 'hard_bounce'],
  ['30005', 'invalid_address'],
  ['30006', 'invalid_address'],
]);
/** Suppressions a START lifts: the person just proved the number takes SMS. Manual ones stay. */
const LIFTED_BY_START: SuppressionReason[] = ['hard_bounce', 'invalid_address'];

/** One field; a plain object is read by its own keys only (never its prototype's). */
function field(params: TwilioParams, name: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(name) ?? undefined;
  return Object.hasOwn(params, name) ? params[name] : undefined;
}

/**
 * What Twilio tells us: messages people text to the store's number (STOP/START/HELP change or
 * explain their SMS consent) and delivery reports of the texts we sent. Each is recorded once
 * however often Twilio repeats it: timeline ids derive from the MessageSid, and a consent or
 * status already in place is not written again.
 */
export class TwilioInbound {
  readonly #deps: TwilioInboundDeps;
  constructor(deps: TwilioInboundDeps) {
    this.#deps = deps;
  }

  async workspaceExists(workspaceId: string): Promise<boolean> {
    const row = await this.#deps.database.db
      .selectFrom('workspaces')
      .select('id')
      .where('id', '=', workspaceId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** A text someone sent to the store's number. */
  async received(workspaceId: string, params: TwilioParams): Promise<Result<InboundOutcome>> {
    const { consent, clock } = this.#deps;
    const sid = field(params, 'MessageSid') ?? '';
    if (!SID.test(sid)) return invalid('MessageSid', 'must be SM or MM + 32 hex');
    const from = consent.normaliseAddress('sms', field(params, 'From') ?? '');
    // Short codes and alphanumeric senders name no person whose consent could change.
    if (!PHONE.test(from)) return ok({ keyword: null, reply: null });
    const body = (field(params, 'Body') ?? '').slice(0, MAX_BODY);
    const keyword = keywordOf(body);
    const now = clock.now();
    const holders = await this.#phoneHolders(workspaceId, from);
    if (keyword === 'stop' || keyword === 'start') {
      const status: ConsentStatus = keyword === 'stop' ? 'unsubscribed' : 'subscribed';
      const to = field(params, 'To') ?? '';
      for (const profileId of holders) {
        const current = (await consent.get(workspaceId, profileId)).find(
          (s) => s.channel === 'sms',
        );
        // Twilio repeats a webhook it got no answer to: only the first one is a change.
        if (current?.status === status) continue;
        await consent.update(
          workspaceId,
          profileId,
          {
            channel: 'sms',
            status,
            source: 'sms-keyword',
            proof: { text: body, form: `SMS ${sid} from ${from} to ${to.slice(0, 40)}` },
          },
          now,
        );
      }
      if (keyword === 'start') await this.#liftSuppression(workspaceId, from);
    }
    await this.#deps.timeline({
      workspaceId,
      ...(holders.length === 1 ? { profileId: holders[0] } : { identity: { phone: from } }),
      event: 'SMS Received',
      properties: { body, from },
      messageId: `twilio-sms:${sid}`,
      at: now,
    });
    const reply = keyword === 'help' ? helpText(await this.#deps.storeName(workspaceId)) : null;
    return ok({ keyword, reply });
  }

  /** A delivery report for the outbox message `messageId` (its StatusCallback URL). */
  async statusReported(
    workspaceId: string,
    messageId: string,
    params: TwilioParams,
  ): Promise<Result<StatusOutcome>> {
    const { outbox, consent, clock } = this.#deps;
    const sid = field(params, 'MessageSid') ?? '';
    if (!SID.test(sid)) return invalid('MessageSid', 'must be SM or MM + 32 hex');
    const status = field(params, 'MessageStatus') ?? '';
    const failed = status === 'undelivered' || status === 'failed';
    // queued, sent, sending, accepted...: steps on the way, not outcomes.
    if (status !== 'delivered' && !failed) return ok({ outcome: 'ignored' });
    const message = await outbox.get(workspaceId, messageId);
    if (message === null || message.channel !== 'sms') return ok({ outcome: 'ignored' });
    const now = clock.now();
    const errorCode = (field(params, 'ErrorCode') ?? '').slice(0, 10);
    const detail = failed ? `twilio ${status}${errorCode ? ` ${errorCode}` : ''}` : null;
    const recorded = failed ? 'bounced' : 'delivered';
    // A repeated report finds its status in place; recording it again would add history.
    if (message.status !== recorded)
      await outbox.recordStatus(workspaceId, messageId, recorded, detail, now);
    const suppression = failed ? SUPPRESSING_ERRORS.get(errorCode) : undefined;
    if (suppression !== undefined)
      await consent.suppress(workspaceId, 'sms', message.to, suppression, detail, now);
    await this.#deps.timeline({
      workspaceId,
      ...(message.profileId !== null
        ? { profileId: message.profileId }
        : { identity: { phone: message.to } }),
      event: failed ? 'SMS Failed' : 'SMS Delivered',
      properties: {
        messageId,
        providerMessageId: sid,
        ...(failed ? { status, errorCode: errorCode === '' ? null : errorCode } : {}),
      },
      messageId: `twilio-status:${sid}:${status}`,
      at: now,
    });
    return ok({ outcome: failed ? 'failed' : 'delivered' });
  }

  async #phoneHolders(workspaceId: string, phone: string): Promise<string[]> {
    const rows = await this.#deps.database.db
      .selectFrom('identifiers')
      .select('profile_id')
      .where('workspace_id', '=', workspaceId)
      .where('kind', '=', 'phone')
      .where('value', '=', phone)
      .execute();
    return [...new Set(rows.map((r) => r.profile_id))];
  }

  async #liftSuppression(workspaceId: string, phone: string): Promise<void> {
    await this.#deps.database.db
      .deleteFrom('suppressions')
      .where('workspace_id', '=', workspaceId)
      .where('channel', '=', 'sms')
      .where('address', '=', phone)
      .where('reason', 'in', LIFTED_BY_START)
      .execute();
  }
}

const invalid = (name: string, problem: string) =>
  fail('validation_failed', `${name}: ${problem}`, [{ field: `body.${name}`, message: problem }]);
