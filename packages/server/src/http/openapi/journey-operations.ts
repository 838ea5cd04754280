import type { Catalogue } from './catalogue-types.js';
import { at } from './examples.js';
import { adminKeyProblems, answer, error, invalid, missing } from './responses.js';

const JOURNEY_ID = 'jrn_3c9e1a7b5d2f4e6a8c0b';

/**
 * Seed 000's first automation: a first order of at least 1 enters; an email at once; three
 * days later, whoever has not ordered again gets an SMS, whoever has a WhatsApp message.
 */
export const welcomeDefinition = {
  name: 'Welcome after the first order',
  description: 'Thank first-time buyers, then follow up on the channel that fits.',
  trigger: {
    type: 'event',
    event: 'Order Completed',
    where: [{ property: 'total', operator: 'gte', value: 1 }],
  },
  entry: {
    rule: 'once',
    whileInside: false,
    condition: { type: 'field', field: 'computed.order_count', operator: 'eq', value: 1 },
  },
  sending: {
    priority: 50,
    overBudget: 'delay',
    maxDelay: { amount: 2, unit: 'days' },
    quietHours: true,
    budgetExempt: false,
  },
  start: 'thank-you',
  steps: [
    { id: 'thank-you', type: 'send', template: 'Welcome 1', next: 'three-days' },
    { id: 'three-days', type: 'wait', duration: { amount: 3, unit: 'days' }, next: 'bought-again' },
    {
      id: 'bought-again',
      type: 'split_action',
      event: 'Order Completed',
      yes: 'whatsapp-thanks',
      no: 'sms-reminder',
    },
    { id: 'sms-reminder', type: 'send', template: 'Lens reminder SMS', next: 'done' },
    { id: 'whatsapp-thanks', type: 'send', template: 'Loyal buyer WhatsApp', next: 'done' },
    { id: 'done', type: 'exit' },
  ],
};

const draftJourney = {
  id: JOURNEY_ID,
  status: 'draft',
  definition: welcomeDefinition,
  activeVersion: null,
  changedSinceActivation: true,
  createdAt: at.fit,
  updatedAt: at.fit,
};
const activeJourney = {
  ...draftJourney,
  status: 'active',
  activeVersion: 1,
  changedSinceActivation: false,
  updatedAt: at.now,
};

const noJourney = missing(
  'No journey with this id or name in this workspace',
  `no journey ${JOURNEY_ID}`,
);
const longId = invalid(
  'An id or name over 200 characters',
  'params.id',
  'Too big: expected string to have <=200 characters',
);
const archivedExample = {
  summary: 'Archived journeys cannot change',
  message: 'journey "Welcome after the first order" is archived: it cannot be edited or activated',
  details: [{ field: 'status', message: 'archived' }],
};
const duplicateExample = {
  summary: 'The name is taken',
  message: 'a journey named "Welcome after the first order" already exists in this workspace',
  details: [{ field: 'name', message: 'already used by another journey of this workspace' }],
};
const racedExample = {
  summary: 'Two activations at once',
  message: 'another change to this journey happened at the same time: retry',
};
const badDefinition = error(
  'validation_failed',
  'The definition is invalid; `details` names each fault by its JSON path. Nothing is saved.',
  [
    {
      summary: 'A step leads to a step that does not exist',
      message: 'steps.1.next: no step bought-agian',
      details: [{ field: 'steps.1.next', message: 'no step bought-agian' }],
    },
    {
      summary: 'The steps loop',
      message:
        'steps.1: the steps loop (three-days -> bought-again -> three-days): every branch must end',
      details: [
        {
          field: 'steps.1',
          message:
            'the steps loop (three-days -> bought-again -> three-days): every branch must end',
        },
      ],
    },
    {
      summary: 'A step nothing leads to',
      message: 'steps.5: orphan cannot be reached from thank-you',
      details: [{ field: 'steps.5', message: 'orphan cannot be reached from thank-you' }],
    },
    {
      summary: 'A template that does not exist',
      message: 'steps.0.template: no template "Welcome 1"',
      details: [{ field: 'steps.0.template', message: 'no template "Welcome 1"' }],
    },
    {
      summary: 'A webhook template in a send step',
      message:
        'steps.3.template: template "CRM hook" is a webhook template: use a webhook step for it',
      details: [
        {
          field: 'steps.3.template',
          message: 'template "CRM hook" is a webhook template: use a webhook step for it',
        },
      ],
    },
    {
      summary: 'A segment that does not exist',
      message: 'entry.segment: no segment "Lens buyers"',
      details: [{ field: 'entry.segment', message: 'no segment "Lens buyers"' }],
    },
  ],
);
const duplicate = error('conflict', 'Another journey of this workspace has this name.', [
  duplicateExample,
]);

/** Journeys: drafts, versions and their lifecycle. */
/** A journey that needs no template: tags first-time buyers a day after their order. */
const tagFirstBuyers = {
  name: 'Tag first-time buyers',
  trigger: { type: 'event', event: 'Order Completed' },
  entry: {
    rule: 'once',
    condition: { type: 'field', field: 'computed.order_count', operator: 'eq', value: 1 },
  },
  start: 'wait1',
  steps: [
    { id: 'wait1', type: 'wait', duration: { amount: 1, unit: 'days' }, next: 'tag' },
    { id: 'tag', type: 'update_profile', addTags: ['first-time-buyer'], next: 'end' },
    { id: 'end', type: 'exit' },
  ],
};

