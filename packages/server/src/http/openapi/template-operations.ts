import type { Catalogue } from './catalogue-types.js';
import { ANA_ID, at, MESSAGE_ID, TEMPLATE_ID } from './examples.js';
import { adminKeyProblems, answer, error, invalid, missing, noContent } from './responses.js';

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
/** Templates: saved, versioned, previewed and test-sent (ADR 0019). */
export const templateOperations: Catalogue = {
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
  'POST /api/v1/templates/preview': {
    description:
      "Renders a template that is not saved (an editor's draft) exactly as `POST " +
      '/api/v1/templates/{id}/preview` would once saved: the body is what `POST ' +
      '/api/v1/templates` takes, plus `profileId`, `language` and `data` as in that preview. ' +
      'Only the variant rendered is compiled; its Liquid and MJML errors answer 400 with the ' +
      'variant, line and column, as saving does. Nothing is saved. Viewers may call it.',
    request: { example: { ...welcomeInput, profileId: ANA_ID, language: 'he' } },
    responses: {
      200: answer('The rendered draft.', rendered),
      400: error('validation_failed', 'The draft does not parse, or the request is invalid.', [
        {
          summary: 'A Liquid error with line and column',
          message:
            'variants.he.subject: line 1, column 14: output "{{ profile.first_name" not closed',
          details: [
            {
              field: 'variants.he.subject',
              message: 'line 1, column 14: output "{{ profile.first_name" not closed',
            },
          ],
        },
        {
          summary: 'An email variant without a subject',
          message: 'variants.en.subject: an email needs a subject',
          details: [{ field: 'variants.en.subject', message: 'an email needs a subject' }],
        },
      ]),
      ...adminKeyProblems,
      404: missing('No profile with this id in this workspace', `no profile ${ANA_ID}`),
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
};
