import type { Catalogue } from './catalogue-types.js';
import { ANA_ID, at } from './examples.js';
import { adminKeyProblems, answer, error, invalid, missing, noContent } from './responses.js';

const TEMPLATE_ID = 'tpl_3e9a1c5b7d2f4a6c8e0b';
const MESSAGE_ID = 'msg_5d2b8e1f4a7c9e3b6d0a2c4f';

const welcomeInput = {
  name: 'Welcome 1: our story',
  description: 'First email of the welcome series.',
  channel: 'email',
  kind: 'marketing',
  defaultLanguage: 'en',
  variants: {
    en: {
      subject: 'Welcome, {{ profile.first_name | default: "friend" }}!',
      body:
        '<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{ profile.first_name | default: "there" }},' +
        ' welcome to {{ store.name }}.</mj-text><mj-text><a href="{{ links.unsubscribe }}">Unsubscribe</a>' +
        '</mj-text></mj-column></mj-section></mj-body></mjml>',
    },
    he: {
      subject: 'ברוכים הבאים, {{ profile.first_name | default: "חברים" }}!',
      body:
        '<mjml><mj-body><mj-section><mj-column><mj-text>שלום {{ profile.first_name | default: "לך" }},' +
        ' ברוכים הבאים ל-{{ store.name }}.</mj-text><mj-text><a href="{{ links.unsubscribe }}">הסרה מרשימת התפוצה</a>' +
        '</mj-text></mj-column></mj-section></mj-body></mjml>',
    },
  },
};
const welcome = {
  id: TEMPLATE_ID,
  ...welcomeInput,
  version: 1,
  warnings: [],
  createdAt: at.now,
  updatedAt: at.now,
};
const noTemplate = missing(
  'No template with this id or name in this workspace',
  `no template ${TEMPLATE_ID}`,
);
const badMjml = invalid(
  'An MJML error (an unknown element), with its line',
  'variants.en.body',
  "line 1, column 0: Element mj-colum doesn't exist or is not registered",
);
const badLiquid = error('validation_failed', 'The template does not parse; nothing was saved.', [
  {
    summary: 'A Liquid error with line and column',
    message: 'variants.he.subject: line 1, column 14: output "{{ profile.first_name" not closed',
    details: [
      {
        field: 'variants.he.subject',
        message: 'line 1, column 14: output "{{ profile.first_name" not closed',
      },
    ],
  },
  {
    summary: 'An MJML error (an unknown element), with its line',
    message:
      "variants.en.body: line 1, column 0: Element mj-colum doesn't exist or is not registered",
    details: [
      {
        field: 'variants.en.body',
        message: "line 1, column 0: Element mj-colum doesn't exist or is not registered",
      },
    ],
  },
]);
const nameTaken = error('conflict', 'Another template of this workspace has this name.', [
  {
    summary: 'A duplicate name',
    message: 'a template named "Welcome 1: our story" exists',
    details: [{ field: 'name', message: 'already used' }],
  },
]);
const rendered = {
  channel: 'email',
  language: 'he',
  direction: 'rtl',
  subject: 'ברוכים הבאים, Ana!',
  html: '<!doctype html><html lang="he" dir="rtl">...</html>',
  text: 'שלום Ana, ברוכים הבאים ל-Lens Shop.\n\nהסרה מרשימת התפוצה [https://shop.example.com/unsubscribe/eyJ3Ijoi...]',
};
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

