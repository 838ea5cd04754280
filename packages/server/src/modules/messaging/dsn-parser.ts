import { simpleParser } from 'mailparser';
import { fail, ok, type Result } from '../../platform/errors.js';

/** One recipient's line of a delivery status notification (RFC 3464 section 2.3). */
export interface DsnRecipient {
  /** Final-Recipient's address (the part after `rfc822;`), lower-cased. */
  recipient: string;
  action: 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded';
  /** The enhanced status code (RFC 3463), `5.1.1`. */
  status: string;
  /** 5.x.x: the address will never take mail; 4.x.x: it may later (RFC 3463 section 3.1). */
  permanent: boolean;
  /** Diagnostic-Code without its type, `550 5.1.1 user unknown`; null when absent. */
  diagnostic: string | null;
}

interface OriginalMessage {
  /** The Message-ID of the message the report is about, without angle brackets. */
  originalMessageId: string | null;
  /** Our outbox id when that Message-ID is one of ours (`<msg_...@domain>`). */
  outboxId: string | null;
}

export type ParsedReport =
  | ({ kind: 'delivery-status'; recipients: DsnRecipient[] } & OriginalMessage)
  | ({
      kind: 'feedback-report';
      /** Feedback-Type (RFC 5965 section 3.1): abuse, fraud, virus, other, not-spam. */
      feedbackType: string;
      /** Original-Rcpt-To, or else the reported message's To, lower-cased. */
      recipients: string[];
    } & OriginalMessage);

/** What a report asks Feedback to record (one per recipient line). */
export interface ReportedFeedback {
  type: 'bounce' | 'complaint' | 'delivery';
  recipient: string;
  messageId?: string;
  permanent?: boolean;
  reason?: string;
}

/** Reports pass the SMTP size limits of MTAs by far; bigger is not a report. */
export const MAX_REPORT_BYTES = 10 * 1024 * 1024;
const MAX_RECIPIENTS = 1000;
/** How much of a part (or of the raw report) is searched for the returned headers. */
const MAX_SCAN = 256 * 1024;
const ORIGINAL_TYPES = [
  'message/rfc822',
  'text/rfc822-headers',
  'message/global',
  'message/global-headers',
];
const MAX_FIELD = 1000;
const OUR_MESSAGE_ID = /^(msg_[0-9a-f]{24})(?:@[A-Za-z0-9.-]{1,255})?$/;
const ACTIONS = ['failed', 'delayed', 'delivered', 'relayed', 'expanded'] as const;
const notADsn = (why: string) =>
  fail('validation_failed', `not a delivery status notification or complaint report: ${why}`, [
    { field: 'body', message: why },
  ]);

/**
 * Reads a bounce or complaint an MTA hands back: an RFC 3464 `multipart/report;
 * report-type=delivery-status` (or RFC 6533's global one) or an RFC 5965 ARF
 * `report-type=feedback-report`. Anything else is a typed failure, never an exception.
 */
