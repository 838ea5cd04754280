import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Database } from '../../platform/db/database.js';
import { isRecord } from '../../platform/json.js';
import type { ConsentService } from './consent-service.js';
import { phoneAddress, type ConversationWindows } from './conversation-windows.js';
import type { Outbox } from './outbox.js';
import type { TimelineRecorder } from './timeline.js';

/** A message a person sent to the business number. */
export interface WhatsAppInbound {
  wamid: string;
  /** `+` and the sender's digits (their `wa_id`). */
  from: string;
  /** When they sent it (epoch ms), never later than when we heard of it. */
  at: number;
  type: string;
  /** The text of a `text` message; null for other types. */
  text: string | null;
}

export const trackedStatuses = ['sent', 'delivered', 'read', 'failed'] as const;
export type WhatsAppStatus = (typeof trackedStatuses)[number];

/** What Meta says became of a message we sent. */
export interface WhatsAppStatusUpdate {
  wamid: string;
  status: WhatsAppStatus;
  /** `+` and the recipient's digits. */
  recipient: string;
  at: number;
  /** The outbox id we sent in `biz_opaque_callback_data`, when it came back intact. */
  outboxId: string | null;
  error: { code: number | null; title: string; details: string } | null;
}

/**
 * The opt-out words, whole message, trimmed, any case: Twilio's defaults (as for SMS) and the
 * Hebrew "remove" people write to Israeli stores.
 */
export const STOP_KEYWORDS = new Set([
  'stop',
  'stopall',
  'unsubscribe',
  'cancel',
  'end',
  'quit',
  'הסר',
  'הסרה',
]);
export const isStopKeyword = (text: string) => STOP_KEYWORDS.has(text.trim().toLowerCase());

const SIGNATURE_HEADER_MAX = 200;
const MAX_ENTRIES = 100;
const MAX_ITEMS = 1000;
const MAX_TEXT = 4096;
const MAX_WAMID = 200;
const OUTBOX_ID = /^msg_[0-9a-f]{24}$/;
const WA_ID = /^\d{6,20}$/;

/**
 * Meta's `X-Hub-Signature-256`: `sha256=` and the hex HMAC-SHA256 of the raw body with the
 * app secret, compared in constant time. An empty secret verifies nothing.
 */
export function verifyMetaSignature(
  appSecret: string,
  rawBody: Buffer,
  header: string | undefined,
): boolean {
  if (appSecret === '' || header === undefined || header.length > SIGNATURE_HEADER_MAX)
    return false;
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!m?.[1]) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(m[1], 'hex'));
}

const text = (v: unknown, max: number) =>
  typeof v === 'string' && v.length > 0 && v.length <= max ? v : null;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v.slice(0, MAX_ITEMS) : []);

/** Meta's unix-seconds string, as epoch ms no later than `now` (a clock ahead moves nothing). */
function instantOf(timestamp: unknown, now: number): number {
  const s = typeof timestamp === 'string' || typeof timestamp === 'number' ? String(timestamp) : '';
  if (!/^\d{1,12}$/.test(s)) return now;
  return Math.min(Number(s) * 1000, now);
}

function inboundOf(m: unknown, now: number): WhatsAppInbound | null {
  if (!isRecord(m)) return null;
  const wamid = text(m.id, MAX_WAMID);
  const from = typeof m.from === 'string' && WA_ID.test(m.from) ? `+${m.from}` : null;
  const type = text(m.type, 50);
  if (wamid === null || from === null || type === null) return null;
  const body = type === 'text' && isRecord(m.text) ? text(m.text.body, MAX_TEXT) : null;
  return { wamid, from, at: instantOf(m.timestamp, now), type, text: body };
}

function statusOf(s: unknown, now: number): WhatsAppStatusUpdate | null {
  if (!isRecord(s)) return null;
  const wamid = text(s.id, MAX_WAMID);
  const status = trackedStatuses.find((t) => t === s.status);
  const recipient =
    typeof s.recipient_id === 'string' && WA_ID.test(s.recipient_id) ? `+${s.recipient_id}` : '';
  if (wamid === null || status === undefined) return null;
  const opaque = s.biz_opaque_callback_data;
  const first: unknown = list(s.errors)[0];
  let error: WhatsAppStatusUpdate['error'] = null;
  if (isRecord(first)) {
    const data = isRecord(first.error_data) ? first.error_data : {};
    error = {
      code: typeof first.code === 'number' && Number.isInteger(first.code) ? first.code : null,
      title: text(first.title, 500) ?? text(first.message, 500) ?? 'unknown error',
      details: text(data.details, 1000) ?? '',
    };
  }
  return {
    wamid,
    status,
    recipient,
    at: instantOf(s.timestamp, now),
    outboxId: typeof opaque === 'string' && OUTBOX_ID.test(opaque) ? opaque : null,
    error,
  };
}

/**
 * The messages and statuses in a `whatsapp_business_account` webhook (`entry[].changes[]` of
 * field `messages`). Items of shapes this does not know are skipped, not refused: the body is
 * signed by Meta, and refusing it would only make Meta send it again.
 */
export function readWhatsAppWebhook(
  body: unknown,
  now: number,
): { messages: WhatsAppInbound[]; statuses: WhatsAppStatusUpdate[] } {
  const messages: WhatsAppInbound[] = [];
  const statuses: WhatsAppStatusUpdate[] = [];
  if (!isRecord(body) || body.object !== 'whatsapp_business_account') return { messages, statuses };
  for (const entry of list(body.entry).slice(0, MAX_ENTRIES)) {
    if (!isRecord(entry)) continue;
    for (const change of list(entry.changes).slice(0, MAX_ENTRIES)) {
      if (!isRecord(change) || change.field !== 'messages' || !isRecord(change.value)) continue;
      for (const m of list(change.value.messages)) {
        const read = inboundOf(m, now);
        if (read) messages.push(read);
      }
      for (const s of list(change.value.statuses)) {
        const read = statusOf(s, now);
        if (read) statuses.push(read);
      }
    }
  }
  return { messages, statuses };
}

