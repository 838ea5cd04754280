import type { Catalogue } from './catalogue-types.js';
import { adminKeyProblems, answer, error, missing } from './responses.js';

const summary = {
  id: 'cart-abandonment',
  name: 'Cart abandonment',
  category: 'abandonment',
  summary: 'Reminds those who added to the cart and did not buy: email, SMS, a last offer.',
  reason: 'seed 003: most carts are abandoned; a timely reminder and an incentive bring many back.',
  trigger: 'event Product Added',
  channels: ['email', 'sms'],
  messages: 3,
  priority: 90,
  params: [
    {
      key: 'firstWaitHours',
      type: 'hours',
      default: 4,
      description: 'How long after adding to the cart the first reminder goes',
      min: 1,
      max: 72,
    },
    {
      key: 'offerCode',
      type: 'code',
      default: 'COMEBACK10',
      description: 'The code in the last message',
    },
  ],
};

const result = {
  flow: 'cart-abandonment',
  journeyId: 'jrn_3c9e1a7b5d2f4e6a8c0b',
  status: 'active',
  activeVersion: 1,
  unchanged: false,
  dryRun: false,
  changes: {
    journey: 'created',
    templates: {
      'flow/cart-abandonment/email-1': 'created',
      'flow/cart-abandonment/sms-1': 'created',
      'flow/cart-abandonment/email-2': 'created',
    },
    segments: {},
    customFields: {},
    settings: {
      budget: {
        email: [{ max: 3, within: { amount: 7, unit: 'days' } }],
        sms: [{ max: 2, within: { amount: 7, unit: 'days' } }],
      },
      quietHours: { start: '21:00', end: '08:00' },
      timezone: 'UTC',
    },
  },
};

export const flowOperations: Catalogue = {
  'GET /api/v1/journey-templates': {
    description:
      'The flow library: the retention programme of the seeds as ready journeys (welcome, ' +
      'abandonment, back in stock, post-purchase, review, cross-sell, replenishment, win-back, ' +
      'sunset, birthday...), each with its trigger, channels, number of messages, priority ' +
      'against the frequency budget, and the parameters it takes with their defaults. ' +
      'docs/guides/flows.md describes each.',
    responses: { 200: answer('The flows.', { data: [summary] }), ...adminKeyProblems },
  },
  'GET /api/v1/journey-templates/{id}': {
    description:
      'One flow built with its default parameters: the journey definition, the templates (in ' +
      'English, Hebrew and Serbian) and any segment it needs, exactly as enabling saves them.',
    parameters: { id: 'cart-abandonment' },
    responses: {
      200: answer('The flow.', {
        ...summary,
        values: { firstWaitHours: 4, offerCode: 'COMEBACK10' },
        journey: { name: 'Cart abandonment', start: 'wait-order', steps: [] },
        templates: [{ name: 'flow/cart-abandonment/email-1', channel: 'email' }],
        segments: [],
      }),
      ...adminKeyProblems,
      404: missing('No such flow', 'no flow cart-abandonmen in the library', 'template'),
    },
  },
  'POST /api/v1/journeys/from-template': {
    description:
      'Enables a flow in the workspace: declares the date fields and saves the segments it ' +
      'reads, saves its templates (a new version only where the content differs) and its ' +
      'journey, and activates it (`activate: false` keeps a draft). Enabling again with the ' +
      'same parameters changes nothing (`unchanged: true`); with other parameters, or after ' +
      'the journey was edited, it saves and activates a new version. A workspace with no ' +
      "frequency budget or quiet hours gets the library's (3 emails and 2 texts a week, quiet " +
      '21:00-08:00), reported under `changes.settings`. `dryRun: true` answers what would ' +
      'change and changes nothing. 201 when the journey was created, else 200.',
    request: {
      example: {
        template: 'cart-abandonment',
        params: { firstWaitHours: 4, offerCode: 'COMEBACK10' },
      },
    },
    responses: {
      201: answer('Enabled for the first time.', result),
      200: answer('Enabled again: nothing changed.', {
        ...result,
        unchanged: true,
        changes: {
          journey: 'unchanged',
          templates: {
            'flow/cart-abandonment/email-1': 'unchanged',
            'flow/cart-abandonment/sms-1': 'unchanged',
            'flow/cart-abandonment/email-2': 'unchanged',
          },
          segments: {},
          customFields: {},
          settings: null,
        },
      }),
      400: error('validation_failed', 'A parameter is unknown or out of range.', [
        {
          summary: 'Out of range',
          message: 'invalid parameters for cart-abandonment',
          details: [{ field: 'params.firstWaitHours', message: 'must be between 1 and 48' }],
        },
      ]),
      ...adminKeyProblems,
      404: missing('No such flow', 'no flow cart-abandonmen in the library', 'template'),
      409: error('conflict', 'A field the flow reads exists with another type.', [
        {
          summary: 'birthday is text',
          message: 'custom field birthday is a string; birthday needs a date',
          details: [{ field: 'customFields.birthday', message: 'the flow reads it as a date' }],
        },
      ]),
    },
  },
};
