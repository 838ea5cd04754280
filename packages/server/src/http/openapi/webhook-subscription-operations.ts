import type { Catalogue } from './catalogue-types.js';
import { ANA_ID, at } from './examples.js';
import { adminKeyProblems, answer, error, invalid, missing, noContent } from './responses.js';

const SUBSCRIPTION_ID = 'whs_7c1e9a3b5d0f2a4c6e8b1d3f';
const DELIVERY_ID = 'whd_2b4d6f8a0c1e3a5c7e9b0d2f';

const input = {
  url: 'https://hooks.zapier.com/hooks/catch/123456/abcdef/',
  eventTypes: ['Order Completed', 'Segment Entered'],
  description: 'Zap: new VIPs to the sales sheet',
};
const subscription = {
  id: SUBSCRIPTION_ID,
  ...input,
  createdAt: at.now,
  disabledAt: null,
};
const noSubscription = missing(
  'No webhook subscription with this id in this workspace',
  `no webhook subscription ${SUBSCRIPTION_ID}`,
);
const delivery = {
  id: DELIVERY_ID,
  subscriptionId: SUBSCRIPTION_ID,
  eventType: 'Segment Entered',
  url: input.url,
  status: 'delivered',
  attempts: 1,
  nextAttemptAt: null,
  lastStatusCode: 200,
  lastError: null,
  createdAt: at.now,
  deliveredAt: at.now,
  payload: {
    id: 'seg:4182',
    type: 'Segment Entered',
    segment: { id: 'vip', name: 'VIP customers' },
    profileId: ANA_ID,
    at: at.now,
    cause: 'event',
  },
};

const signing =
  'Each POST carries `comeback-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, ' +
  '"<t>.<raw body>")>`: recompute it over the raw body as received, compare in constant time, ' +
  'and refuse a `t` more than 5 minutes from your clock (a replay). `idempotency-key` (the ' +
  'delivery id, also `comeback-delivery-id`) is the same on every retry of one delivery: drop ' +
  'one you have seen.';

/** Outgoing webhook subscriptions and their delivery log. */
export const webhookSubscriptionOperations: Catalogue = {
  'POST /api/v1/webhook-subscriptions': {
    description:
      'POSTs every event of the listed types to `url` as JSON, signed: track event names ' +
      '(`Order Completed`), `identify`, `page`, `Segment Entered`, `Segment Exited`, or `*` for ' +
      'all. Only what happens after the subscription is created is sent. A track or identify ' +
      'call arrives as `{ id, type, event, profileId, timestamp, properties | traits }` once ' +
      'its profile is known; a segment change as `{ id, type, segment: { id, name }, ' +
      'profileId, at, cause }`. ' +
      signing +
      ' Any answer other than 2xx is retried 1 minute later, doubling up to 6 hours, 8 tries ' +
      'in all; `410 Gone` disables the subscription. `http://` URLs are accepted (a workflow ' +
      'tool on your own network) but payloads then travel unencrypted: prefer `https://`. The ' +
      '`secret` is shown in this answer only. At most 50 subscriptions per workspace.',
    request: { example: input },
    responses: {
      201: answer('Subscribed.', {
        ...subscription,
        secret: 'whsec_Jx0m3P5...kept-secret...Q2w',
      }),
      400: invalid('Not an http(s) URL', 'url', 'must be an http(s) URL without credentials'),
      ...adminKeyProblems,
      409: error('conflict', 'The workspace already has 50 subscriptions.', [
        {
          summary: 'Too many subscriptions',
          message: 'a workspace has at most 50 webhook subscriptions; remove one first',
        },
      ]),
    },
  },
  'GET /api/v1/webhook-subscriptions': {
    description: "The workspace's webhook subscriptions, oldest first (secrets are not shown).",
    responses: { 200: answer('The subscriptions.', { data: [subscription] }), ...adminKeyProblems },
  },
  'GET /api/v1/webhook-subscriptions/{id}': {
    description:
      'One subscription. `disabledAt` is set once the subscriber answered `410 Gone`: create ' +
      'a new subscription to receive events again.',
    parameters: { id: SUBSCRIPTION_ID },
    responses: {
      200: answer('The subscription.', subscription),
      400: invalid('Not a subscription id', 'params.id', 'not a subscription id'),
      ...adminKeyProblems,
      404: noSubscription,
    },
  },
  'DELETE /api/v1/webhook-subscriptions/{id}': {
    description: 'Removes the subscription and its delivery log; pending deliveries are dropped.',
    parameters: { id: SUBSCRIPTION_ID },
    responses: { 204: noContent('Removed.'), ...adminKeyProblems, 404: noSubscription },
  },
  'GET /api/v1/webhook-subscriptions/{id}/deliveries': {
    description:
      'Every delivery made or owed to the subscription, newest first: `pending` (with ' +
      '`nextAttemptAt` after a failure), `delivered`, `failed` (after 8 tries, or `410 Gone`), ' +
      '`cancelled` (the subscription was disabled), with the last HTTP status and error.',
    parameters: { id: SUBSCRIPTION_ID, limit: 50 },
    responses: {
      200: answer('A page of deliveries.', { data: [delivery], nextCursor: null }),
      400: invalid(
        'A cursor this API did not hand out',
        'querystring.cursor',
        'must be the nextCursor of a previous page',
      ),
      ...adminKeyProblems,
      404: noSubscription,
    },
  },
  'GET /api/v1/webhook-channel/secret': {
    description:
      "The secret the webhook channel signs this workspace's messages with (created on first " +
      'use). ' +
      signing.replace(
        'the delivery id, also `comeback-delivery-id`',
        'the message id, also `comeback-message-id`',
      ),
    responses: {
      200: answer('The secret.', { secret: 'whsec_Jx0m3P5...kept-secret...Q2w' }),
      ...adminKeyProblems,
    },
  },
};
