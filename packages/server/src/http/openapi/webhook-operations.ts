import { z } from 'zod';
import type { Catalogue } from './catalogue-types.js';
import { connector } from './examples.js';
import { answer, answers, error, invalid, jsonSchemaOf } from './responses.js';

const connectorIdParam = {
  name: 'connectorId',
  in: 'path',
  required: true,
  description: 'The connector id from `POST /api/v1/connectors` (its `webhookUrl` ends with it)',
  schema: { type: 'string', minLength: 1, maxLength: 64 },
  example: connector.id,
};
const header = (name: string, description: string, example: string, required = false) => ({
  name,
  in: 'header',
  required,
  description,
  schema: { type: 'string' },
  example,
});
const webhookAnswer = jsonSchemaOf(
  z.object({
    ok: z.literal(true),
    outcome: z
      .enum(['processed', 'duplicate', 'ignored', 'ping'])
      .describe(
        'processed: applied; duplicate: this delivery id was applied before; ignored: a topic ' +
          'not used (logged); ping: the platform checking the URL',
      ),
  }),
);
const received = (extra: { summary: string; value: unknown }[] = []) => ({
  ...answers('Received: answered once the delivery and what it changed are durably stored.', [
    { summary: 'Applied', value: { ok: true, outcome: 'processed' } },
    { summary: 'A redelivery of one already applied', value: { ok: true, outcome: 'duplicate' } },
    { summary: 'A topic Comeback does not use', value: { ok: true, outcome: 'ignored' } },
    ...extra,
  ]),
  schema: webhookAnswer,
});
const badSignature = error(
  'unauthorized',
  "The signature is missing or does not match the connector's secret; nothing is stored.",
  [
    {
      summary: 'Wrong signature',
      message: 'webhook signature missing or wrong for this connector',
      details: [{ field: 'signature', message: 'does not match the connector secret' }],
    },
  ],
);
const noWebhookConnector = (platform: string) =>
  error('not_found', 'No active connector of this platform with this id (or it was disabled).', [
    {
      summary: 'Unknown or disabled connector',
      message: `no active ${platform} connector ${connector.id}`,
      details: [{ field: 'connectorId', message: 'unknown or disabled connector' }],
    },
  ]);
const tooLarge = error('payload_too_large', 'The body is over 5 MB.', [
  {
    summary: 'Body over 5 MB',
    message: 'request body is over the 5120 KB limit of this endpoint',
    details: [{ field: 'body', message: 'limit is 5120 KB (5242880 bytes)' }],
  },
]);
const webhook = {
  tags: ['webhooks'],
  security: [],
};
const retryNote =
  'A failed delivery (4xx other than 401/404) is recorded in the delivery log with its reason ' +
  '(`GET /api/v1/connectors/{id}/deliveries`); the store retries it. The body is read as raw ' +
  'bytes (the signature covers them exactly), up to 5 MB.';

