import type { Catalogue } from './catalogue-types.js';
import { ANA_ID, anaPredictions, at, lensProduct, solutionProduct } from './examples.js';
import { adminKeyProblems, answer, error, invalid, missing } from './responses.js';

const noProfile = missing('No profile with this id in this workspace', `no profile ${ANA_ID}`);
const longId = invalid(
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
};
const recommendationRun = {
  id: '7',
  model: 'recommendations',
  fittedAt: at.fit,
  durationMs: 812,
  orders: 6919,
  lines: 11204,
  customers: 2357,
  products: 148,
  parameters: { popularityHalfLifeDays: 60, popularLimit: 50, maxItemsPerCustomer: 100 },
  details: { written: { item_neighbours: 5120, popular_products: 148, category_links: 36 } },
};
const item = (
  p: { id: string; title: string; url: string; imageUrl: string; price: number },
  score: number,
  strategy: string,
  reason: string,
) => ({
  productId: p.id,
  title: p.title,
  url: p.url,
  imageUrl: p.imageUrl,
  price: p.price,
  score,
  strategy,
  reason,
});

/** Customer value, churn, recommendations and replenishment. */
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
      }),
      ...adminKeyProblems,
    },
  },
  'POST /api/v1/insights/customer-value/fit': {
    description:
      'Fits the customer-value models now, as the daily job does, and scores every customer ' +
      '(`predictions` on each profile). With fewer buyers than the minimum, simple rules are ' +
      'used and `reason` says why.',
    responses: {
      200: answer('The run.', customerValueRun),
      ...adminKeyProblems,
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
  'GET /api/v1/profiles/{id}/recommendations': {
    description:
      'Products to recommend to this person, best first. `strategy` (default `blend`): ' +
      '`bought_together`, `also_bought`, `popular_in_category`, `cross_sell`, ' +
      '`recently_viewed`, `replenishment`, `popular`. Never what they bought (unless ' +
      'consumable and due), what they removed from the cart, inactive or out-of-stock ' +
      'products. `limit` 1-50 (default 10). Empty until the models are fitted. See ' +
      'docs/guides/recommendations.md.',
    parameters: { id: ANA_ID, strategy: 'blend', limit: 2 },
    responses: {
      200: answer('The recommendations.', {
        data: [
          item(
            solutionProduct,
            0.82,
            'cross_sell',
            'customers who buy Contact Lenses also buy Lens Care',
          ),
          item(lensProduct, 0.64, 'replenishment', 'due for a reorder in 3 days'),
        ],
      }),
      400: invalid(
        'An unknown strategy',
        'querystring.strategy',
        'Invalid option: expected one of "blend"|"bought_together"|"also_bought"|"popular_in_category"|"cross_sell"|"recently_viewed"|"replenishment"|"popular"',
      ),
      ...adminKeyProblems,
      404: noProfile,
    },
  },
  'GET /api/v1/products/{id}/related': {
    description:
      'Products related to one product, best first: bought together, also bought, popular in ' +
      'the same category, or a complementary category (`strategy`, default `blend`). ' +
      '`limit` 1-50 (default 10).',
    parameters: { id: 'lens-30', strategy: 'blend', limit: 1 },
    responses: {
      200: answer('The related products.', {
        data: [item(solutionProduct, 0.71, 'bought_together', 'bought together in 38% of orders')],
      }),
      400: longId,
      ...adminKeyProblems,
      404: missing(
        'No product with this id in this workspace',
        'no product lens-30 in this workspace',
      ),
    },
  },
  'GET /api/v1/profiles/{id}/replenishment': {
    description:
      "The consumables this person bought with the date each runs out (from the product's " +
      '`usage_days` or learned from repeat purchases), soonest first; `lapsed` when long past ' +
      'due.',
    parameters: { id: ANA_ID },
    responses: {
      200: answer('The replenishable products.', {
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
  'GET /api/v1/insights/recommendations': {
    description:
      'The latest fits of the recommendation, replenishment and life-stage models, newest ' +
      'first: when, on how much data, with which parameters (`limit` 1-300, default 30).',
    parameters: { limit: 1 },
    responses: {
      200: answer('The fits.', { data: [recommendationRun] }),
      400: invalid('A limit over 300', 'querystring.limit', 'Too big: expected number to be <=300'),
      ...adminKeyProblems,
    },
  },
  'POST /api/v1/insights/recommendations/fit': {
    description:
      'Fits the recommendation, replenishment and life-stage models now, as the daily job ' +
      'does. Skipped (`fitted: false`) when no order, product, merge or erasure changed since ' +
      'the last fit, unless `force=true`.',
    parameters: { force: 'true' },
    responses: {
      200: answer('What was fitted and written.', {
        workspaceId: 'default',
        fitted: true,
        runs: [recommendationRun],
        written: { item_neighbours: 5120, popular_products: 148, category_links: 36 },
      }),
      400: invalid(
        'force that is not a boolean',
        'querystring.force',
        'Invalid option: expected one of "true"|"1"|"yes"|"on"|"y"|"enabled"|"false"|"0"|"no"|"off"|"n"|"disabled"',
      ),
      ...adminKeyProblems,
    },
  },
};
