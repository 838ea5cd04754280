import type { SegmentCondition } from './segments.js';

/**
 * Ready definitions for the segments the seeds' marketers ask for. They are the API's examples
 * (GET /segments/recipes), the guide's (docs/guides/segments.md) and tests run each one end to
 * end, so a recipe that stops validating or stops meaning what its name says fails the build.
 */
export interface SegmentRecipe {
  id: string;
  name: string;
  description: string;
  condition: SegmentCondition;
}

export const segmentRecipes: readonly SegmentRecipe[] = [
  {
    id: 'bought-last-month',
    name: 'Bought in the last month',
    description: 'At least one order (not cancelled) in the last calendar month.',
    condition: { type: 'purchased', window: { kind: 'last', amount: 1, unit: 'months' } },
  },
  {
    id: 'bought-last-3-months',
    name: 'Bought in the last three months',
    description: 'At least one order in the last three calendar months.',
    condition: { type: 'purchased', window: { kind: 'last', amount: 3, unit: 'months' } },
  },
  {
    id: 'category-browsers',
    name: 'Viewed more than 3 products of one category',
    description: 'Viewed at least 4 distinct products of the same category in the last 30 days.',
    condition: {
      type: 'category_views',
      atLeast: 4,
      window: { kind: 'last', amount: 30, unit: 'days' },
    },
  },
  {
    id: 'viewed-out-of-stock',
    name: 'Viewed a product that is now out of stock',
    description: 'Viewed, in the last 30 days, a product whose stock is now zero: back-in-stock.',
    condition: { type: 'viewed_out_of_stock', window: { kind: 'last', amount: 30, unit: 'days' } },
  },
  {
    id: 'wishlisted',
    name: 'Wishlisted',
    description: 'Added a product to a wishlist in the last 90 days (Segment spec event).',
    condition: {
      type: 'event',
      event: 'Product Added to Wishlist',
      window: { kind: 'last', amount: 90, unit: 'days' },
    },
  },
  {
    id: 'new-big-first-order',
    name: 'First purchase in the last day, 100 or more',
    description: 'Their first order was placed in the last day and was worth at least 100.',
    condition: {
      type: 'and',
      conditions: [
        {
          type: 'field',
          field: 'computed.first_order_at',
          operator: 'within_last',
          amount: 1,
          unit: 'days',
        },
        {
          type: 'purchased',
          window: { kind: 'last', amount: 1, unit: 'days' },
          orderTotal: { operator: 'gte', value: 100 },
        },
      ],
    },
  },
  {
    id: 'no-purchase-60-days',
    name: 'No purchase for 60 days',
    description: 'Customers who have bought before but not in the last 60 days.',
    condition: {
      type: 'and',
      conditions: [
        { type: 'field', field: 'computed.order_count', operator: 'gte', value: 1 },
        {
          type: 'purchased',
          window: { kind: 'last', amount: 60, unit: 'days' },
          count: { operator: 'eq', value: 0 },
        },
      ],
    },
  },
  {
    id: 'bought-similar',
    name: 'Bought something similar before (for a launch)',
    description: 'Bought a product the recommendation model relates to the launched one.',
    condition: { type: 'purchased', similarTo: 'LAUNCHED-PRODUCT-ID' },
  },
  {
    id: 'baby-product-7-years-ago',
    name: 'Bought a baby product 7 years ago',
    description: 'A line of category "Baby" in an order placed more than 7 years ago.',
    condition: {
      type: 'purchased',
      category: 'Baby',
      window: { kind: 'older_than', amount: 7, unit: 'years' },
    },
  },
  {
    id: 'spent-500-in-90-days',
    name: 'Spent more than 500 in the last 90 days',
    description: 'The orders of the last 90 days add up to more than 500.',
    condition: {
      type: 'purchased',
      window: { kind: 'last', amount: 90, unit: 'days' },
      spent: { operator: 'gt', value: 500 },
    },
  },
  {
    id: 'likely-to-lapse',
    name: 'High churn risk, bought before',
    description: 'The customer-value model rates their churn risk high.',
    condition: {
      type: 'and',
      conditions: [
        { type: 'field', field: 'predictions.churn_risk', operator: 'eq', value: 'high' },
        { type: 'field', field: 'computed.order_count', operator: 'gte', value: 1 },
      ],
    },
  },
  {
    id: 'cart-abandoners',
    name: 'Added to cart, did not buy, last 3 days',
    description: 'Added a product to the cart in the last 3 days and placed no order since then.',
    condition: {
      type: 'and',
      conditions: [
        {
          type: 'event',
          event: 'Product Added',
          window: { kind: 'last', amount: 3, unit: 'days' },
        },
        {
          type: 'purchased',
          window: { kind: 'last', amount: 3, unit: 'days' },
          count: { operator: 'eq', value: 0 },
        },
      ],
    },
  },
];
