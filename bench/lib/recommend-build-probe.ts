/**
 * Run as its own process by bench/intelligence-recommend.ts, so that its peak RSS is that of
 * loading the Online Retail data and building the models, and nothing else the benchmark run
 * did before. Prints one JSON line. Usage: node --import tsx recommend-build-probe.ts CUTOFF
 */
import { performance } from 'node:perf_hooks';
import { PurchaseHistory } from '../../packages/server/dist/modules/insights/recommend/purchase-history.js';
import { fitRecommendations } from '../../packages/server/dist/modules/insights/recommend/recommendation-model.js';
import { replenishmentDue } from '../../packages/server/dist/modules/insights/replenish/due-dates.js';
import {
  learnRepurchaseIntervals,
  purchaseOccasions,
} from '../../packages/server/dist/modules/insights/replenish/repurchase-intervals.js';
import { readOnlineRetail, withoutNonProducts } from './online-retail.js';

const cutoff = Date.parse(`${process.argv[2] ?? '2011-09-01'}T00:00:00Z`);
const all = (await readOnlineRetail(undefined, { keepNonProducts: true })).filter(
  (l) => l.orderedAt < cutoff,
);
const loadedRssMb = process.resourceUsage().maxRSS / 1024;
const started = performance.now();
// Non-products are learned as part of the build, as the production fit does.
const lines = withoutNonProducts(all);
const history = PurchaseHistory.from(lines);
const fitted = fitRecommendations(history, { now: cutoff });
const occasions = purchaseOccasions(history, 1);
const intervals = learnRepurchaseIntervals(history, {}, occasions);
const due = replenishmentDue(history, intervals, () => undefined, {}, occasions);
const buildMs = performance.now() - started;
console.log(
  JSON.stringify({
    buildMs,
    loadedRssMb,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    neighbours: fitted.alsoBought.size + fitted.boughtTogether.size,
    dueRows: due.reduce((n, list) => n + list.length, 0),
  }),
);
