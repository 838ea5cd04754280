import type { Catalogue } from './catalogue-types.js';
import { at } from './examples.js';
import { adminKeyProblems, answer, error, invalid, missing } from './responses.js';

const JOURNEY_ID = 'jrn_3c9e1a7b5d2f4e6a8c0b';
const ENROLLMENT_ID = 'enr_7a1c3e5b9d0f2a4c6e8b';
const PROFILE_ID = 'prf_0b1c2d3e4f5a6b7c8d9e';

const settings = {
  budget: {
    email: [
      { max: 1, within: { amount: 16, unit: 'hours' } },
      { max: 3, within: { amount: 7, unit: 'days' } },
    ],
    sms: [{ max: 2, within: { amount: 7, unit: 'days' } }],
  },
  quietHours: { start: '21:00', end: '09:00' },
  timezone: 'Asia/Jerusalem',
};

const enrollment = {
  id: ENROLLMENT_ID,
  journeyId: JOURNEY_ID,
  journeyName: 'Welcome after the first order',
  version: 1,
  profileId: PROFILE_ID,
  status: 'active',
  step: 'three-days',
  dueAt: '2026-05-07T09:30:00.000Z',
  waitingFor: null,
  enteredAt: at.now,
  endedAt: null,
  endReason: null,
  convertedAt: null,
  revenue: null,
};

const noJourney = missing(
  'No journey with this id or name in this workspace',
  `no journey ${JOURNEY_ID}`,
);

export const journeyRunOperations: Catalogue = {
  'GET /api/v1/journey-settings': {
    description:
      'The rules every journey message of the workspace follows: the frequency budget per ' +
      'channel (at most `max` marketing messages per profile `within` a span; a message over ' +
      'it is delayed to the next allowed slot, or dropped, as its journey says), quiet hours in ' +
      "each profile's local time, and the time zone of profiles whose own is not known " +
      '(neither given nor inferable from their country).',
    responses: { 200: answer('The settings.', settings), ...adminKeyProblems },
  },
  'PUT /api/v1/journey-settings': {
    description:
      'Replaces the settings; a field left out goes back to its default (no budget, no quiet ' +
      'hours, UTC). Transactional journeys (`sending.budgetExempt`) are not limited.',
    request: { example: settings },
    responses: {
      200: answer('The settings now in force.', settings),
      400: invalid('An unknown time zone', 'timezone', 'must be an IANA time zone'),
      ...adminKeyProblems,
    },
  },
  'GET /api/v1/journey-stats': {
    description:
      'The headline results of every journey of the workspace in one read (what a list of ' +
      'journeys shows): entered, inside, completed, left, converted, revenue and messages ' +
      'queued, counted over every version; a journey nobody entered has zeros. Per-step ' +
      'counts are in `GET /api/v1/journeys/{id}/stats`.',
    responses: {
      200: answer('One row per journey.', {
        data: [
          {
            journeyId: JOURNEY_ID,
            entered: 120,
            active: 31,
            completed: 80,
            exited: 0,
            converted: 9,
            revenue: 812.4,
            messagesSent: 211,
          },
        ],
      }),
      ...adminKeyProblems,
    },
  },
  'GET /api/v1/journeys/{id}/stats': {
    description:
      'How many entered, are inside, completed, left, converted (goal reached) and the ' +
      'revenue their goal events carried; messages queued; per step the enrollments waiting ' +
      'there, each outcome (sent, skipped, delayed, branch, waited...) and each edge taken; ' +
      'holdout arms against the treated. Counted over every version.',
    parameters: { id: JOURNEY_ID },
    responses: {
      200: answer('The statistics.', {
        journeyId: JOURNEY_ID,
        entered: 120,
        active: 31,
        completed: 80,
        exited: 0,
        converted: 9,
        revenue: 812.4,
        messagesSent: 211,
        holdout: { entered: 12, converted: 0, rate: 0, treatedRate: 0.083 },
        steps: [
          {
            step: 'bought-again',
            type: 'split_action',
            waiting: 0,
            outcomes: { branch: 89 },
            branches: { 'whatsapp-thanks': 20, 'sms-reminder': 69 },
          },
        ],
      }),
      ...adminKeyProblems,
      404: noJourney,
    },
  },
  'POST /api/v1/journeys/{id}/migrate': {
    description:
      'Customers inside finish on the version they entered; this moves the running ' +
      'enrollments of an older version onto the active one instead. Each goes to the step of ' +
      'the same id, or where `map` says (for steps renamed or removed). A wait under way at a ' +
      'step of the same type keeps its end; any other enrollment starts its step afresh. A ' +
      'step with enrollments that the active version lacks and `map` does not place is ' +
      'refused, naming it, and nothing moves.',
    parameters: { id: JOURNEY_ID },
    request: { example: { from: 1, map: { 'sms-reminder': 'reminder' } } },
    responses: {
      200: answer('How many moved, from which step to which.', {
        from: 1,
        to: 2,
        moved: 31,
        steps: [
          { from: 'three-days', to: 'three-days', moved: 25 },
          { from: 'sms-reminder', to: 'reminder', moved: 6 },
        ],
      }),
      400: invalid(
        'A step the active version lacks',
        'map.sms-reminder',
        '6 enrollment(s) are at sms-reminder, which version 2 does not have: map it to a step',
      ),
      ...adminKeyProblems,
      404: noJourney,
      409: error('conflict', 'The journey was never activated.', [
        {
          summary: 'No version to move to',
          message: 'the journey was never activated: there is no version to move to',
        },
      ]),
    },
  },
  'GET /api/v1/profiles/{id}/journeys': {
    description:
      "The profile's enrollments, newest first: each journey it entered, where it is or how " +
      'it left (completed, converted by the goal, exited with the reason).',
    parameters: { id: PROFILE_ID },
    responses: {
      200: answer('The enrollments.', { data: [enrollment] }),
      ...adminKeyProblems,
    },
  },
  'GET /api/v1/enrollments/{id}/trace': {
    description:
      'Why a customer did or did not get a message: every step of one enrollment in order, ' +
      'with its time, outcome and reason (skipped: no consent; delayed: budget until T; the ' +
      'branch taken and the values that decided it; converted by the goal).',
    parameters: { id: ENROLLMENT_ID },
    responses: {
      200: answer('The trace.', {
        enrollment,
        steps: [
          {
            visit: 0,
            step: '$entry',
            stepType: 'trigger',
            outcome: 'entered',
            at: at.now,
            next: 'thank-you',
            reason: null,
            messageId: null,
            detail: { trigger: { type: 'event' }, version: 1 },
          },
          {
            visit: 1,
            step: 'thank-you',
            stepType: 'send',
            outcome: 'sent',
            at: at.now,
            next: 'three-days',
            reason: null,
            messageId: 'msg_5f1e2d3c4b5a69788796a5b4',
            detail: { channel: 'email', template: 'Welcome 1' },
          },
        ],
      }),
      ...adminKeyProblems,
      404: missing(
        'No enrollment with this id in this workspace',
        `no enrollment ${ENROLLMENT_ID}`,
      ),
    },
  },
};
