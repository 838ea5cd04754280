import type { Catalogue } from './catalogue-types.js';
import { ANA_ID, anaPredictions, at } from './examples.js';
import { adminKeyProblems, answer, answers, error, invalid, missing } from './responses.js';

export const noProfile = missing(
  'No profile with this id in this workspace',
  `no profile ${ANA_ID}`,
);
export const longId = invalid(
  'An id over 256 characters',
  'params.id',
  'Too big: expected string to have <=256 characters',
);
const thresholds = {
  high: 0.3,
  medium: 0.7,
  score:
    'p_alive; for one-time buyers under BG/NBD (where p_alive is always 1) the probability of an order within 365 days',
};
const parameters = {
  bg_nbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  gamma_gamma: { p: 6.25, q: 3.74, gamma: 15.44 },
  rules: { store_gap_weeks: 9, default_gap: false, store_mean_value: 48.7 },
  annual_discount_rate: 0,
  time_unit: 'week',
};
const customerValueRun = {
  id: '42',
  method: 'bg_nbd',
  reason: null,
  reasonCode: null,
  reasonParams: null,
  fittedAt: at.fit,
  customers: 2357,
  repeatCustomers: 1189,
  scoredProfiles: 2357,
  parameters,
  logLikelihood: -9582.43,
  models: {
    bg_nbd: {
      customers: 2357,
      repeatCustomers: 1189,
      logLikelihood: -9582.43,
      optimizer: 'nelder-mead on log parameters',
      evaluations: 412,
      converged: true,
    },
    gamma_gamma: {
      customers: 1189,
      logLikelihood: -4010.87,
      optimizer: 'nelder-mead on log parameters',
      evaluations: 236,
      converged: true,
    },
    spendNote: null,
  },
  durationMs: 184.2,
  quality: {
    level: 'good',
    failed: [],
    reason: null,
    findings: [],
    noDropoutLogLikelihood: -9763.66,
    likelihoodRatio: 362.46,
    windowWeeks: 38.86,
    medianGapWeeks: 6.95,
  },
  asOf: {
    dataEndsAt: at.lastOrder,
    asOf: at.fit,
    stale: false,
    daysBehindClock: 32,
    note: null,
  },
  holdout: {
    cutAt: '2026-02-02T23:59:59.999Z',
    endsAt: at.fit,
    horizonDays: 90,
    customers: 2357,
    method: 'bg_nbd',
    quality: 'good',
    forecast: 706.97,
    actual: 704,
    naive: 1139.04,
    modelMae: 0.387,
    naiveMae: 0.474,
    beatsNaive: true,
  },
  holdoutNote: null,
  holdoutNoteCode: null,
};
const customerValueFit = (status: 'queued' | 'running' | 'succeeded') => ({
  id: '12',
  status,
  progress: status === 'queued' ? 0 : status === 'running' ? 0.45 : 1,
  stage: status === 'queued' ? 'queued' : status === 'running' ? 'holdout_check' : 'done',
  requestedAt: at.fit,
  startedAt: status === 'queued' ? null : at.fit,
  finishedAt: status === 'succeeded' ? '2026-05-04T03:00:04.000Z' : null,
  error: null,
  run: status === 'succeeded' ? customerValueRun : null,
});
/** The 202 of a requested fit: where the client follows it. */
export const followAt = (example: string) => ({
  Location: {
    description: 'The fit: GET it to follow its status and progress.',
    schema: { type: 'string', example },
  },
});
/** Customer value, churn and replenishment (recommendations: recommendation-operations.ts). */
export const insightOperations: Catalogue = {
  'GET /api/v1/insights/customer-value': {
    description:
      'Customer value and churn for the workspace: the last fit (when, on how many customers, ' +
      'BG/NBD and Gamma-Gamma parameters and log-likelihoods, or the rules used when data is ' +
      'too thin), the churn thresholds, the minimum data for the models and the schedule. ' +
      '`lastRun` is null before the first fit. See docs/guides/predictions.md.',
    responses: {
      200: answer('The status.', {
        lastRun: customerValueRun,
        thresholds,
        minimumData: { buyers: 100, repeatBuyers: 20 },
        schedule: 'daily at 03:00 UTC, and on POST /api/v1/insights/customer-value/fit',
        latestFit: customerValueFit('succeeded'),
      }),
      ...adminKeyProblems,
    },
  },
  'POST /api/v1/insights/customer-value/fit': {
    description:
      'Requests a fit of the customer-value models, as the daily job does, and answers at once ' +
      '(202) with the fit, queued: a job fits, checks the fit (`quality`: weak when the data ' +
      'cannot tell who has stopped buying) and on the store’s own last 90 days (`holdout`), ' +
      'and scores every customer (`predictions` on each profile), as of the store’s data ' +
      '(`asOf`). While a fit is queued or running, a new request answers with that one. ' +
      'Follow it at its `Location`, GET /api/v1/insights/customer-value/fits/{id}.',
    responses: {
      202: {
        ...answer('The fit, queued.', customerValueFit('queued')),
        headers: followAt('/api/v1/insights/customer-value/fits/12'),
      },
      ...adminKeyProblems,
    },
  },
  'GET /api/v1/insights/customer-value/fits/{id}': {
    description:
      'A requested fit: `queued`, `running` (with `progress` 0-1 and its `stage`), ' +
      '`succeeded` (with the run it produced) or `failed` (with the `error`).',
    parameters: { id: '12' },
    responses: {
      200: answers('The fit.', [
        { summary: 'Running', value: customerValueFit('running') },
        { summary: 'Succeeded', value: customerValueFit('succeeded') },
      ]),
      400: invalid('An id that is not a number', 'params.id', 'expected a fit id (digits)'),
      ...adminKeyProblems,
      404: missing('No such fit in this workspace', 'no customer-value fit 12'),
    },
  },
  'GET /api/v1/profiles/{id}/predictions/explain': {
    description:
      "A profile's predictions worked out step by step: its inputs (x, t_x, T, monetary " +
      'value), the fitted parameters, the thresholds, and every formula with its numbers.',
    parameters: { id: ANA_ID },
    responses: {
      200: answer('The explanation.', {
        profileId: ANA_ID,
        method: 'bg_nbd',
        reason: null,
        reasonCode: null,
        reasonParams: null,
        computedAt: at.fit,
        inputs: {
          x: 1,
          t_x: 4.28,
          T: 9.01,
          recency_weeks: 4.73,
          monetary: 42.5,
          average_order_value: 51.2,
        },
        parameters,
        thresholds,
        predictions: anaPredictions,
        steps: [
          {
            quantity: 'p_alive',
            formula: '1 / (1 + (a / (b + x − 1)) · ((alpha + T) / (alpha + t_x))^(r + x))',
            value: 0.87,
            terms: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426, x: 1, t_x: 4.28, T: 9.01 },
          },
          {
            quantity: 'churn_risk',
            formula: 'high if p_alive < 0.3, medium if < 0.7, else low',
            value: 'low',
            terms: { basis: 'p_alive', score: 0.87, high_below: 0.3, medium_below: 0.7 },
          },
        ],
        run: {
          id: '42',
          fittedAt: at.fit,
          customers: 2357,
          repeatCustomers: 1189,
          logLikelihood: -9582.43,
          quality: customerValueRun.quality,
          asOf: customerValueRun.asOf,
        },
      }),
      400: invalid(
        'An id over 200 characters',
        'params.id',
        'Too big: expected string to have <=200 characters',
      ),
      ...adminKeyProblems,
      404: error('not_found', 'No such profile, or it has no predictions yet.', [
        { summary: 'No such profile', message: `no profile ${ANA_ID}` },
        {
          summary: 'No predictions yet',
          message:
            `profile ${ANA_ID} has no predictions yet: it has no counted order, or ` +
            'customer value has not been fitted since its first order',
        },
      ]),
    },
  },
  'GET /api/v1/profiles/{id}/replenishment': {
    description:
      "The consumables this person buys again, with the date each runs out (from the product's " +
      '`usage_days`, or learned from repeat purchases when enough buyers repurchase it), for ' +
      'the products they have the habit of (or that the catalog says run out). `list=due` ' +
      '(default): still relevant, soonest first; `list=lapsed`: overdue for longer than the ' +
      'lapse (a habit given up), most recently due first. `limit` 1-200 (default 50); ' +
      '`cursor` is the `nextCursor` of the previous page. `otherList` counts the other list.',
    parameters: { id: ANA_ID, list: 'due', limit: 50 },
    responses: {
      200: answer('The replenishable products.', {
        nextCursor: null,
        total: 1,
        otherList: 0,
        data: [
          {
            productId: 'lens-30',
            title: 'Daily contact lenses, 30 pack',
            lastBoughtAt: at.lastOrder,
            purchases: 2,
            intervalDays: 30,
            dueAt: '2026-05-01T19:02:11.870Z',
            dueInDays: -3,
            due: 'overdue by 3 days',
            source: 'learned',
            lapsed: false,
          },
        ],
      }),
      400: longId,
      ...adminKeyProblems,
      404: noProfile,
    },
  },
};
