import type { Catalogue } from './catalogue-types.js';
import { ANA_ID, at, lensProduct, solutionProduct } from './examples.js';
import { followAt, longId, noProfile } from './insight-operations.js';
import { adminKeyProblems, answer, answers, invalid, missing } from './responses.js';

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
  asOf: { dataEndsAt: at.lastOrder, asOf: at.fit, stale: false, daysBehindClock: 32, note: null },
};
const recommendationFit = (status: 'queued' | 'running' | 'succeeded') => ({
  id: '31',
  status,
  progress: status === 'queued' ? 0 : status === 'running' ? 0.4 : 1,
  stage: status === 'queued' ? 'queued' : status === 'running' ? 'reading_orders' : 'done',
  force: false,
  requestedAt: at.fit,
  startedAt: status === 'queued' ? null : at.fit,
  finishedAt: status === 'succeeded' ? '2026-05-04T04:00:11.000Z' : null,
  error: null,
  fitted: status === 'succeeded' ? true : null,
  written:
    status === 'succeeded'
      ? { item_neighbours: 5120, popular_products: 148, category_links: 36 }
      : null,
  asOf: status === 'succeeded' ? recommendationRun.asOf : null,
});
const item = (
  p: { id: string; title: string; url: string; imageUrl: string; price: number },
  score: number,
  strategy: string,
  reason: string,
  reasonCode: string,
  reasonParams: Record<string, string | number>,
) => ({
  productId: p.id,
  title: p.title,
  url: p.url,
  imageUrl: p.imageUrl,
  price: p.price,
  score,
  strategy,
  reason,
  reasonCode,
  reasonParams,
});

/** Recommendations: per profile, related products, and the fits behind them. */
export const recommendationOperations: Catalogue = {
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
            'goes with your Contact Lenses',
            'goes_with_category',
            {
              category: 'Contact Lenses',
            },
          ),
          item(lensProduct, 0.64, 'replenishment', 'running low: due in 3 days', 'running_low', {
            days: 3,
          }),
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
        data: [
          item(
            solutionProduct,
            0.71,
            'bought_together',
            'often bought with Daily contact lenses, 30 pack',
            'often_bought_with',
            { product: 'Daily contact lenses, 30 pack' },
          ),
        ],
      }),
      400: longId,
      ...adminKeyProblems,
      404: missing(
        'No product with this id in this workspace',
        'no product lens-30 in this workspace',
      ),
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
      'Queues a fit of the recommendation, replenishment and life-stage models, as the daily ' +
      'job does, and answers 202 at once with the fit, queued; follow it at its `Location`, ' +
      'GET /api/v1/insights/recommendations/fits/{id}. The fit is skipped (`fitted: false`) ' +
      'when no order, product, merge or erasure changed since the last one, unless ' +
      '`force=true`. While a fit is queued, a new request answers with that one. A fit reads ' +
      "the orders up to the clock; `asOf` says when the store's data ends, and `stale` when " +
      'that is long before the clock (an imported history: the models then describe the day ' +
      'the data ends).',
    parameters: { force: 'true' },
    responses: {
      202: {
        ...answer('The fit, queued.', recommendationFit('queued')),
        headers: followAt('/api/v1/insights/recommendations/fits/31'),
      },
      400: invalid(
        'force that is not a boolean',
        'querystring.force',
        'Invalid option: expected one of "true"|"1"|"yes"|"on"|"y"|"enabled"|"false"|"0"|"no"|"off"|"n"|"disabled"',
      ),
      ...adminKeyProblems,
    },
  },
  'GET /api/v1/insights/recommendations/fits/{id}': {
    description:
      'A requested fit: `queued`, `running` (with `progress` 0-1 and the `stage` under way), ' +
      '`succeeded` (with `fitted`, the rows `written` and `asOf`) or `failed` (with the ' +
      '`error`). The model runs a fit records are listed by GET /api/v1/insights/recommendations.',
    parameters: { id: '31' },
    responses: {
      200: answers('The fit.', [
        { summary: 'Running', value: recommendationFit('running') },
        { summary: 'Succeeded', value: recommendationFit('succeeded') },
      ]),
      400: invalid('An id that is not a number', 'params.id', 'expected a fit id (digits)'),
      ...adminKeyProblems,
      404: missing('No such fit in this workspace', 'no recommendation fit 31'),
    },
  },
};
