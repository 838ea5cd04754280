import { z } from 'zod';
import type { Catalogue } from './catalogue-types.js';
import { answer, error, jsonSchemaOf } from './responses.js';

const workspaceIdParam = {
  name: 'workspaceId',
  in: 'path',
  required: true,
  description: 'The workspace the WhatsApp number belongs to',
  schema: { type: 'string', minLength: 1, maxLength: 64 },
  example: 'ws_lens_shop',
};
const query = (name: string, description: string, example: string) => ({
  name,
  in: 'query',
  required: true,
  description,
  schema: { type: 'string', minLength: 1, maxLength: 512 },
  example,
});
const webhook = { tags: ['webhooks'], security: [] };
const noWorkspace = error('not_found', 'No workspace with this id.', [
  {
    summary: 'Unknown workspace',
    message: 'no such workspace',
    details: [{ field: 'workspaceId', message: 'unknown workspace' }],
  },
]);

const received = jsonSchemaOf(
  z.object({
    ok: z.literal(true),
    messages: z.number().int().describe("people's messages read from the delivery"),
    statuses: z.number().int().describe('status updates read from the delivery'),
    unsubscribed: z
      .number()
      .int()
      .describe('profiles whose WhatsApp consent an opt-out word withdrew'),
  }),
);

/** Meta's WhatsApp Cloud API webhook: hidden from the generator (raw bodies), described here. */
export const whatsappOperations: Catalogue = {
  'GET /webhooks/whatsapp/{workspaceId}': {
    summary: 'WhatsApp webhook URL check',
    description:
      'Meta checks the callback URL saved in the WhatsApp webhook settings with ' +
      '`GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`; the challenge is echoed as ' +
      'text when the token is the configured `WHATSAPP_VERIFY_TOKEN`.',
    parameters: {
      'hub.mode': 'subscribe',
      'hub.verify_token': 'a-verify-token',
      'hub.challenge': '1158201444',
    },
    responses: {
      200: {
        ...answer('The challenge, echoed as plain text.', '1158201444'),
        contentType: 'text/plain',
        schema: { type: 'string' },
      },
      400: error('validation_failed', 'No challenge to echo.', [
        {
          summary: 'No challenge',
          message: 'hub.challenge: 1 to 512 characters',
          details: [{ field: 'querystring.hub.challenge', message: 'required' }],
        },
      ]),
      403: error(
        'forbidden',
        'The mode is not `subscribe`, the token is not the configured one, or none is configured.',
        [
          {
            summary: 'Wrong verify token',
            message: 'hub.mode must be subscribe and hub.verify_token the configured verify token',
            details: [{ field: 'hub.verify_token', message: 'does not match' }],
          },
        ],
      ),
      404: noWorkspace,
    },
    undeclared: {
      ...webhook,
      parameters: [
        workspaceIdParam,
        query('hub.mode', 'Always `subscribe`', 'subscribe'),
        query('hub.verify_token', 'The verify token typed into Meta’s dashboard', 'a-verify-token'),
        query('hub.challenge', 'The value to echo', '1158201444'),
      ],
    },
  },
  'POST /webhooks/whatsapp/{workspaceId}': {
    summary: 'WhatsApp webhook',
    description:
      'Subscribe the Meta app to the `messages` field with this URL. A person’s message opens ' +
      'the 24-hour customer-service window (free-form messages are sent while it is open, the ' +
      'approved template otherwise), is recorded as `WhatsApp Message Received`, and a message ' +
      'that is only STOP (or UNSUBSCRIBE, CANCEL, END, QUIT, STOPALL, הסר, הסרה) withdraws the ' +
      'WhatsApp consent of every profile whose phone is that number. Statuses of our messages ' +
      'move them on (`delivered`, `read` -> delivered; `failed` -> bounced with the error ' +
      'title) and are recorded as `WhatsApp Delivered`, `WhatsApp Read`, `WhatsApp Failed`. ' +
      'Signed by Meta with the app secret (`X-Hub-Signature-256: sha256=` and the hex ' +
      'HMAC-SHA256 of the raw body); a redelivery records nothing twice.',
    request: {
      description: 'A `whatsapp_business_account` notification.',
      example: {
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '102290129340398',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: {
                    display_phone_number: '15550783881',
                    phone_number_id: '106540352242922',
                  },
                  contacts: [{ profile: { name: 'Dana' }, wa_id: '972501234567' }],
                  messages: [
                    {
                      from: '972501234567',
                      id: 'wamid.HBgMOTcyNTAxMjM0NTY3FQIAEhgUM0E=',
                      timestamp: '1772443307',
                      type: 'text',
                      text: { body: 'STOP' },
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    },
    responses: {
      200: {
        ...answer('Received and applied.', { ok: true, messages: 1, statuses: 0, unsubscribed: 1 }),
        schema: received,
      },
      400: error('validation_failed', 'The body is not JSON.', [
        {
          summary: 'Not JSON',
          message: 'body: not JSON',
          details: [{ field: 'body', message: 'not JSON' }],
        },
      ]),
      401: error(
        'unauthorized',
        'The signature is missing, wrong, or no app secret is configured; nothing is stored.',
        [
          {
            summary: 'Wrong signature',
            message: 'X-Hub-Signature-256 missing or wrong for this app secret',
            details: [{ field: 'x-hub-signature-256', message: 'does not match the app secret' }],
          },
        ],
      ),
      404: noWorkspace,
      413: error('payload_too_large', 'The body is over 1 MB.', [
        {
          summary: 'Body over 1 MB',
          message: 'request body is over the 1024 KB limit of this endpoint',
          details: [{ field: 'body', message: 'limit is 1024 KB (1048576 bytes)' }],
        },
      ]),
    },
    undeclared: {
      ...webhook,
      parameters: [
        workspaceIdParam,
        {
          name: 'X-Hub-Signature-256',
          in: 'header',
          required: true,
          description: '`sha256=` and the hex HMAC-SHA256 of the raw body with the app secret',
          schema: { type: 'string' },
          example: 'sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914',
        },
      ],
    },
  },
};
