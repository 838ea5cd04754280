/**
 * A prediction, worked out step by step: each quantity with its formula and the intermediate
 * numbers that went into it, so a store owner (or a reviewer) can follow it by hand.
 */
import {
  deadOdds,
  EULER_FORM_UP_TO_A,
  expectedPurchasesTerms,
  probabilityAlive,
} from './bg-nbd.js';
import {
  CHURN_THRESHOLDS,
  WEEKS_365D,
  WEEKS_90D,
  churnScoreOf,
  predictCustomer,
  spendOf,
  type ScoringInput,
  type ScoringModel,
} from './customer-value.js';
import { ownSpendWeight, populationMeanSpend } from './gamma-gamma.js';
import { scoreByRules } from './rules.js';

export interface ExplanationStep {
  quantity: string;
  formula: string;
  value: number | string | null;
  terms: Record<string, number | string | null>;
}

const churnStep = (basis: string, score: number, risk: string): ExplanationStep => ({
  quantity: 'churn_risk',
  formula: `high if ${basis} < ${CHURN_THRESHOLDS.high}, medium if < ${CHURN_THRESHOLDS.medium}, else low`,
  value: risk,
  terms: { basis, score, high_below: CHURN_THRESHOLDS.high, medium_below: CHURN_THRESHOLDS.medium },
});

