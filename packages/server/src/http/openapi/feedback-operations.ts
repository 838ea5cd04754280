import type { Catalogue } from './catalogue-types.js';
import { adminKeyProblems, answers, error } from './responses.js';

const MESSAGE_ID = 'msg_5d2b8e1f4a7c9e3b6d0a2c4f';

/** An RFC 3464 report as Postfix writes it for an unknown mailbox (trimmed). */
const dsnExample = [
  'From: MAILER-DAEMON@mail.shop.example (Mail Delivery System)',
  'To: bounces@shop.example',
  'Subject: Undelivered Mail Returned to Sender',
  'MIME-Version: 1.0',
  'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"',
  '',
  '--B1',
  'Content-Type: text/plain',
  '',
  "I'm sorry to have to inform you that your message could not be delivered.",
  '',
  '--B1',
  'Content-Type: message/delivery-status',
  '',
  'Reporting-MTA: dns; mail.shop.example',
  '',
  'Final-Recipient: rfc822; no-such-user@example.com',
  'Original-Recipient: rfc822;no-such-user@example.com',
  'Action: failed',
  'Status: 5.1.1',
  'Diagnostic-Code: smtp; 550 5.1.1 <no-such-user@example.com>: Recipient address rejected',
  '',
  '--B1',
  'Content-Type: text/rfc822-headers',
  '',
  `Message-ID: <${MESSAGE_ID}@mail.shop.example>`,
  'From: Shop <hello@shop.example>',
  'To: no-such-user@example.com',
  'Subject: Welcome',
  '',
  '--B1--',
  '',
].join('\r\n');

const recordedBounce = {
  type: 'bounce',
  recipient: 'no-such-user@example.com',
  messageId: MESSAGE_ID,
  suppressed: true,
  statusRecorded: true,
  event: 'Message Bounced',
};
const recordedComplaint = {
  type: 'complaint',
  recipient: 'dana@example.com',
  messageId: MESSAGE_ID,
  suppressed: true,
  statusRecorded: true,
  event: 'Message Complained',
};
const skippedDelivery = {
  type: 'delivery',
  recipient: 'dana@example.com',
  reason: 'messageId: a delivery needs a message of ours',
};

const recordedAnswers = answers(
  'Recorded: the suppression list, the message status and the timeline are updated.',
  [
    {
      summary: 'A hard bounce of one of our messages',
      value: { recorded: [recordedBounce], skipped: [] },
    },
    { summary: 'A complaint (spam report)', value: { recorded: [recordedComplaint], skipped: [] } },
    {
      summary: 'A delivery receipt for a message that is not ours',
      value: { recorded: [], skipped: [skippedDelivery] },
    },
  ],
);

/** Bounce, complaint and delivery feedback after sending. */
export const feedbackOperations: Catalogue = {
  'POST /api/v1/messaging/feedback': {
    description:
      'The generic webhook for bounces, complaints and delivery receipts from an email ' +
      'provider or relay: one report or an array of up to 100. A hard bounce (`permanent: ' +
      'true`) and a complaint put the address on the suppression list (a complaint also ' +
      'withdraws email consent); both, and a delivery, move the message to `bounced`, ' +
      '`complained` or `delivered` when `messageId` names one of ours (the outbox id or the ' +
      'Message-ID we sent, `<msg_...@domain>`). A soft bounce is only recorded in the ' +
      "person's timeline (`Message Bounced`, `permanent: false`). Sending the same report again " +
      'changes nothing more.',
    request: {
      example: {
        type: 'bounce',
        recipient: 'no-such-user@example.com',
        messageId: `<${MESSAGE_ID}@mail.shop.example>`,
        permanent: true,
        reason: '550 5.1.1 user unknown',
      },
    },
    responses: {
      202: recordedAnswers,
      400: error('validation_failed', 'The body is not a report or an array of reports.', [
        {
          summary: 'Not an email address',
          message: 'recipient: must be an email address',
          details: [{ field: 'recipient', message: 'must be an email address' }],
        },
      ]),
      ...adminKeyProblems,
    },
  },
  'POST /api/v1/messaging/bounces': {
    description:
      'A bounce or complaint mail as an MTA receives it, piped in raw with content-type ' +
      '`message/rfc822` (up to 10 MB): an RFC 3464 delivery status notification ' +
      '(`multipart/report; report-type=delivery-status`) or an RFC 5965 ARF complaint ' +
      '(`report-type=feedback-report`, `Feedback-Type: abuse`). Each recipient line is recorded ' +
      'as by `POST /api/v1/messaging/feedback`: `Action: failed` with a 5.x.x status is a hard ' +
      'bounce, 4.x.x or `delayed` a soft one, `delivered` a delivery. The message is found by ' +
      'the Message-ID in the returned headers.',
    request: {
      contentType: 'message/rfc822',
      schema: { type: 'string', format: 'binary' },
      example: dsnExample,
    },
    responses: {
      202: recordedAnswers,
      400: error(
        'validation_failed',
        'The body is not a delivery status notification or ARF report.',
        [
          {
            summary: 'An ordinary mail',
            message: 'not a delivery status notification or complaint report: not multipart/report',
            details: [{ field: 'body', message: 'not multipart/report' }],
          },
          {
            summary: 'A JSON body',
            message: 'send the report mail as the raw body with content-type message/rfc822',
            details: [{ field: 'content-type', message: 'must be message/rfc822' }],
          },
        ],
      ),
      ...adminKeyProblems,
      413: error('payload_too_large', 'The mail is over 10 MB.', [
        {
          summary: 'Over 10 MB',
          message: 'request body is over the 10240 KB limit of this endpoint',
          details: [{ field: 'body', message: 'limit is 10240 KB (10485760 bytes)' }],
        },
      ]),
    },
  },
};