/** The inbound store webhooks: hidden from the generator (raw bodies), described here. */
export const webhookOperations: Catalogue = {
  'POST /webhooks/shopify/{connectorId}': {
    summary: 'Shopify webhook',
    description:
      'Register this URL for the topics Comeback uses: `orders/create`, `orders/updated`, ' +
      '`orders/paid`, `orders/cancelled`, `orders/fulfilled`, `orders/partially_fulfilled`, ' +
      '`refunds/create`, `fulfillments/create`, `fulfillments/update`, `checkouts/create`, ' +
      '`checkouts/update`, `customers/create`, `customers/update`, `products/create`, ' +
      '`products/update`, `inventory_levels/update`, and the mandatory GDPR topics ' +
      '`customers/data_request`, `customers/redact`, `shop/redact` (their payloads are checked ' +
      'strictly; `shop/redact` removes only what came from that shop through this connector). ' +
      "Other topics are ignored. Only deliveries from the connector's shop are accepted " +
      '(`X-Shopify-Shop-Domain`). ' +
      'Signed by Shopify with the app client secret (`X-Shopify-Hmac-Sha256`, base64 HMAC-SHA256 ' +
      'of the body); deduplicated by `X-Shopify-Webhook-Id`, which a retry keeps. ' +
      retryNote,
    request: {
      description: 'The Shopify resource of the topic (an order, a customer, a product, ...).',
      example: {
        id: 1001,
        name: '#1001',
        email: 'ana@example.com',
        currency: 'USD',
        created_at: '2026-03-02T09:21:47+01:00',
        total_price: '59.90',
        line_items: [
          {
            product_id: 632910392,
            variant_id: 808950810,
            sku: 'L30-M300',
            title: 'Daily contact lenses, 30 pack',
            price: '29.95',
            quantity: 2,
          },
        ],
        customer: { id: 7001, email: 'ana@example.com', first_name: 'Ana', last_name: 'Silva' },
      },
    },
    responses: {
      200: received(),
      400: error('validation_failed', 'A header or the payload is missing or malformed.', [
        {
          summary: 'No topic header',
          message: 'the X-Shopify-Topic header is missing',
          details: [{ field: 'x-shopify-topic', message: 'required: the webhook topic' }],
        },
        {
          summary: 'No shop domain header',
          message: 'the X-Shopify-Shop-Domain header is missing or malformed',
          details: [
            {
              field: 'x-shopify-shop-domain',
              message: 'required: the shop the webhook comes from',
            },
          ],
        },
      ]),
      401: badSignature,
      403: error('forbidden', 'The delivery comes from another shop than the connector serves.', [
        {
          summary: 'Another shop',
          message:
            'this connector serves the shop lens-shop.myshopify.com, not other-shop.myshopify.com',
          details: [
            { field: 'x-shopify-shop-domain', message: 'another shop than the connector serves' },
          ],
        },
      ]),
      404: noWebhookConnector('shopify'),
      413: tooLarge,
    },
    undeclared: {
      ...webhook,
      parameters: [
        connectorIdParam,
        header('X-Shopify-Topic', 'The webhook topic', 'orders/create', true),
        header(
          'X-Shopify-Hmac-Sha256',
          'base64 HMAC-SHA256 of the raw body with the client secret',
          'kR3C8o1n0Fq0kq4m3C5X8m0zJq7Jb0hP3m6V2b1yQxE=',
          true,
        ),
        header(
          'X-Shopify-Webhook-Id',
          'The delivery id, kept by retries',
          'b54557e4-bdd9-4b37-8a5f-bf7d70fcd043',
        ),
        header(
          'X-Shopify-Shop-Domain',
          "The shop that sent it: must be the connector's shop",
          'lens-shop.myshopify.com',
          true,
        ),
        header('X-Shopify-Triggered-At', 'When the change happened', '2026-03-02T08:21:48.000Z'),
      ],
    },
  },
  'POST /webhooks/woocommerce/{connectorId}': {
    summary: 'WooCommerce webhook',
    description:
      'Create one WooCommerce webhook per topic with this URL and the connector secret: ' +
      '`order.created`, `order.updated`, `customer.created`, `customer.updated`, ' +
      '`product.created`, `product.updated`. Signed with `X-WC-Webhook-Signature` (base64 ' +
      'HMAC-SHA256 of the body). The unsigned ping WooCommerce sends when a webhook is saved ' +
      '(`webhook_id=N`) is answered 200 so it can be saved. Orders count once paid ' +
      '(`processing`, `on-hold`, `completed`). ' +
      retryNote,
    request: {
      description: 'The WooCommerce REST resource of the topic (an order, customer or product).',
      example: {
        id: 1001,
        status: 'processing',
        currency: 'USD',
        date_created_gmt: '2026-03-02T08:21:47',
        total: '59.90',
        billing: { email: 'ana@example.com', first_name: 'Ana', last_name: 'Silva' },
        customer_id: 7001,
        line_items: [
          {
            product_id: 42,
            variation_id: 0,
            sku: 'L30-M300',
            name: 'Daily contact lenses, 30 pack',
            price: 29.95,
            quantity: 2,
          },
        ],
      },
    },
    responses: {
      200: received([
        { summary: 'The ping when the webhook is saved', value: { ok: true, outcome: 'ping' } },
      ]),
      400: invalid('A body that is not JSON', 'body', 'not JSON'),
      401: badSignature,
      404: noWebhookConnector('woocommerce'),
      413: tooLarge,
    },
    undeclared: {
      ...webhook,
      parameters: [
        connectorIdParam,
        header('X-WC-Webhook-Topic', 'The webhook topic', 'order.created'),
        header(
          'X-WC-Webhook-Signature',
          'base64 HMAC-SHA256 of the raw body with the secret',
          'Vd3nM9Qm3m8pZ0w8W0qk4r9+u2b5l3m1c0a7y6x5z4Q=',
          true,
        ),
        header('X-WC-Webhook-Delivery-ID', 'The delivery id', '9c1b7f3e2d4a'),
      ],
    },
  },
  'POST /webhooks/magento/{connectorId}': {
    summary: 'Adobe Commerce (Magento) event',
    description:
      'The Adobe I/O Events webhook URL for Adobe Commerce events (one CloudEvent per request, ' +
      'not batched): `observer.sales_order_save_after`, `observer.sales_order_save_commit_after`, ' +
      '`observer.customer_save_after`, `observer.customer_save_commit_after`, ' +
      '`observer.catalog_product_save_after`, `observer.catalog_product_save_commit_after`, ' +
      '`observer.cataloginventory_stock_item_save_commit_after`, ' +
      "`observer.checkout_cart_product_add_after`. Signed either with Adobe's digital signatures " +
      '(`X-Adobe-Digital-Signature-1/2`, RSA-SHA256; give the public key as the connector ' +
      'secret) or with `X-Adobe-Signature` (base64 HMAC-SHA256 with the client secret). ' +
      'Deduplicated by the CloudEvent id. ' +
      retryNote,
    request: {
      description: 'A CloudEvent whose `data.value` is the Commerce entity.',
      example: {
        id: '8f0e4c3a-5d8b-4e8f-9a2c-1b7d6e5f4a3b',
        type: 'com.adobe.commerce.observer.sales_order_save_commit_after',
        time: '2026-03-02T08:21:48.000Z',
        data: {
          value: {
            increment_id: '000001001',
            customer_email: 'ana@example.com',
            grand_total: 59.9,
            order_currency_code: 'USD',
            state: 'processing',
            created_at: '2026-03-02 08:21:47',
          },
        },
      },
    },
    responses: {
      200: received(),
      400: error('validation_failed', 'The body is not one CloudEvent of a known shape.', [
        {
          summary: 'A batched delivery',
          message: 'body: a batch of events; register the webhook for single events',
          details: [
            { field: 'body', message: 'batched delivery (webhook_batch) is not supported' },
          ],
        },
      ]),
      401: badSignature,
      404: noWebhookConnector('magento'),
      413: tooLarge,
    },
    undeclared: {
      ...webhook,
      parameters: [
        connectorIdParam,
        header(
          'X-Adobe-Digital-Signature-1',
          'base64 RSA-SHA256 signature of the body',
          'Y2FmZWJhYmU...',
        ),
        header('X-Adobe-Digital-Signature-2', 'the same with the second key', 'ZGVhZGJlZWY...'),
        header(
          'X-Adobe-Signature',
          'base64 HMAC-SHA256 of the body with the client secret',
          'q0m3k1n2b4v5c6x7z8a9s0d1f2g3h4j5k6l7=',
        ),
      ],
    },
  },
  'GET /webhooks/magento/{connectorId}': {
    summary: 'Adobe I/O Events URL check',
    description:
      'Adobe I/O Events checks a webhook URL before using it with `GET ?challenge=…`; the ' +
      'challenge is echoed for an existing, active Adobe Commerce connector.',
    parameters: { challenge: '3b2a1f0e-challenge' },
    responses: {
      200: {
        ...answer('The challenge, echoed.', { challenge: '3b2a1f0e-challenge' }),
        schema: jsonSchemaOf(z.object({ challenge: z.string() })),
      },
      400: invalid(
        'No challenge',
        'querystring.challenge',
        'Invalid input: expected string, received undefined',
      ),
      404: error('not_found', 'No active Adobe Commerce connector with this id.', [
        {
          summary: 'Unknown or disabled connector',
          message: 'no such Adobe Commerce connector',
          details: [{ field: 'connectorId', message: 'unknown or disabled connector' }],
        },
      ]),
    },
    undeclared: {
      ...webhook,
      parameters: [
        connectorIdParam,
        {
          name: 'challenge',
          in: 'query',
          required: true,
          schema: { type: 'string', minLength: 1, maxLength: 512 },
        },
      ],
    },
  },
};