export function explainPrediction(model: ScoringModel, c: ScoringInput): ExplanationStep[] {
  const prediction = predictCustomer(model, c);
  const p = model.bgNbd;
  if (model.method === 'rules' || p === null) {
    const s = scoreByRules(model.rules, c, WEEKS_365D);
    const orders = (weeks: number, quantity: string): ExplanationStep => ({
      quantity,
      formula: 'p_alive · t / gap (one order per gap while active)',
      value: s.expectedOrders(weeks),
      terms: { t_weeks: weeks, gap_weeks: s.gapWeeks, p_alive: s.pAlive },
    });
    return [
      {
        quantity: 'gap_weeks',
        formula:
          s.gapSource === 'customer'
            ? "the customer's average time between purchase days, t_x / x"
            : "the store's typical gap: the median of t_x / x over its repeat buyers",
        value: s.gapWeeks,
        terms: { source: s.gapSource, store_gap_weeks: model.rules.storeGapWeeks },
      },
      {
        quantity: 'p_alive',
        formula: '1 while recency ≤ gap, else gap / recency (recency = T − t_x)',
        value: s.pAlive,
        terms: { recency_weeks: s.recencyWeeks, gap_weeks: s.gapWeeks },
      },
      orders(WEEKS_90D, 'expected_orders_90d'),
      orders(WEEKS_365D, 'expected_orders_365d'),
      {
        quantity: 'spend_per_order',
        formula:
          s.spendSource === 'customer'
            ? "the customer's average purchase-day value"
            : "the store's average purchase-day value",
        value: s.spend,
        terms: { source: s.spendSource, store_mean_value: model.rules.storeMeanValue },
      },
      clvStep(model, prediction.expectedOrders365d, prediction.spend, prediction.clv365d),
      churnStep('p_alive', s.pAlive, prediction.churnRisk),
      {
        quantity: 'expected_next_order_in_weeks',
        formula: 'max(0, gap − recency) while p_alive ≥ 0.5 and within 365 days, otherwise none',
        value: prediction.nextOrderWeeks,
        terms: { gap_weeks: s.gapWeeks, recency_weeks: s.recencyWeeks, p_alive: s.pAlive },
      },
    ];
  }
  const odds = deadOdds(p, c);
  const pAlive = probabilityAlive(p, c);
  const orders = (weeks: number, quantity: string): ExplanationStep => {
    const t = expectedPurchasesTerms(p, weeks, c);
    const textbook =
      '(a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; z)] / (1 + odds), ' +
      'z = t/(α+T+t)';
    return t.form === 'euler'
      ? {
          quantity,
          formula:
            `${textbook}; computed as (a+b+x−1) · [−expm1((a−1) ln(1−z))/(a−1) − (1−z)^(a−1) G] / ` +
            '(1 + odds) with G = (2F1(a+b−1−r, a−1; a+b+x−1; z) − 1)/(a−1) (Euler’s transformation)',
          value: t.expected,
          terms: { t_weeks: weeks, z: t.z, G: t.hyp2f1Excess, if_alive: t.expectedIfAlive, odds },
        }
      : {
          quantity,
          formula: `${textbook} (F = the 2F1; a > ${EULER_FORM_UP_TO_A}, where this form converges fast)`,
          value: t.expected,
          terms: { t_weeks: weeks, z: t.z, F: t.hyp2f1, if_alive: t.expectedIfAlive, odds },
        };
  };
  const gg = model.gammaGamma;
  const population = gg ? populationMeanSpend(gg) : null;
  const churn = churnScoreOf(p, c, pAlive);
  const weak = model.quality.level === 'weak' ? scoreByRules(model.rules, c, WEEKS_365D) : null;
  const steps: ExplanationStep[] = [
    {
      quantity: 'p_alive',
      formula: '1 / (1 + odds), odds = [x > 0] · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)',
      value: pAlive,
      terms: { odds },
    },
    orders(WEEKS_90D, 'expected_orders_90d'),
    orders(WEEKS_365D, 'expected_orders_365d'),
    gg && population !== null
      ? {
          quantity: 'spend_per_order',
          formula:
            'Gamma-Gamma: p(γ + m·x)/(p·x + q − 1) = w·m + (1 − w)·pγ/(q − 1), w = p·x/(p·x + q − 1)',
          value: spendOf(model, c),
          terms: { m: c.monetary, w: ownSpendWeight(gg, c.x), population_mean: population },
        }
      : {
          quantity: 'spend_per_order',
          formula: "the customer's average purchase-day value (no usable spend model)",
          value: spendOf(model, c),
          terms: { average_order_value: c.averageValue },
        },
    clvStep(model, prediction.expectedOrders365d, prediction.spend, prediction.clv365d),
    churn.basis === 'p_alive'
      ? churnStep('p_alive', churn.score, prediction.churnRisk)
      : {
          ...churnStep('p_order_365d', churn.score, prediction.churnRisk),
          formula:
            'x = 0, where BG/NBD’s P(alive) is always 1: p_order_365d = P(alive) · ' +
            `(1 − ((α+T)/(α+T+t))^(r+x)), t = 365 days; high if < ${CHURN_THRESHOLDS.high}, ` +
            `medium if < ${CHURN_THRESHOLDS.medium}, else low`,
        },
    {
      quantity: 'expected_next_order_in_weeks',
      formula:
        'the median time to the next order, t = (α+T) · ((1 − 1/(2·p_alive))^(−1/(r+x)) − 1); ' +
        'none when p_alive ≤ 0.5 or t > 365 days',
      value: prediction.nextOrderWeeks,
      terms: { p_alive: pAlive },
    },
  ];
  if (!weak) return steps;
  // A weak fit: the model's P(alive) is shown for the record, then the rules' judgement that
  // the prediction actually uses for P(alive), churn and the next order.
  return [
    {
      quantity: 'quality',
      formula: model.quality.reason ?? 'weak fit',
      value: 'weak',
      terms: { model_p_alive: pAlive },
    },
    ...steps.filter(
      (st) =>
        st.quantity !== 'p_alive' &&
        st.quantity !== 'churn_risk' &&
        st.quantity !== 'expected_next_order_in_weeks',
    ),
    {
      quantity: 'gap_weeks',
      formula:
        weak.gapSource === 'customer'
          ? "the customer's average time between purchase days, t_x / x"
          : "the store's typical gap: the median of t_x / x over its repeat buyers",
      value: weak.gapWeeks,
      terms: { source: weak.gapSource, store_gap_weeks: model.rules.storeGapWeeks },
    },
    {
      quantity: 'p_alive',
      formula: 'the rules: 1 while recency ≤ gap, else gap / recency (recency = T − t_x)',
      value: weak.pAlive,
      terms: { recency_weeks: weak.recencyWeeks, gap_weeks: weak.gapWeeks, model_p_alive: pAlive },
    },
    churnStep('rules_p_alive', weak.pAlive, prediction.churnRisk),
    {
      quantity: 'expected_next_order_in_weeks',
      formula: 'max(0, gap − recency) while p_alive ≥ 0.5 and within 365 days, otherwise none',
      value: prediction.nextOrderWeeks,
      terms: { gap_weeks: weak.gapWeeks, recency_weeks: weak.recencyWeeks, p_alive: weak.pAlive },
    },
  ];
}

function clvStep(
  model: ScoringModel,
  orders365: number,
  spend: number,
  clv: number,
): ExplanationStep {
  return {
    quantity: 'predicted_clv_365d',
    formula:
      model.annualDiscountRate === 0
        ? 'expected_orders_365d · spend_per_order (not discounted)'
        : 'Σ over 12 months of (expected orders in the month) · spend / (1 + rate)^(month/12)',
    value: clv,
    terms: {
      expected_orders_365d: orders365,
      spend_per_order: spend,
      annual_discount_rate: model.annualDiscountRate,
    },
  };
}
