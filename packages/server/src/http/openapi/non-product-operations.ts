import type { Catalogue } from './catalogue-types.js';
import { adminKeyProblems, answer, invalid } from './responses.js';

/** What recommendations leave out as not merchandise (docs/guides/recommendations.md). */
export const nonProductOperations: Catalogue = {
  'GET /api/v1/recommendations/non-products': {
    description:
      'The codes never recommended nor fitted on because they are not merchandise (postage, ' +
      'carriage, fees, discounts, adjustments), most orders first, with why: `catalog` (the ' +
      "product's `non_product` flag), or a rule learned by the last fit from the order lines: " +
      '`description` (its name reads as a charge, "DOTCOM POSTAGE"), `code` (a code without a ' +
      'digit among coded products, "POST", "M"), `price` (sold for nothing) or `frequency` (on ' +
      "most orders). The catalog's flag wins both ways and at once: `non_product: true` lists a " +
      'product as `catalog`; `non_product: false` keeps one the rules would exclude. `reason` ' +
      'keeps one reason; `limit` 1-200 (default 50); `cursor` is the `nextCursor` of the ' +
      'previous page.',
    parameters: { limit: 2 },
    responses: {
      200: answer('The non-products.', {
        nextCursor: '2',
        total: 3,
        data: [
          { productId: 'POST', title: 'POSTAGE', reason: 'code', orders: 1126 },
          { productId: 'gift-wrap', title: 'Gift wrapping', reason: 'catalog', orders: 88 },
        ],
      }),
      400: invalid(
        'An unknown reason',
        'querystring.reason',
        'Invalid option: expected one of "catalog"|"description"|"code"|"price"|"frequency"',
      ),
      ...adminKeyProblems,
    },
  },
};
