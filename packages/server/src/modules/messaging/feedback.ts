import { fail, ok, type Result } from '../../platform/errors.js';
import type { ConsentService } from './consent-service.js';
import { outboxIdOf, type ReportedFeedback } from './dsn-parser.js';
import type { Outbox } from './outbox.js';
import type { TimelineRecorder } from './timeline.js';

/**
 * A bounce, complaint or delivery receipt for one email recipient, from a webhook or a DSN:
 * `messageId` is our outbox id or the Message-ID we sent (`<msg_...@domain>`; another id is
 * kept as text), `permanent` marks a hard (5.x.x) bounce, which suppresses the address.
 */
export type FeedbackReport = ReportedFeedback;

/** What recording one report did. */
export interface FeedbackOutcome {
  type: FeedbackReport['type'];
  recipient: string;
  /** The outbox message the report is about, when it is one of ours in this workspace. */
  messageId: string | null;
  /** The address went on the suppression list (a hard bounce or a complaint). */
  suppressed: boolean;
  /** The message's status moved (to bounced, complained or delivered). */
  statusRecorded: boolean;
  /** The timeline event recorded. */
  event: 'Message Bounced' | 'Message Complained' | 'Message Delivered';
}

const MAX_REASON = 1000;
const EMAIL = /^[^\s@<>]{1,64}@[^\s@<>]{1,255}$/;
const DAY_MS = 86_400_000;

/**
 * Provider and MTA feedback after sending: a hard bounce or a complaint suppresses the address
 * (a complaint also withdraws email consent, in ConsentService), each moves the message's
 * status when the message is ours, and each lands in the person's timeline. Recording the same
 * report twice changes nothing more: suppression keeps its first entry, the status move is
 * idempotent, and the timeline event's id is derived from the report.
 */
export class Feedback {
  readonly #consent: ConsentService;
  readonly #outbox: Outbox;
  readonly #timeline: TimelineRecorder;

  constructor(consent: ConsentService, outbox: Outbox, timeline: TimelineRecorder) {
    this.#consent = consent;
    this.#outbox = outbox;
    this.#timeline = timeline;
  }

  async record(
    workspaceId: string,
    report: FeedbackReport,
    now: number,
  ): Promise<Result<FeedbackOutcome>> {
    const recipient = report.recipient.trim().toLowerCase();
    if (!EMAIL.test(recipient))
      return fail('validation_failed', 'recipient: not an email address', [
        { field: 'recipient', message: 'must be an email address' },
      ]);
    const reason = report.reason === undefined ? null : report.reason.slice(0, MAX_REASON);
    const outboxId = report.messageId === undefined ? null : outboxIdOf(report.messageId);
    const message = outboxId === null ? null : await this.#outbox.get(workspaceId, outboxId);
    if (report.type === 'delivery' && message === null)
      return fail('validation_failed', 'messageId: a delivery needs a message of ours', [
        { field: 'messageId', message: 'unknown message' },
      ]);
    const messageId = message?.id ?? null;
    const about = messageId ?? recipient;
    // A report without a message of ours is told apart by day, so a later one still records.
    const when = messageId === null ? `:${Math.floor(now / DAY_MS)}` : '';

    let suppressed = false;
    let status: 'bounced' | 'complained' | 'delivered';
    let event: FeedbackOutcome['event'];
    let eventId: string;
    const hard = report.type === 'bounce' && report.permanent === true;
    if (report.type === 'complaint') {
      await this.#consent.suppress(workspaceId, 'email', recipient, 'complaint', reason, now);
      suppressed = true;
      status = 'complained';
      event = 'Message Complained';
      eventId = `complaint:${about}${when}`;
    } else if (report.type === 'bounce') {
      if (hard) {
        await this.#consent.suppress(workspaceId, 'email', recipient, 'hard_bounce', reason, now);
        suppressed = true;
      }
      status = 'bounced';
      event = 'Message Bounced';
      eventId = `bounce:${hard ? 'hard' : 'soft'}:${about}${when}`;
    } else {
      status = 'delivered';
      event = 'Message Delivered';
      eventId = `delivered:${about}`;
    }

    // A soft bounce may still be delivered on a later try: the message keeps its status. A
    // repeated report finds the status already moved and adds no second history line.
    const statusRecorded =
      message !== null && (report.type !== 'bounce' || hard) && message.status !== status
        ? await this.#outbox.recordStatus(workspaceId, message.id, status, reason, now)
        : false;

    await this.#timeline({
      workspaceId,
      ...(message?.profileId != null
        ? { profileId: message.profileId }
        : { identity: { email: recipient } }),
      event,
      properties: {
        channel: 'email',
        messageId: messageId ?? report.messageId?.slice(0, 300) ?? null,
        ...(report.type === 'bounce' ? { permanent: hard } : {}),
        ...(reason !== null ? { reason } : {}),
      },
      messageId: `feedback:${eventId}`,
      at: now,
    });
    return ok({ type: report.type, recipient, messageId, suppressed, statusRecorded, event });
  }
}
