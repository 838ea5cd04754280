import type { Catalogue } from './catalogue-types.js';
import { adminKeyProblems, answer, error, missing } from './responses.js';

const JOURNEY_ID = 'jrn_3c9e1a7b5d2f4e6a8c0b';
const PROFILE_ID = 'prf_0b1c2d3e4f5a6b7c8d9e';

const report = {
  journey: { id: JOURNEY_ID, name: 'Abandoned cart', status: 'draft' },
  days: 30,
  from: '2026-04-04T09:30:00.000Z',
  to: '2026-05-04T09:30:00.000Z',
  events: 1843,
  segmentChanges: 0,
  entered: 412,
  profiles: 371,
  completed: 198,
  converted: 201,
  revenue: 18240.5,
  exited: 0,
  waiting: 13,
  holdout: { entered: 0, converted: 0 },
  steps: [
    {
      step: 'wait_order',
      type: 'wait_for_event',
      waiting: 9,
      outcomes: { event_received: 0, timed_out: 214 },
      branches: { cart_email: 214 },
    },
    {
      step: 'cart_email',
      type: 'send',
      waiting: 4,
      outcomes: { sent: 171, skipped: 39, delayed: 22 },
      branches: { after_email: 210 },
    },
    {
      step: 'after_email',
      type: 'wait',
      waiting: 0,
      outcomes: { waited: 198 },
      branches: { done: 198 },
    },
    { step: 'done', type: 'exit', waiting: 0, outcomes: { completed: 198 }, branches: {} },
  ],
  messages: {
    total: 171,
    byChannel: { email: 171 },
    byStep: { cart_email: 171 },
    attributed: 12,
    delayedByBudget: 9,
    delayedByQuietHours: 13,
    skipped: {
      'no email marketing consent (never given)': 31,
      'no email marketing consent (unsubscribed)': 6,
      'the profile has no email address': 2,
    },
    rendered: 55,
  },
  sampleTraces: [
    {
      profileId: PROFILE_ID,
      enteredAt: '2026-04-06T18:12:40.000Z',
      status: 'completed',
      steps: [
        {
          step: '$entry',
          stepType: 'trigger',
          outcome: 'entered',
          at: '2026-04-06T18:12:40.000Z',
          next: 'wait_order',
          reason: null,
          detail: { trigger: { type: 'event' } },
        },
        {
          step: 'wait_order',
          stepType: 'wait_for_event',
          outcome: 'timed_out',
          at: '2026-04-06T22:12:40.000Z',
          next: 'cart_email',
          reason: 'no Order Completed within the timeout',
          detail: { since: 1775499160000 },
        },
        {
          step: 'cart_email',
          stepType: 'send',
          outcome: 'delayed',
          at: '2026-04-06T22:12:40.000Z',
          next: null,
          reason: 'quiet hours (Europe/Belgrade)',
          detail: { channel: 'email', until: 1775545200000 },
        },
        {
          step: 'cart_email',
          stepType: 'send',
          outcome: 'sent',
          at: '2026-04-07T07:00:00.000Z',
          next: 'after_email',
          reason: null,
          detail: { channel: 'email', template: 'Your cart' },
          message: {
            channel: 'email',
            to: 'dana@example.com',
            subject: 'You left something behind',
          },
        },
        {
          step: 'after_email',
          stepType: 'wait',
          outcome: 'waited',
          at: '2026-04-08T07:00:00.000Z',
          next: 'done',
          reason: null,
          detail: { since: 1775545200000 },
        },
        {
          step: 'done',
          stepType: 'exit',
          outcome: 'completed',
          at: '2026-04-08T07:00:00.000Z',
          next: null,
          reason: 'reached the end',
          detail: {},
        },
      ],
    },
  ],
  notes: [
    'The draft definition is replayed as if it had been live for the whole window; real ' +
      "enrollments of this journey are ignored (entry rules see only the replay's own).",
  ],
};

export const journeyBacktestOperations: Catalogue = {
  'POST /api/v1/journeys/{id}/backtest': {
    description:
      "Tries the journey's **draft** on real data before it goes live: the stored events of " +
      'the last `days` (up to now) are replayed in order on a virtual clock through the same ' +
      'steps the engine runs - triggers and entry rules, waits and their timeouts, splits, ' +
      'quiet hours and the frequency budget (delays counted), goals. The report gives who ' +
      'would have entered, per step how many passed it and how, the messages that would have ' +
      'gone out (by channel and step; skipped ones by reason), conversions, the enrollments ' +
      'still waiting at the end, and `samples` step-by-step traces of the first to enter.\n\n' +
      'Nothing is written: no enrollment, message, profile update or segment membership. ' +
      'Profiles, consent and segment memberships are read as they are today; `notes` says what ' +
      'the replay assumed. Event and segment triggers are replayed; a journey with another ' +
      'trigger answers 400.',
    parameters: { id: JOURNEY_ID },
    request: { example: { days: 30, samples: 1 } },
    responses: {
      200: answer('The report.', report),
      400: error('validation_failed', 'The request or the journey cannot be backtested.', [
        {
          summary: 'Days out of range',
          message: 'days: Too big: expected number to be <=365',
          details: [{ field: 'days', message: 'Too big: expected number to be <=365' }],
        },
        {
          summary: 'A trigger the backtest does not replay',
          message:
            'trigger.type: a backtest replays event and segment triggers, not schedule triggers',
          details: [
            {
              field: 'trigger.type',
              message: 'a backtest replays event and segment triggers, not schedule triggers',
            },
          ],
        },
      ]),
      ...adminKeyProblems,
      404: missing('No journey with this id or name in this workspace', `no journey ${JOURNEY_ID}`),
    },
  },
};
