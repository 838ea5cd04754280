import type { Catalogue, ResponseDoc } from './catalogue-types.js';
import { ANA_ID, at } from './examples.js';
import { adminKeyProblems, answer, error, invalid, missing, noContent } from './responses.js';

const MESSAGE_ID = 'msg_5d2b8e1f4a7c9e3b6d0a2c4f';
const OLDER_ID = 'msg_1a4c7e0b3d6f9a2c5e8b1d4f';
const CLIENT_TOKEN =
  'eyJ3IjoiZGVmYXVsdCIsInAiOiIwYjZmM2MxZS04ZDJhLTRmNTctOWMxZS01YTdkMmI5ZTRmMTAiLCJlIjoiMTc4MDQ3OTAwMDAwMCJ9.1aagEvag0xHWD-jZjIIs4k8CfOjS6WKHp-4qsG6kiqg';
const VAPID_PUBLIC_KEY =
  'BE7zkWj7Fi-f8slnpRw0qhTVxPTPzZ6up5oCop3m-WsSVRF95qP-2oPRC4g_QBhaSTrVw8Nt_CnwHBMvFgMcjgc';
const ENDPOINT =
  'https://fcm.googleapis.com/fcm/send/d61c5u920dw:APA91bEmnw8utjDYCqSRplFMVCzQMg9e5XxpYajvh37mv2QIlISdasBFLbFca9ZZ4Uqcya0ck';
const subscription = {
  endpoint: ENDPOINT,
  expirationTime: null,
  keys: {
    p256dh:
      'BOy2vI4VnOeNShcd9Z7lbzfUOzIe7BmB80YmseRN-oDX_D6rAiEJoKU41roOtICSMhk8EhltVnkkU5NWFJ0Po9Y',
    auth: 'n_gR3z9hCYcgx9OlMjj_CQ',
  },
};

const shipped = {
  id: MESSAGE_ID,
  title: 'Your lenses are on their way',
  body: 'Order 1001 has shipped and arrives on Thursday.',
  url: 'https://shop.example.com/orders/1001',
  createdAt: at.lastOrder,
  readAt: null,
  archivedAt: null,
};
const reorder = {
  id: OLDER_ID,
  title: 'Time to reorder?',
  body: 'Your 30-pack of daily lenses runs out in about 5 days.',
  url: 'https://shop.example.com/p/lens-30',
  createdAt: at.firstOrder,
  readAt: at.lastOrder,
  archivedAt: null,
};

/** Every storefront call: the token is missing, altered, for another kind, or expired. */
const tokenProblem: ResponseDoc = error(
  'unauthorized',
  'No valid client token: send `Authorization: Bearer <client token>`; get a new one from ' +
    "the store's server when it has expired (30 days).",
  [
    {
      summary: 'Missing, altered or expired token',
      message: 'missing, invalid or expired client token: send Authorization: Bearer <token>',
      details: [{ field: 'authorization', message: 'missing, invalid or expired client token' }],
    },
  ],
);
const noMessage = missing(
  "No message with this id in this person's inbox (another person's message answers the same)",
  `no inbox message ${MESSAGE_ID}`,
  'id',
);

const tokenNote =
  'Authenticate with a **client token** (`Authorization: Bearer <token>`), which the store’s ' +
  'server gets for the signed-in customer from `POST /api/v1/profiles/{id}/client-token` and ' +
  'hands to the page or app. A client token reaches only its own person’s inbox and push ' +
  'subscriptions; never put the admin key in a browser.';

const stamped = (what: string, example: unknown) => ({
  description: `${what} Only the token's own messages; doing it again keeps the first time.\n\n${tokenNote}`,
  parameters: { id: MESSAGE_ID },
  responses: {
    200: answer('The message as it is now.', example),
    400: invalid(
      'An id that is too long',
      'id',
      'Too big: expected string to have <=200 characters',
    ),
    401: tokenProblem,
    404: noMessage,
  },
});

