import type { Catalogue, OperationDoc, ResponseDoc } from './catalogue-types.js';
import { answer, error, invalid, writeKeyProblems } from './responses.js';

const acknowledged = answer(
  'Every call is durable (committed) and will be applied to its profile by the processor, ' +
    'normally within milliseconds. The same `messageId` sent twice is stored once.',
  { success: true },
);

const tooLarge = (kb: number): ResponseDoc =>
  error('payload_too_large', `The body is over ${kb} KB.`, [
    {
      summary: 'Body over the limit',
      message: `request body is over the ${kb} KB limit of this endpoint`,
      details: [{ field: 'body', message: `limit is ${kb} KB (${kb * 1024} bytes)` }],
    },
  ]);

const overloaded = error(
  'rate_limited',
  'The server is saturated (too many events wait to be committed, or they wait too long): ' +
    'retry after the `Retry-After` seconds, as Segment SDKs do. Nothing of this request is stored.',
  [
    {
      summary: 'Too many events waiting',
      message: 'ingestion is saturated (50000 events waiting to be committed); retry shortly',
    },
    {
      summary: 'Requests waiting too long',
      message:
        'ingestion is saturated (the oldest waiting request has waited 2140 ms, over the 2000 ms bound); retry shortly',
    },
  ],
);
overloaded.headers = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
};

const common = (invalidExample: ResponseDoc): OperationDoc['responses'] => ({
  200: acknowledged,
  400: invalidExample,
  ...writeKeyProblems,
  413: tooLarge(32),
  429: overloaded,
});

const keyNote =
  'Authenticate with the **write key**: HTTP Basic with the key as the user name (as Segment ' +
  'SDKs send it), `Authorization: Bearer <key>`, or, where headers cannot be set ' +
  '(`navigator.sendBeacon`), a `writeKey` field in the JSON body, removed before storage. ' +
  'Answers CORS requests from any origin. `text/plain` bodies are read as JSON. ' +
  'Limit: 32 KB per call. A `timestamp` more than a day after the receipt is replaced by the ' +
  'receipt time (and the event flagged), so a wrong clock cannot pin traits in the future.';

const call = (what: string, example: unknown, bad: ResponseDoc): OperationDoc => ({
  description: `${what}\n\n${keyNote}`,
  request: { example },
  responses: common(bad),
});

/** The Segment-compatible tracking API. */
export const trackingOperations: Catalogue = {
  'POST /v1/track': call(
    'Records something a visitor or customer did (`Product Viewed`, `Order Completed`, ...). ' +
      'E-commerce spec events update the profile: `Order Completed` with `order_id`, `total` ' +
      'and `products` creates the order and its lines and updates the computed fields. Needs ' +
      '`event` and one of `userId` or `anonymousId`. Money is at most 1e12 and a quantity at ' +
      'most 1e6; on order events amounts are numbers (or decimal strings) and never negative.',
    {
      userId: 'u-1',
      event: 'Order Completed',
      properties: {
        order_id: '1001',
        total: 59.9,
        currency: 'USD',
        products: [
          { product_id: 'lens-30', category: 'Contact Lenses', price: 29.95, quantity: 2 },
        ],
      },
    },
    error('validation_failed', 'The call is invalid; `details` names each field.', [
      {
        summary: 'No event name',
        message: 'event: Invalid input: expected string, received undefined',
        details: [
          { field: 'event', message: 'Invalid input: expected string, received undefined' },
        ],
      },
      {
        summary: 'A negative order total',
        message:
          'properties.total: must not be negative, got -50 (send an Order Refunded event to lower what was spent)',
        details: [
          {
            field: 'properties.total',
            message:
              'must not be negative, got -50 (send an Order Refunded event to lower what was spent)',
          },
        ],
      },
      {
        summary: 'An absurd price and quantity',
        message:
          "properties.products.0.price: must be at most 1e+12 (the store's currency units), got 1e+200",
        details: [
          {
            field: 'properties.products.0.price',
            message: "must be at most 1e+12 (the store's currency units), got 1e+200",
          },
          {
            field: 'properties.products.0.quantity',
            message: 'must be at most 1e+6 (items), got 1e+200',
          },
        ],
      },
    ]),
  ),
  'POST /v1/identify': call(
    'Says who a visitor is and sets traits on their profile. With both `anonymousId` and ' +
      '`userId` (or an email trait), the anonymous browsing joins the known profile; two ' +
      'profiles that turn out to be one person are merged. Traits of a declared custom field ' +
      'are validated and coerced to its type.',
    {
      anonymousId: 'a-1',
      userId: 'u-1',
      traits: { email: 'ana@example.com', first_name: 'Ana', last_name: 'Silva' },
    },
    invalid('Neither userId nor anonymousId', 'userId', 'userId or anonymousId is required'),
  ),
  'POST /v1/page': call(
    'A page view on the storefront: updates `last_seen_at`, kept in the profile timeline.',
    {
      anonymousId: 'a-1',
      name: 'Daily contact lenses, 30 pack',
      properties: { url: 'https://shop.example.com/p/lens-30', path: '/p/lens-30' },
    },
    invalid('A name that is not text', 'name', 'Invalid input: expected string, received number'),
  ),
  'POST /v1/screen': call(
    'A screen view in a mobile app: like `page`, for apps.',
    { userId: 'u-1', name: 'Reorder lenses' },
    invalid('A name that is not text', 'name', 'Invalid input: expected string, received number'),
  ),
  'POST /v1/alias': call(
    'Joins a previous id to a user id: the profile of `previousId` is merged into the profile ' +
      'of `userId` (Segment `alias`).',
    { previousId: 'a-1', userId: 'u-1' },
    invalid('No previousId', 'previousId', 'Invalid input'),
  ),
  'POST /v1/group': call(
    'Associates the person with a group (a company account); the group id and traits are kept ' +
      'in the profile timeline.',
    { userId: 'u-1', groupId: 'optician-berlin-mitte', traits: { name: 'Optik Mitte GmbH' } },
    invalid('No groupId', 'groupId', 'Invalid input'),
  ),
  'POST /v1/batch': {
    description:
      'Several calls in one request, as Segment SDKs send them. Each element carries its ' +
      '`type`. The batch is accepted or refused as a whole: one invalid call refuses it (400 ' +
      'naming `batch.N.field`) and nothing is stored. Limit: 500 KB per batch, 32 KB per ' +
      `call.\n\n${keyNote.replace('Limit: 32 KB per call. ', '')}`,
    request: {
      example: {
        batch: [
          {
            type: 'track',
            anonymousId: 'a-1',
            event: 'Product Viewed',
            properties: { product_id: 'lens-30' },
            messageId: 'ajs-next-1741903504120-4f0e',
            timestamp: '2026-03-02T08:15:04.120Z',
          },
          {
            type: 'identify',
            anonymousId: 'a-1',
            userId: 'u-1',
            traits: { email: 'ana@example.com' },
          },
        ],
        sentAt: '2026-03-02T08:15:05.000Z',
      },
    },
    responses: {
      ...common(
        invalid(
          'One call in the batch lacks its event name',
          'batch.0.event',
          'Invalid input: expected string, received undefined',
        ),
      ),
      413: tooLarge(500),
    },
  },
};