export async function parseDsn(raw: string | Buffer): Promise<Result<ParsedReport>> {
  const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
  if (size === 0) return notADsn('empty');
  if (size > MAX_REPORT_BYTES) return notADsn('over 10 MB');
  let mail;
  try {
    mail = await simpleParser(raw, {
      // Otherwise mailparser folds message/delivery-status into the text body.
      keepDeliveryStatus: true,
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipImageLinks: true,
      skipTextLinks: true,
    });
  } catch {
    return notADsn('not a MIME message');
  }
  const { value, params } = structuredHeader(mail.headers.get('content-type'));
  if (value !== 'multipart/report') return notADsn('not multipart/report');
  const reportType = (params.get('report-type') ?? '').toLowerCase();
  const part = (...types: string[]) =>
    mail.attachments.find((a) => types.includes(a.contentType.toLowerCase()));
  const attached = part(...ORIGINAL_TYPES);
  const original = originalOf(
    attached === undefined ? embeddedHeaders(raw) : attached.content.toString('utf8'),
  );

  if (reportType === 'delivery-status') {
    const status = part('message/delivery-status', 'message/global-delivery-status');
    if (status === undefined) return notADsn('no message/delivery-status part');
    const recipients = recipientsOf(status.content.toString('utf8'));
    if (recipients.length === 0) return notADsn('no recipient with an action and a status');
    return ok({
      kind: 'delivery-status',
      recipients,
      originalMessageId: original.originalMessageId,
      outboxId: original.outboxId,
    });
  }
  if (reportType === 'feedback-report') {
    const report = part('message/feedback-report');
    if (report === undefined) return notADsn('no message/feedback-report part');
    const [fields = new Map<string, string[]>()] = fieldBlocks(report.content.toString('utf8'));
    const feedbackType = (fields.get('feedback-type')?.[0] ?? '').toLowerCase();
    if (feedbackType === '') return notADsn('no Feedback-Type');
    const rcptTo = (fields.get('original-rcpt-to') ?? []).map(addressIn);
    const recipients = (rcptTo.length > 0 ? rcptTo : original.to).filter((a) => a !== '');
    return ok({
      kind: 'feedback-report',
      feedbackType,
      recipients: [...new Set(recipients)].slice(0, MAX_RECIPIENTS),
      originalMessageId: original.originalMessageId,
      outboxId: original.outboxId,
    });
  }
  return notADsn(`report-type ${reportType.slice(0, 50) || 'missing'}`);
}

/**
 * What to record for a parsed report: failed 5.x.x is a hard bounce, failed 4.x.x and
 * delayed are soft, delivered is a delivery, an `abuse` or `fraud` report is a complaint.
 * Relayed and expanded (the MTA passed it on) and other feedback types record nothing.
 */
export function feedbackOf(report: ParsedReport): ReportedFeedback[] {
  const messageId = report.outboxId ?? report.originalMessageId ?? undefined;
  const about = messageId === undefined ? {} : { messageId };
  if (report.kind === 'feedback-report') {
    if (report.feedbackType !== 'abuse' && report.feedbackType !== 'fraud') return [];
    return report.recipients.map((recipient) => ({
      type: 'complaint',
      recipient,
      ...about,
      reason: `feedback-type ${report.feedbackType}`,
    }));
  }
  return report.recipients.flatMap((r): ReportedFeedback[] => {
    const reason = `${r.status}${r.diagnostic === null ? '' : ` ${r.diagnostic}`}`;
    if (r.action === 'delivered') return [{ type: 'delivery', recipient: r.recipient, ...about }];
    if (r.action === 'failed' || r.action === 'delayed')
      return [
        {
          type: 'bounce',
          recipient: r.recipient,
          ...about,
          permanent: r.action === 'failed' && r.permanent,
          reason,
        },
      ];
    return [];
  });
}

/**
 * `<msg_...@mail.shop.example>` (or a bare `msg_...`) -> `msg_...`; null for another sender's
 * Message-ID.
 */
export function outboxIdOf(messageId: string): string | null {
  const bare = messageId.trim().replace(/^<|>$/g, '');
  return OUR_MESSAGE_ID.exec(bare)?.[1] ?? null;
}

/** mailparser's parsed Content-Type: its value and parameters, read without assertions. */
function structuredHeader(header: unknown): { value: string; params: Map<string, string> } {
  const params = new Map<string, string>();
  if (typeof header !== 'object' || header === null || !('value' in header))
    return { value: '', params };
  const value = typeof header.value === 'string' ? header.value.toLowerCase() : '';
  const given = 'params' in header ? header.params : undefined;
  if (typeof given === 'object' && given !== null)
    for (const [k, v] of Object.entries(given))
      if (typeof v === 'string') params.set(k.toLowerCase(), v);
  return { value, params };
}

/**
 * The returned message's header block, read from the raw report: mailparser shows a
 * message/rfc822 part marked `Content-Disposition: inline` (as in RFC 5965's own example) as
 * body text with most headers dropped, not as an attachment. Such parts are 7bit or 8bit
 * (RFC 2046 section 5.2.1), so the raw bytes are the headers.
 */