/** The storefront's calls for one signed-in person, and the admin call that issues its token. */
export const clientOperations: Catalogue = {
  'GET /v1/inbox': {
    description:
      "The person's in-app inbox, newest first, `limit` per page (at most 100, default 20). " +
      'Pass `nextCursor` as `cursor` for the next (older) page. Archived messages are left out ' +
      'unless `includeArchived=true`. `url`, when set, is where a tap should lead (always ' +
      `http or https).\n\n${tokenNote}`,
    parameters: { limit: 20 },
    responses: {
      200: answer('One page of messages.', {
        data: [shipped, reorder],
        nextCursor: 'WzE3Nzc3NDUwNTEwMDAsIm1zZ181ZDJiOGUxZjRhN2M5ZTNiNmQwYTJjNGYiXQ',
      }),
      400: invalid(
        'A cursor that is not a nextCursor',
        'cursor',
        'must be the nextCursor of a previous page',
      ),
      401: tokenProblem,
    },
  },
  'GET /v1/inbox/unread-count': {
    description: `How many messages are neither read nor archived: the badge on the inbox icon.\n\n${tokenNote}`,
    responses: { 200: answer('The count.', { count: 2 }), 401: tokenProblem },
  },
  'POST /v1/inbox/{id}/read': stamped('Marks a message read.', { ...shipped, readAt: at.now }),
  'POST /v1/inbox/{id}/archive': stamped('Archives a message: it leaves the default list.', {
    ...shipped,
    readAt: at.now,
    archivedAt: at.now,
  }),
  'POST /v1/push/subscriptions': {
    description:
      'Registers this browser for web push notifications for the person: send the JSON of ' +
      'the `PushSubscription` that `registration.pushManager.subscribe({ userVisibleOnly: true, ' +
      'applicationServerKey })` gave (with the key of `GET /v1/push/vapid-public-key`). The ' +
      'endpoint must be https, on a browser push service, at most 2000 characters. The same ' +
      'endpoint again replaces the earlier registration, also when another person signed in ' +
      `on this browser. A person keeps at most 10 browsers; beyond, the oldest is dropped.\n\n${tokenNote}`,
    request: { example: subscription },
    responses: {
      201: answer('Registered.', {
        id: 'psub_75b176a19e511d9adc155894',
        endpoint: ENDPOINT,
        createdAt: at.now,
      }),
      400: error(
        'validation_failed',
        'The subscription is not usable; `details` names the field.',
        [
          {
            summary: 'Not https',
            message: 'endpoint: must be an https URL without credentials',
            details: [{ field: 'endpoint', message: 'must be an https URL without credentials' }],
          },
          {
            summary: 'Not a browser push service',
            message: 'endpoint: push.example.net is not a known browser push service',
            details: [
              {
                field: 'endpoint',
                message: 'push.example.net is not a known browser push service',
              },
            ],
          },
          {
            summary: 'A key of the wrong length',
            message: 'keys.p256dh: must be an uncompressed P-256 public key (65 bytes, base64url)',
            details: [
              {
                field: 'keys.p256dh',
                message: 'must be an uncompressed P-256 public key (65 bytes, base64url)',
              },
            ],
          },
        ],
      ),
      401: tokenProblem,
    },
  },
  'DELETE /v1/push/subscriptions': {
    description:
      'Stops web push to this browser for the person (call it after ' +
      '`subscription.unsubscribe()`). Answers 204 also when the endpoint was not registered ' +
      `for this person.\n\n${tokenNote}`,
    request: { example: { endpoint: ENDPOINT } },
    responses: {
      204: noContent('Not registered (any more).'),
      400: invalid('No endpoint', 'endpoint', 'Invalid input: expected string, received undefined'),
      401: tokenProblem,
    },
  },
  'GET /v1/push/vapid-public-key': {
    description:
      "The instance's VAPID public key: pass it as `applicationServerKey` to " +
      '`pushManager.subscribe`. It never changes. No token needed.',
    responses: { 200: answer('The key (base64url).', { publicKey: VAPID_PUBLIC_KEY }) },
  },
  'POST /api/v1/profiles/{id}/client-token': {
    description:
      "Issues a client token for one profile, for the store's server to hand to that " +
      'signed-in customer’s browser or app: it reads their in-app inbox and manages their web ' +
      'push subscriptions (`/v1/inbox`, `/v1/push/*`), nothing else. Valid 30 days and not ' +
      'revocable before: ask for a new one at each sign-in.',
    parameters: { id: ANA_ID },
    responses: {
      201: answer('The token and when it stops working.', {
        token: CLIENT_TOKEN,
        expiresAt: '2026-06-03T09:30:00.000Z',
      }),
      400: invalid(
        'An id that is too long',
        'id',
        'Too big: expected string to have <=200 characters',
      ),
      ...adminKeyProblems,
      404: missing('No profile with this id', `no profile ${ANA_ID}`, 'id'),
    },
  },
};
