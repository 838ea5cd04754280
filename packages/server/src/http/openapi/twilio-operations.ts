import type { Catalogue, ResponseDoc } from './catalogue-types.js';
import { error } from './responses.js';

const workspaceIdParam = {
  name: 'workspaceId',
  in: 'path',
  required: true,
  description: 'The workspace whose store number this is',
  schema: { type: 'string', minLength: 1, maxLength: 64 },
  example: 'default',
};
const messageIdParam = {
  name: 'messageId',
  in: 'path',
  required: true,
  description: 'The outbox message the report is about (Comeback puts it in the StatusCallback)',
  schema: { type: 'string', pattern: '^msg_[0-9a-f]{24}$' },
  example: 'msg_5f0c3e6d2a1b4c7d8e9f0a1b',
};
const signatureHeader = {
  name: 'X-Twilio-Signature',
  in: 'header',
  required: true,
  description:
    'base64 HMAC-SHA1, keyed with the auth token, of the full URL Twilio called followed by ' +
    'each form field sorted by name (name + value)',
  schema: { type: 'string' },
  example: '0/KCTR6DLpKmkAf8muzZqo1nDgQ=',
};
const twilio = { tags: ['webhooks'], security: [], parameters: [] };
const FORM = 'application/x-www-form-urlencoded';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>';

const twiml = (
  description: string,
  examples: { summary: string; value: string }[],
): ResponseDoc => ({
  description,
  contentType: 'text/xml',
  schema: { type: 'string' },
  examples,
});
const badSignature = error(
  'unauthorized',
  'The X-Twilio-Signature is missing or does not match; nothing is recorded.',
  [
    {
      summary: 'Wrong signature',
      message: 'Twilio signature missing or wrong',
      details: [
        {
          field: 'x-twilio-signature',
          message: 'does not match the URL, the form and the auth token',
        },
      ],
    },
  ],
);
const noSid = error('validation_failed', 'The form has no valid MessageSid.', [
  {
    summary: 'No MessageSid',
    message: 'MessageSid: must be SM or MM + 32 hex',
    details: [{ field: 'body.MessageSid', message: 'must be SM or MM + 32 hex' }],
  },
]);
const noWorkspace = error('not_found', 'No workspace with this id.', [
  {
    summary: 'Unknown workspace',
    message: 'no workspace shop-1',
    details: [{ field: 'workspaceId', message: 'unknown workspace' }],
  },
]);
const urlNote =
  'The signature covers the URL exactly as Twilio called it: with `COMEBACK_PUBLIC_URL` set it ' +
  'is that URL followed by the path, so configure Twilio with exactly that. A repeated webhook ' +
  '(same MessageSid) is recorded once.';

/** Twilio's webhooks: hidden from the generator (form bodies, TwiML answers), described here. */
export const twilioOperations: Catalogue = {
  'POST /webhooks/twilio/{workspaceId}/inbound': {
    summary: 'Twilio inbound SMS',
    description:
      'Set as the store number\'s "A message comes in" webhook (HTTP POST). Every text is ' +
      "recorded in the sender's timeline as `SMS Received`. Whole-message keywords, any case: " +
      '`STOP`, `STOPALL`, `UNSUBSCRIBE`, `CANCEL`, `END`, `QUIT`, `REVOKE`, `OPTOUT`, `הסר`, ' +
      '`הסרה` withdraw the SMS consent of the profile holding that phone number (source ' +
      '`sms-keyword`); `START`, `YES`, `UNSTOP` give it again (and lift a bounce suppression of ' +
      'the number); `HELP`, `INFO` are answered with a text naming the store. ' +
      urlNote,
    request: {
      contentType: FORM,
      description: "Twilio's inbound message parameters.",
      example:
        'MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC0123456789abcdef0123456789abcdef' +
        '&From=%2B972501234567&To=%2B972531234567&Body=STOP&NumMedia=0',
    },
    responses: {
      200: twiml('TwiML: nothing to send back, or the HELP reply.', [
        { summary: 'Recorded, no reply', value: `${XML_HEAD}<Response/>` },
        {
          summary: 'HELP',
          value:
            `${XML_HEAD}<Response><Message>Lens Shop: reply STOP (or הסר) to stop receiving our ` +
            'texts, START to receive them again.</Message></Response>',
        },
      ]),
      400: noSid,
      401: badSignature,
      404: noWorkspace,
    },
    undeclared: { ...twilio, parameters: [workspaceIdParam, signatureHeader] },
  },
  'POST /webhooks/twilio/{workspaceId}/status/{messageId}': {
    summary: 'Twilio message status callback',
    description:
      'Comeback sends each text with this URL as its `StatusCallback`. `delivered` marks the ' +
      'message delivered (`SMS Delivered` in the timeline); `undelivered` and `failed` mark it ' +
      'bounced with the ErrorCode (`SMS Failed`), and errors 30003, 30005 and 30006 (unreachable, ' +
      'unknown number, landline) also suppress the number. Other statuses (queued, sent...) and ' +
      'reports for unknown messages are answered and ignored. ' +
      urlNote,
    request: {
      contentType: FORM,
      description: "Twilio's status callback parameters.",
      example:
        'MessageSid=SM0123456789abcdef0123456789abcdef&MessageStatus=undelivered&ErrorCode=30006' +
        '&To=%2B972501234567&From=%2B972531234567&AccountSid=AC0123456789abcdef0123456789abcdef',
    },
    responses: {
      200: twiml('Recorded (or ignored); an empty TwiML answer.', [
        { summary: 'Recorded', value: `${XML_HEAD}<Response/>` },
      ]),
      400: noSid,
      401: badSignature,
      404: error('not_found', 'No workspace with this id, or a message id of the wrong form.', [
        {
          summary: 'Unknown workspace',
          message: 'no workspace shop-1',
          details: [{ field: 'workspaceId', message: 'unknown workspace' }],
        },
        {
          summary: 'Not a message id',
          message: 'no such message',
          details: [{ field: 'messageId', message: 'not a message id' }],
        },
      ]),
    },
    undeclared: { ...twilio, parameters: [workspaceIdParam, messageIdParam, signatureHeader] },
  },
};
