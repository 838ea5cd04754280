import type { Catalogue } from './catalogue-types.js';
import { connector, profileExport } from './examples.js';
import { adminKeyProblems, answer, invalid, missing, noContent } from './responses.js';

const noConnector = missing(
  'No connector with this id in this workspace',
  `no connector ${connector.id} in this workspace`,
  'id',
);
const longId = invalid(
  'An id over 64 characters',
  'params.id',
  'Too big: expected string to have <=64 characters',
);

/** Connector administration (admin key). */
export const connectorOperations: Catalogue = {
  'POST /api/v1/connectors': {
    description:
      'Connects a store (`shopify`, `woocommerce` or `magento` for Adobe Commerce). Answers ' +
      'with the webhook URL to register in the store and the signing secret, shown only this ' +
      "once. For Shopify give the app's client secret (it signs Shopify's webhooks) and the " +
      "shop's `shopDomain`: deliveries from any other shop are refused (without it, the first " +
      'shop that delivers is the one served). For the others a secret is generated when none ' +
      'is given. See docs/guides/store-data.md.',
    request: {
      example: {
        platform: 'shopify',
        name: 'Lens shop (Shopify)',
        secret: 'shpss_0c1d2e3f4a5b6c7d',
        shopDomain: 'lens-shop.myshopify.com',
      },
    },
    responses: {
      201: answer('The connector, its webhook URL and its secret.', {
        ...connector,
        deliveries: { total: 0, failed: 0, lastReceivedAt: null, lastError: null },
        secret: 'shpss_0c1d2e3f4a5b6c7d',
      }),
      400: invalid(
        'An unknown platform',
        'platform',
        'Invalid option: expected one of "shopify"|"woocommerce"|"magento"',
      ),
      ...adminKeyProblems,
    },
  },
  'GET /api/v1/connectors': {
    description:
      'The connectors of this workspace (disabled ones too) with their delivery counts and the ' +
      'last error: the place to see whether a store is still sending.',
    responses: {
      200: answer('The connectors.', { data: [connector] }),
      ...adminKeyProblems,
    },
  },
  'GET /api/v1/connectors/{id}': {
    description: 'One connector, with its webhook URL and delivery counts (never the secret).',
    parameters: { id: connector.id },
    responses: {
      200: answer('The connector.', connector),
      400: longId,
      ...adminKeyProblems,
      404: noConnector,
    },
  },
  'DELETE /api/v1/connectors/{id}': {
    description:
      'Disables a connector: its webhook URL answers 404 from now on. What it brought in stays.',
    parameters: { id: connector.id },
    responses: {
      204: noContent('Disabled.'),
      400: longId,
      ...adminKeyProblems,
      404: noConnector,
    },
  },
  'GET /api/v1/connectors/{id}/deliveries': {
    description:
      'The webhook delivery log, newest first: topic, outcome (`processed`, `ignored`, ' +
      '`failed`), events it produced and the error of a failed one. `failed=true` lists only ' +
      'the failures; `limit` 1-500 (default 50).',
    parameters: { id: connector.id, limit: 50, failed: 'false' },
    responses: {
      200: answer('The latest deliveries.', {
        data: [
          {
            deliveryId: 'b54557e4-bdd9-4b37-8a5f-bf7d70fcd043',
            topic: 'orders/create',
            receivedAt: '2026-05-04T09:12:30.000Z',
            outcome: 'processed',
            events: 2,
            error: null,
          },
          {
            deliveryId: '7b2ac0f1-0d9e-4b5c-9f1e-2c6d8f4a9e01',
            topic: 'orders/updated',
            receivedAt: '2026-05-04T08:02:11.000Z',
            outcome: 'failed',
            events: 0,
            error: 'orders/updated payload: total_price: must be a number written as text',
          },
        ],
      }),
      400: invalid('A limit over 500', 'querystring.limit', 'Too big: expected number to be <=500'),
      ...adminKeyProblems,
      404: noConnector,
    },
  },
  'GET /api/v1/connectors/{id}/data-requests': {
    description:
      'GDPR access requests the store forwarded (Shopify `customers/data_request`): the ' +
      "store's request, the identifiers it names, and the export of each matching profile, to " +
      'send to the customer. The latest 100.',
    parameters: { id: connector.id },
    responses: {
      200: answer('The requests, newest first.', {
        data: [
          {
            id: 1,
            receivedAt: '2026-05-04T09:20:00.000Z',
            identifiers: { email: 'ana@example.com', phone: null, customer_id: '7001' },
            request: {
              shop_id: 954889,
              shop_domain: 'lens-shop.myshopify.com',
              orders_requested: [1001],
              customer: { id: 7001, email: 'ana@example.com', phone: null },
              data_request: { id: 9999 },
            },
            profiles: [profileExport],
          },
        ],
      }),
      400: longId,
      ...adminKeyProblems,
      404: noConnector,
    },
  },
};