function embeddedHeaders(raw: string | Buffer): string | null {
  const text = (typeof raw === 'string' ? raw : raw.toString('utf8')).slice(0, MAX_SCAN);
  const partHeader =
    /^Content-Type:[ \t]*(?:message\/rfc822|text\/rfc822-headers|message\/global(?:-headers)?)\b[^]*?\r?\n\r?\n/im;
  // The first such part: a later one would be nested inside the returned message itself.
  const first = partHeader.exec(text);
  return first === null ? null : text.slice(first.index + first[0].length);
}

function originalOf(part: string | null): OriginalMessage & { to: string[] } {
  if (part === null) return { originalMessageId: null, outboxId: null, to: [] };
  // Only the header block matters; the body is not read.
  const headers = part.slice(0, MAX_SCAN).split(/\r?\n\r?\n/, 1)[0] ?? '';
  const [fields = new Map<string, string[]>()] = fieldBlocks(headers);
  const messageId = fields.get('message-id')?.[0]?.trim().replace(/^<|>$/g, '') ?? null;
  const to = (fields.get('to')?.[0] ?? '')
    .split(',')
    .map(addressIn)
    .filter((a) => a.includes('@'));
  return {
    originalMessageId: messageId === '' ? null : messageId,
    outboxId: messageId === null ? null : outboxIdOf(messageId),
    to,
  };
}

function recipientsOf(text: string): DsnRecipient[] {
  // The first block holds the per-message fields, each later one a recipient; a block
  // without Final-Recipient (the per-message one included) is skipped.
  return fieldBlocks(text)
    .slice(0, MAX_RECIPIENTS + 1)
    .flatMap((fields) => {
      const recipient = addressIn(fields.get('final-recipient')?.[0] ?? '');
      const actionText = (fields.get('action')?.[0] ?? '').trim().toLowerCase();
      const action = ACTIONS.find((a) => a === actionText);
      const status = /^\s*([245])\.(\d{1,3})\.(\d{1,3})/.exec(fields.get('status')?.[0] ?? '');
      if (recipient === '' || action === undefined || status === null) return [];
      const diagnostic = fields.get('diagnostic-code')?.[0];
      return [
        {
          recipient,
          action,
          status: `${status[1]}.${status[2]}.${status[3]}`,
          permanent: status[1] === '5',
          diagnostic:
            diagnostic === undefined ? null : diagnostic.replace(/^[^;]*;\s*/, '').trim() || null,
        },
      ];
    });
}

/** `rfc822; Ana@Example.com` or `<ana@example.com>` -> `ana@example.com`. */
function addressIn(value: string): string {
  const afterType = value.includes(';') ? value.slice(value.indexOf(';') + 1) : value;
  const angle = /<([^<>]*)>/.exec(afterType);
  return (angle?.[1] ?? afterType).trim().toLowerCase().slice(0, 320);
}

/**
 * RFC 822-style field blocks separated by blank lines, continuation lines unfolded; names
 * lower-cased. A Map, so no field name can reach a prototype.
 */
function fieldBlocks(text: string): Map<string, string[]>[] {
  const blocks: Map<string, string[]>[] = [];
  let current: Map<string, string[]> | null = null;
  let last: { name: string; index: number } | null = null;
  for (const line of text.split(/\r?\n/).slice(0, 20_000)) {
    if (line.trim() === '') {
      current = null;
      last = null;
      continue;
    }
    if (/^[ \t]/.test(line) && current !== null && last !== null) {
      const values = current.get(last.name);
      if (values !== undefined && values[last.index] !== undefined)
        values[last.index] = `${values[last.index]} ${line.trim()}`.slice(0, MAX_FIELD);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (current === null) {
      current = new Map();
      blocks.push(current);
    }
    const name = line.slice(0, colon).trim().toLowerCase();
    const values = current.get(name) ?? [];
    values.push(
      line
        .slice(colon + 1)
        .trim()
        .slice(0, MAX_FIELD),
    );
    current.set(name, values);
    last = { name, index: values.length - 1 };
  }
  return blocks;
}
