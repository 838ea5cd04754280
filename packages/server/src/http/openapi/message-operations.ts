import type { Catalogue } from './catalogue-types.js';
import { ANA_ID, at, MESSAGE_ID, TEMPLATE_ID } from './examples.js';
import { adminKeyProblems, answer, invalid, missing, noContent } from './responses.js';

const message = {
  id: MESSAGE_ID,
  profileId: ANA_ID,
  channel: 'email',
  kind: 'transactional',
  templateId: TEMPLATE_ID,
  templateVersion: 1,
  language: 'en',
  to: 'ana@example.com',
  subject: 'Your order #1042 is confirmed',
  status: 'sent',
  attempts: 1,
  providerMessageId: `<${MESSAGE_ID}@shop.example.com>`,
  lastError: null,
  createdAt: at.now,
  sentAt: at.now,
};
const page = { data: [message], nextCursor: null };
const consentState = {
  channel: 'email',
  status: 'subscribed',
  source: 'checkout',
  updatedAt: at.firstOrder,
  proof: { ip: '203.0.113.7', form: 'checkout', text: 'Send me news and offers' },
};
const noProfile = missing('No profile with this id in this workspace', `no profile ${ANA_ID}`);
/** The outbox and send log, consent and suppressions (ADR 0019). */
export const messageOperations: Catalogue = {
  'GET /api/v1/messages': {
    description:
      'The outbox and send log, newest first, filtered by profile, channel or status. Statuses: ' +
      "`queued` -> `sending` -> `sent`; `failed` (with the provider's reason, after retries for " +
      'transient errors); `suppressed` (refused at send time: no consent, or a suppressed ' +
      'address); `delivered`, `bounced`, `complained` from provider feedback.',
    parameters: { status: 'sent' },
    responses: {
      200: answer('A page of messages.', page),
      400: invalid(
        'An unknown status',
        'querystring.status',
        'Invalid option: expected one of "queued"|"sending"|"sent"|"delivered"|"failed"|"suppressed"|"bounced"|"complained"',
      ),
      ...adminKeyProblems,
    },
  },
  'POST /api/v1/messages': {
    description:
      'Sends one message now through a template: an order confirmation, a password reset. A ' +
      '`transactional` template needs no marketing consent (a suppressed address is still ' +
      'refused); a `marketing` one is checked like any campaign, at send time. The same ' +
      '`idempotencyKey` twice queues one message (`duplicate: true` the second time).',
    request: {
      example: {
        template: 'Order confirmation',
        profileId: ANA_ID,
        data: { order: { number: '1042', total: 59.9 } },
        idempotencyKey: 'order-1042-confirmation',
      },
    },
    responses: {
      202: answer('Queued.', { id: MESSAGE_ID, duplicate: false }),
      404: missing(
        'No such template (or profile) in this workspace',
        'no template Order confirmation',
      ),
      400: invalid(
        'A profile without an email address',
        'profileId',
        'give "to", or a profile that has an email address',
      ),
      ...adminKeyProblems,
    },
  },
  'GET /api/v1/messages/{id}': {
    description: 'One message with its rendered content and every status change in order.',
    parameters: { id: MESSAGE_ID },
    responses: {
      200: answer('The message.', {
        ...message,
        html: '<!doctype html><html lang="en" dir="ltr">...</html>',
        text: 'Thank you, Ana: order #1042 is confirmed.',
        history: [
          { status: 'queued', at: at.now, detail: null },
          { status: 'sending', at: at.now, detail: 'attempt 1' },
          { status: 'sent', at: at.now, detail: `<${MESSAGE_ID}@shop.example.com>` },
        ],
      }),
      ...adminKeyProblems,
      404: missing('No message with this id in this workspace', `no message ${MESSAGE_ID}`),
    },
  },
  'GET /api/v1/profiles/{id}/messages': {
    description: 'The messages sent or queued to a profile, newest first.',
    parameters: { id: ANA_ID },
    responses: { 200: answer('A page of messages.', page), ...adminKeyProblems, 404: noProfile },
  },
  'GET /api/v1/profiles/{id}/consent': {
    description:
      "The profile's consent per channel (a channel without a record has never given consent: " +
      'no marketing goes to it) and every change, oldest first, with its source and proof.',
    parameters: { id: ANA_ID },
    responses: {
      200: answer('Consent.', {
        profileId: ANA_ID,
        data: [consentState],
        history: [{ ...consentState, at: at.firstOrder }],
      }),
      ...adminKeyProblems,
      404: noProfile,
    },
  },
  'PUT /api/v1/profiles/{id}/consent': {
    description:
      'Records consent for one channel: `subscribed`, `unsubscribed` or `pending` (double opt-in ' +
      'under way), with its source and proof (IP, form, the wording shown). It takes effect at ' +
      'once: a queued marketing message is refused at send time after an unsubscribe.',
    parameters: { id: ANA_ID },
    request: {
      example: {
        channel: 'email',
        status: 'subscribed',
        source: 'checkout',
        proof: { ip: '203.0.113.7', form: 'checkout', text: 'Send me news and offers' },
      },
    },
    responses: {
      200: answer('The new state.', consentState),
      400: invalid(
        'An unknown channel',
        'channel',
        'Invalid option: expected one of "email"|"sms"|"whatsapp"|"push"',
      ),
      ...adminKeyProblems,
      404: noProfile,
    },
  },
  'POST /api/v1/profiles/{id}/consent/double-opt-in': {
    description:
      "Double opt-in for email: the profile's email consent becomes `pending` (with this " +
      "source and proof) and a confirmation email (English or Hebrew, after the profile's " +
      'language) with a signed link goes out at once. Following the link records ' +
      '`subscribed` with source `double-opt-in`; until then no marketing email is sent.',
    parameters: { id: ANA_ID },
    request: {
      example: { source: 'footer form', proof: { ip: '203.0.113.7', form: 'footer newsletter' } },
    },
    responses: {
      202: answer('Pending; the confirmation email is queued.', {
        messageId: MESSAGE_ID,
        status: 'pending',
      }),
      400: invalid('A profile without an email address', 'params.id', 'no email address'),
      ...adminKeyProblems,
      404: noProfile,
    },
  },
  'GET /api/v1/messaging/settings': {
    description:
      "Who the workspace's messages come from, as templates read it: `store.name` (default: the " +
      "workspace's name), `store.address` (the postal address marketing email must show) and " +
      '`store.url`.',
    responses: {
      200: answer('The settings.', {
        storeName: 'Lens Shop',
        address: 'Herzl 1, Tel Aviv, Israel',
        url: 'https://shop.example.com',
      }),
      ...adminKeyProblems,
    },
  },
  'PUT /api/v1/messaging/settings': {
    description:
      'Replaces the settings: a field left out goes back to its default. Messages queued ' +
      'before keep what they were rendered with.',
    request: {
      example: {
        storeName: 'Lens Shop',
        address: 'Herzl 1, Tel Aviv, Israel',
        url: 'https://shop.example.com',
      },
    },
    responses: {
      200: answer('The new settings.', {
        storeName: 'Lens Shop',
        address: 'Herzl 1, Tel Aviv, Israel',
        url: 'https://shop.example.com',
      }),
      400: invalid('Not a web address', 'url', 'Invalid URL'),
      ...adminKeyProblems,
    },
  },
  'GET /api/v1/suppressions': {
    description:
      'Addresses nothing is sent to, transactional included: hard bounces, spam complaints and ' +
      'addresses added by hand.',
    responses: {
      200: answer('A page of suppressions.', {
        data: [
          {
            channel: 'email',
            address: 'old@example.com',
            reason: 'hard_bounce',
            detail: '550 5.1.1 user unknown',
            createdAt: at.now,
          },
        ],
        nextCursor: null,
      }),
      ...adminKeyProblems,
    },
  },
  'POST /api/v1/suppressions': {
    description: 'Adds an address to the suppression list by hand (idempotent).',
    request: {
      example: { channel: 'email', address: 'old@example.com', detail: 'asked by phone' },
    },
    responses: {
      204: noContent('Suppressed.'),
      400: invalid(
        'Too short an address',
        'address',
        'Too small: expected string to have >=3 characters',
      ),
      ...adminKeyProblems,
    },
  },
  'DELETE /api/v1/suppressions/{channel}/{address}': {
    description: 'Removes an address from the suppression list.',
    parameters: { channel: 'email', address: 'old@example.com' },
    responses: {
      204: noContent('Removed.'),
      ...adminKeyProblems,
      404: missing('The address is not suppressed', 'old@example.com is not suppressed'),
    },
  },
};