export const journeyOperations: Catalogue = {
  'GET /api/v1/journeys': {
    description: "The workspace's journeys, by name: each one's draft, status and active version.",
    responses: {
      200: answer('Every journey of the workspace.', { data: [activeJourney] }),
      ...adminKeyProblems,
    },
  },
  'POST /api/v1/journeys': {
    description:
      'Saves a journey as a draft (status `draft`; nothing runs until it is activated). A ' +
      'definition is a trigger, entry rules, an optional goal, sending rules and a graph of ' +
      'steps joined by their `next` edges from `start` (GET /journeys/schema has the JSON ' +
      'Schema, docs/guides/journeys.md the meaning of each part). It is checked first: every ' +
      'edge names a step, every step is reachable, no loops, random arms add up to 100%, every ' +
      'segment named exists, every `send` step names a message template (not a webhook one) and ' +
      'every `webhook` step a webhook template. Segments and templates are named by id or ' +
      'name. Nothing is saved on a fault; each is named by its JSON path. Names are unique.',
    request: {
      example: tagFirstBuyers,
      description:
        'A journey definition (docs/guides/journeys.md). Seed 000 first automation, which sends ' +
        'through three templates, is the answer example.',
    },
    responses: {
      201: answer('The saved draft.', draftJourney),
      400: badDefinition,
      ...adminKeyProblems,
      409: duplicate,
    },
  },
  'GET /api/v1/journeys/schema': {
    description:
      'The JSON Schema of a journey definition, for editors that validate and complete ' +
      'definitions as they are typed (and for journeys kept as code).',
    responses: {
      200: answer('The JSON Schema (abridged here).', {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: { name: { type: 'string' }, start: { type: 'string' } },
        required: ['name', 'trigger', 'start', 'steps'],
      }),
      ...adminKeyProblems,
    },
  },
  'GET /api/v1/journeys/{id}': {
    description:
      'A journey by id or name: its draft, status, the version running, and ' +
      '`changedSinceActivation` (the draft differs from that version, or none was activated ' +
      'yet: activating creates a new version).',
    parameters: { id: JOURNEY_ID },
    responses: {
      200: answer('The journey.', activeJourney),
      400: longId,
      ...adminKeyProblems,
      404: noJourney,
    },
  },
  'PUT /api/v1/journeys/{id}': {
    description:
      'Replaces the draft, checked as on creation. What runs does not change: the active ' +
      'version stays until the journey is activated again. Archived journeys cannot be edited.',
    parameters: { id: JOURNEY_ID },
    request: { example: welcomeDefinition },
    responses: {
      200: answer('The journey with its new draft.', {
        ...activeJourney,
        changedSinceActivation: true,
      }),
      400: badDefinition,
      ...adminKeyProblems,
      404: noJourney,
      409: error('conflict', 'The name is taken, or the journey is archived.', [
        duplicateExample,
        archivedExample,
      ]),
    },
  },
  'POST /api/v1/journeys/{id}/activate': {
    description:
      'Makes the draft live. A draft that differs from the active version (or a first ' +
      'activation) becomes a new version, numbered from 1; customers already inside finish on ' +
      'the version they entered. An unchanged draft keeps its version: this is how a paused ' +
      'journey resumes. Segments and templates are checked again (one may have been deleted ' +
      'since the draft was saved). Two activations at once create one version.',
    parameters: { id: JOURNEY_ID },
    responses: {
      200: answer('The journey, active.', activeJourney),
      400: badDefinition,
      ...adminKeyProblems,
      404: noJourney,
      409: error('conflict', 'The journey is archived, or another change raced this one.', [
        archivedExample,
        racedExample,
      ]),
    },
  },
  'POST /api/v1/journeys/{id}/pause': {
    description:
      'Holds an active journey: no one enters and customers inside wait where they are until ' +
      'it is activated again. Only an active journey can be paused.',
    parameters: { id: JOURNEY_ID },
    responses: {
      200: answer('The journey, paused.', { ...activeJourney, status: 'paused' }),
      400: longId,
      ...adminKeyProblems,
      404: noJourney,
      409: error('conflict', 'The journey is not active.', [
        {
          summary: 'A draft cannot be paused',
          message:
            'journey "Welcome after the first order" is draft: only an active journey can be paused',
          details: [{ field: 'status', message: 'draft' }],
        },
      ]),
    },
  },
  'POST /api/v1/journeys/{id}/archive': {
    description:
      'Ends a journey for good, from any status: it can no longer be edited or activated ' +
      '(customers inside leave it). Archiving an archived journey changes nothing.',
    parameters: { id: JOURNEY_ID },
    responses: {
      200: answer('The journey, archived.', { ...activeJourney, status: 'archived' }),
      400: longId,
      ...adminKeyProblems,
      404: noJourney,
    },
  },
  'GET /api/v1/journeys/{id}/versions': {
    description:
      'Every version the journey was activated with, oldest first, with the definition as ' +
      'it was frozen.',
    parameters: { id: JOURNEY_ID },
    responses: {
      200: answer('The versions.', {
        data: [{ version: 1, activatedAt: at.now, definition: welcomeDefinition }],
      }),
      400: longId,
      ...adminKeyProblems,
      404: noJourney,
    },
  },
};

/** For the tests that check the examples against the contract's schemas. */
export const journeyExamples = { draftJourney, activeJourney };