/** Templates, the outbox and send log, consent and suppressions (ADR 0019). */
export const messageOperations: Catalogue = {
  'GET /api/v1/templates': {
    description: "The workspace's templates by name, each at its latest version.",
    responses: { 200: answer('The templates.', { data: [welcome] }), ...adminKeyProblems },
  },
  'GET /api/v1/templates/starter-layouts': {
    description:
      'Ready templates to start from (a newsletter with a product grid, in English and Hebrew): ' +
      'save one with `POST /api/v1/templates` and edit it.',
    responses: {
      200: answer('The layouts.', { data: [{ name: 'newsletter', template: welcomeInput }] }),
      ...adminKeyProblems,
    },
  },
  'POST /api/v1/templates': {
    description:
      'Saves a template as version 1. Every variant is parsed (Liquid) and, for email, compiled ' +
      '(MJML) first: an error refuses the whole template with the variant, line and column, and ' +
      'nothing is saved. A variable without a `default` fallback is saved but named in ' +
      '`warnings` (it could print nothing: "Hello ,"). Right-to-left languages (Hebrew, Arabic) ' +
      'render with `dir="rtl"`. Liquid tags around whole MJML sections go inside `<mj-raw>`.',
    request: { example: welcomeInput },
    responses: {
      201: answer('Saved.', welcome),
      400: badLiquid,
      ...adminKeyProblems,
      409: nameTaken,
    },
  },
  'GET /api/v1/templates/{id}': {
    description: 'One template by id (`tpl_...`) or name, at its latest version.',
    parameters: { id: TEMPLATE_ID },
    responses: { 200: answer('The template.', welcome), ...adminKeyProblems, 404: noTemplate },
  },
  'PUT /api/v1/templates/{id}': {
    description:
      'Saves a new version (checked as on creation). Messages already queued keep what they ' +
      'were rendered with and name their version. The channel cannot change.',
    parameters: { id: TEMPLATE_ID },
    request: { example: welcomeInput },
    responses: {
      200: answer('The new version.', { ...welcome, version: 2 }),
      400: badMjml,
      ...adminKeyProblems,
      404: noTemplate,
      409: nameTaken,
    },
  },
  'DELETE /api/v1/templates/{id}': {
    description:
      'Deletes a template and its versions. Queued messages keep their content. Refused while ' +
      'a journey (not archived) sends it.',
    parameters: { id: TEMPLATE_ID },
    responses: {
      204: noContent('Deleted.'),
      ...adminKeyProblems,
      404: noTemplate,
      409: error('conflict', 'A journey sends this template.', [
        {
          summary: 'Used by a journey',
          message:
            'journey "Welcome after a first order" sends this template: change or archive it first',
          details: [
            {
              field: 'params.id',
              message: 'used by journey jrn_0d4c2a9e7b1f3a5c6e8d (Welcome after a first order)',
            },
          ],
        },
      ]),
    },
  },
  'GET /api/v1/templates/{id}/versions/{version}': {
    description: 'One saved version of a template, as it was saved.',
    parameters: { id: TEMPLATE_ID, version: 1 },
    responses: {
      200: answer('The version.', welcome),
      400: invalid(
        'Not a version number',
        'params.version',
        'Invalid input: expected number, received NaN',
      ),
      ...adminKeyProblems,
      404: missing('No such version', `template ${TEMPLATE_ID} has no version 9`),
    },
  },
  'POST /api/v1/templates/{id}/preview': {
    description:
      'Renders the template without sending: for `profileId` (its traits, computed fields and ' +
      "predictions), or a sample profile; in `language` or the profile's, falling back to the " +
      'base language and then the default one. `data` is what a journey or the caller adds ' +
      '(an order, cart lines, recommendations). Email answers the HTML and its plain-text part.',
    parameters: { id: TEMPLATE_ID },
    request: { example: { profileId: ANA_ID, language: 'he' } },
    responses: {
      200: answer('The rendered message.', rendered),
      400: invalid(
        'A bad language tag',
        'language',
        'must be a language tag such as en, he or pt-BR',
      ),
      ...adminKeyProblems,
      404: noTemplate,
    },
  },
  'POST /api/v1/templates/{id}/test-send': {
    description:
      'Renders the template (for `profileId` or a sample profile) and sends it to `to`, subject ' +
      'marked `[Test]`. It goes through the outbox like any message; with no `SMTP_URL` it stays ' +
      'in the local outbox (`GET /api/v1/messages`).',
    parameters: { id: TEMPLATE_ID },
    request: { example: { to: 'marketing@shop.example.com' } },
    responses: {
      202: answer('Queued.', { id: MESSAGE_ID, status: 'queued' }),
      400: invalid('Not an email address', 'to', '"marketing@" is not an email address'),
      ...adminKeyProblems,
      404: noTemplate,
    },
  },
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