/** A timeline message id from Meta's ids: the same webhook twice records one event. */
const eventId = (kind: string, wamid: string) =>
  `whatsapp-${kind}-${createHash('sha256').update(wamid).digest('hex').slice(0, 40)}`;

const STATUS_EVENTS: Record<Exclude<WhatsAppStatus, 'sent'>, string> = {
  delivered: 'WhatsApp Delivered',
  read: 'WhatsApp Read',
  failed: 'WhatsApp Failed',
};

export interface WhatsAppWebhookDeps {
  consent: ConsentService;
  outbox: Outbox;
  windows: ConversationWindows;
  timeline: TimelineRecorder;
  database: Database;
}

/**
 * What a verified WhatsApp webhook changes: a person's message opens the 24-hour window, goes
 * to their timeline, and an opt-out word withdraws their WhatsApp consent; a status moves the
 * outbox message on and goes to the timeline. Every step is safe to repeat, because Meta
 * delivers a webhook again until it gets a 200.
 */
export class WhatsAppWebhooks {
  readonly #deps: WhatsAppWebhookDeps;
  constructor(deps: WhatsAppWebhookDeps) {
    this.#deps = deps;
  }

  async receive(
    workspaceId: string,
    body: unknown,
    now: number,
  ): Promise<{ messages: number; statuses: number; unsubscribed: number }> {
    const { messages, statuses } = readWhatsAppWebhook(body, now);
    let unsubscribed = 0;
    for (const m of messages) unsubscribed += await this.#inbound(workspaceId, m, now);
    for (const s of statuses) await this.#status(workspaceId, s, now);
    return { messages: messages.length, statuses: statuses.length, unsubscribed };
  }

  /** Returns how many profiles it unsubscribed. */
  async #inbound(workspaceId: string, m: WhatsAppInbound, now: number): Promise<number> {
    const { windows, timeline } = this.#deps;
    await windows.recordInbound(workspaceId, 'whatsapp', m.from, m.at);
    await timeline({
      workspaceId,
      identity: { phone: m.from },
      event: 'WhatsApp Message Received',
      properties: { from: m.from, type: m.type, body: m.text, wamid: m.wamid },
      messageId: eventId('in', m.wamid),
      at: m.at,
    });
    return m.text !== null && isStopKeyword(m.text)
      ? this.#unsubscribe(workspaceId, m.from, now)
      : 0;
  }

  async #unsubscribe(workspaceId: string, phone: string, now: number): Promise<number> {
    const { consent, database } = this.#deps;
    const holders = await database.db
      .selectFrom('identifiers')
      .select('profile_id')
      .where('workspace_id', '=', workspaceId)
      .where('kind', '=', 'phone')
      .where('value', '=', phone)
      .execute();
    let changed = 0;
    for (const { profile_id: profileId } of holders) {
      const current = (await consent.get(workspaceId, profileId)).find(
        (s) => s.channel === 'whatsapp',
      );
      // A redelivered STOP must not add another line to the consent history.
      if (current?.status === 'unsubscribed') continue;
      await consent.update(
        workspaceId,
        profileId,
        { channel: 'whatsapp', status: 'unsubscribed', source: 'whatsapp-keyword' },
        now,
      );
      changed += 1;
    }
    return changed;
  }

  async #status(workspaceId: string, s: WhatsAppStatusUpdate, now: number): Promise<void> {
    if (s.status === 'sent') return;
    const { outbox, timeline } = this.#deps;
    const message = await this.#messageOf(workspaceId, s);
    if (message !== null) {
      if (s.status === 'failed') {
        // Delivered to one of the person's devices is delivered, whatever another says.
        if (message.status === 'sent') {
          const detail = s.error
            ? `${s.error.title}${s.error.code === null ? '' : ` (${s.error.code})`}`
            : 'failed';
          await outbox.recordStatus(workspaceId, message.id, 'bounced', detail, now);
        }
      } else if (message.status === 'sent' || message.status === 'bounced') {
        await outbox.recordStatus(
          workspaceId,
          message.id,
          'delivered',
          `whatsapp ${s.status}`,
          now,
        );
      }
    }
    await timeline({
      workspaceId,
      ...(message?.profileId
        ? { profileId: message.profileId }
        : s.recipient !== ''
          ? { identity: { phone: phoneAddress(s.recipient) } }
          : {}),
      event: STATUS_EVENTS[s.status],
      properties: {
        wamid: s.wamid,
        messageId: message?.id ?? null,
        recipient: s.recipient === '' ? null : s.recipient,
        ...(s.error ? { error: s.error } : {}),
      },
      messageId: eventId(s.status, s.wamid),
      at: s.at,
    });
  }

  /** The outbox message: by the id we sent along, else by Meta's wamid. */
  async #messageOf(workspaceId: string, s: WhatsAppStatusUpdate) {
    const { outbox } = this.#deps;
    if (s.outboxId !== null) {
      const found = await outbox.get(workspaceId, s.outboxId);
      if (found && found.channel === 'whatsapp')
        return { id: found.id, profileId: found.profileId, status: found.status };
    }
    const byWamid = await outbox.findByProvider(s.wamid, workspaceId);
    return byWamid && { id: byWamid.id, profileId: byWamid.profileId, status: byWamid.status };
  }
}
