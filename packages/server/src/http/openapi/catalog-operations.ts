import type { Catalogue } from './catalogue-types.js';
import { ANA_ID, anaOrder, at, lensProduct, solutionProduct } from './examples.js';
import { adminKeyProblems, answer, invalid, missing } from './responses.js';

const noProduct = missing(
  'No product with this id in this workspace',
  'no product lens-30 in this workspace',
  'id',
);
const productInput = {
  id: 'lens-30',
  title: 'Daily contact lenses, 30 pack',
  url: 'https://shop.example.com/p/lens-30',
  image_url: 'https://shop.example.com/img/lens-30.jpg',
  categories: ['Contact Lenses'],
  price: 29.95,
  currency: 'USD',
  stock: 120,
  consumable: true,
  usage_days: 30,
  attributes: { brand: 'ClearDay', material: 'silicone hydrogel' },
  variants: [{ id: 'lens-30-m300', sku: 'L30-M300', title: '-3.00', price: 29.95, stock: 40 }],
  updated_at: '2026-04-28T07:45:00Z',
};
const badCurrency = invalid(
  'A currency that is not an ISO 4217 code',
  'currency',
  'a three-letter ISO 4217 code such as EUR',
);
const upsertNote =
  'Fields left out keep their stored value. A price lower than before records a `price_drop` ' +
  'catalog event, stock going from 0 to more a `back_in_stock` event. An `updated_at` older ' +
  'than the stored one is ignored (counted as `stale`), so out-of-order store updates cannot ' +
  'undo newer ones.';

/** Products, catalog events and orders. */
export const catalogOperations: Catalogue = {
  'POST /api/v1/products': {
    description: `Creates or updates one product (by its \`id\`, the store's product id). ${upsertNote}`,
    request: { example: productInput },
    responses: {
      200: answer('How many products were created or updated, and the catalog events raised.', {
        created: 1,
        updated: 0,
        stale: 0,
        catalogEvents: 0,
      }),
      400: badCurrency,
      ...adminKeyProblems,
    },
  },
  'POST /api/v1/products/batch': {
    description:
      'Creates or updates 1 to 1000 products in one transaction: all or none. ' +
      '`non_product: true` marks postage, a fee or an adjustment sold as a product: never ' +
      'recommended (GET /api/v1/recommendations/non-products lists them). ' +
      upsertNote,
    request: {
      example: {
        products: [
          { id: 'lens-90', title: 'Daily contact lenses, 90 pack', price: 74.9, stock: 25 },
          {
            id: 'solution-360',
            title: 'Multipurpose lens solution, 360 ml',
            categories: ['Lens Care'],
            price: 12.5,
            currency: 'USD',
            consumable: true,
            usage_days: 60,
          },
          { id: 'POST', title: 'Postage', non_product: true },
        ],
      },
    },
    responses: {
      200: answer('Counts over the whole batch.', {
        created: 2,
        updated: 1,
        stale: 0,
        catalogEvents: 2,
      }),
      400: invalid('An empty batch', 'products', 'Too small: expected array to have >=1 items'),
      ...adminKeyProblems,
    },
  },
  'PUT /api/v1/products/{id}': {
    description: `Creates or updates the product with this id and answers with it as stored. ${upsertNote}`,
    parameters: { id: 'lens-30' },
    request: { example: { price: 27.95, stock: 80 } },
    responses: {
      200: answer('The product as stored now.', { ...lensProduct, price: 27.95, stock: 80 }),
      400: badCurrency,
      ...adminKeyProblems,
    },
  },
  'GET /api/v1/products/{id}': {
    description: 'A product with its variants, stock, and what the store last said about it.',
    parameters: { id: 'lens-30' },
    responses: {
      200: answer('The product.', lensProduct),
      400: invalid(
        'An id over 256 characters',
        'params.id',
        'Too big: expected string to have <=256 characters',
      ),
      ...adminKeyProblems,
      404: noProduct,
    },
  },
  'GET /api/v1/products': {
    description:
      'Products ordered by id, a page at a time: `limit` 1-500 (default 100), then pass `next` ' +
      'back as `after`; `next` is null on the last page. `category` keeps only the products ' +
      'in that category.',
    parameters: { limit: 2, category: 'Contact Lenses' },
    responses: {
      200: answer('One page of products.', {
        data: [lensProduct, solutionProduct],
        next: 'solution-360',
      }),
      400: invalid('A limit over 500', 'querystring.limit', 'Too big: expected number to be <=500'),
      ...adminKeyProblems,
    },
  },
  'GET /api/v1/catalog-events': {
    description:
      'Back-in-stock and price-drop events, oldest first, after the sequence number `after` ' +
      '(default 0): keep the last `seq` you saw and ask again for what is new. `kind` keeps ' +
      'one kind.',
    parameters: { after: 0, kind: 'price_drop' },
    responses: {
      200: answer('Events after the given sequence number.', {
        data: [
          {
            seq: 2,
            kind: 'price_drop',
            productId: 'lens-90',
            variantId: null,
            details: { previous_price: 79.9, price: 74.9, currency: 'USD' },
            occurredAt: at.now,
          },
        ],
      }),
      400: invalid(
        'An unknown kind',
        'querystring.kind',
        'Invalid option: expected one of "back_in_stock"|"price_drop"',
      ),
      ...adminKeyProblems,
    },
  },
  'GET /api/v1/orders/{id}': {
    description:
      "An order by the store's order id, with its lines, refunds and fulfilments, and the " +
      'profile it belongs to.',
    parameters: { id: '1001' },
    responses: {
      200: answer('The order.', anaOrder),
      400: invalid(
        'An id over 256 characters',
        'params.id',
        'Too big: expected string to have <=256 characters',
      ),
      ...adminKeyProblems,
      404: missing(
        'No order with this id in this workspace',
        'no order 1001 in this workspace',
        'id',
      ),
    },
  },
  'GET /api/v1/profiles/{id}/orders': {
    description: "A profile's orders, newest first, with their lines, refunds and fulfilments.",
    parameters: { id: ANA_ID },
    responses: {
      200: answer("The profile's orders.", { data: [anaOrder] }),
      400: invalid(
        'An id over 256 characters',
        'params.id',
        'Too big: expected string to have <=256 characters',
      ),
      ...adminKeyProblems,
      404: missing('No profile with this id in this workspace', `no profile ${ANA_ID}`),
    },
  },
};
