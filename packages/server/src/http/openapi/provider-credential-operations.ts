import {
  smtpCredentialsSchema,
  twilioCredentialsSchema,
  whatsappCredentialsSchema,
  type ProviderCredentialSummary,
} from '@comeback/contracts';
import { z } from 'zod';
import type { Catalogue, ResponseDoc } from './catalogue-types.js';
import { adminKeyProblems, answer, error, invalid, jsonSchemaOf, noContent } from './responses.js';

const SAVED_AT = '2026-03-01T12:00:00.000Z';
const summaries: ProviderCredentialSummary[] = [
  {
    provider: 'smtp',
    source: 'instance',
    updatedAt: null,
    sender: 'Agency <news@agency.example>',
    account: 'smtp.agency.example:587',
  },
  {
    provider: 'twilio',
    source: 'workspace',
    updatedAt: SAVED_AT,
    sender: '+972531234567',
    account: 'AC…cdef',
  },
  { provider: 'whatsapp', source: 'none', updatedAt: null, sender: null, account: null },
];

/** The admin key's refusals, and a session that is not an owner's. */
const ownersOnly: Record<number, ResponseDoc> = {
  ...adminKeyProblems,
  403: error('forbidden', 'Not an admin key, a session without its CSRF token, or not an owner.', [
    {
      summary: 'Not an admin key',
      message: 'this endpoint needs an admin key; a write key was sent',
      details: [{ field: 'authorization', message: 'needs scope admin' }],
    },
    {
      summary: 'An editor',
      message:
        'an editor may not change API keys, users or provider credentials: ask an owner of the workspace',
      details: [{ field: 'role', message: 'editor in workspace default' }],
    },
  ]),
};

const unknownProvider = error('not_found', 'Not a provider: smtp, twilio or whatsapp.', [
  {
    summary: 'An unknown provider',
    message: 'no provider sendgrid',
    details: [{ field: 'provider', message: 'one of smtp, twilio, whatsapp' }],
  },
]);

const WRITE_ONLY =
  'Credentials are **write-only**: sealed at rest with the instance secret, never returned; ' +
  'answers carry only the sender people see and a hint of the account (the SMTP host, the ' +
  "Twilio SID's last 4 characters).";

/** A workspace's own SMTP, Twilio and WhatsApp accounts (an agency's store each its own). */
export const providerCredentialOperations: Catalogue = {
  'GET /api/v1/provider-credentials': {
    description:
      'Whose account sends each provider channel of this workspace: `workspace` (its own, ' +
      "saved here), `instance` (the server's, from SMTP_URL, TWILIO_* and WHATSAPP_*), or " +
      '`none` (messages stay in the local outbox). ' +
      WRITE_ONLY,
    responses: {
      200: answer('One row per provider.', { data: summaries }),
      ...adminKeyProblems,
    },
  },
  'PUT /api/v1/provider-credentials/{provider}': {
    description:
      "Saves (or replaces) this workspace's own account at `smtp` (`url`, `from`), `twilio` " +
      '(`accountSid`, `authToken`, `from`) or `whatsapp` (`accessToken`, `phoneNumberId`, ' +
      '`appSecret`, `verifyToken`). From then on its email, SMS or WhatsApp messages go out ' +
      'through it, and its Twilio and Meta webhooks are verified with its own auth token, app ' +
      'secret and verify token (other server processes follow within 15 seconds). DKIM stays ' +
      'per instance. Owners and admin keys only. ' +
      WRITE_ONLY,
    parameters: { provider: 'twilio' },
    request: {
      description: "The provider's fields; no others are accepted.",
      schema: jsonSchemaOf(
        z.union([smtpCredentialsSchema, twilioCredentialsSchema, whatsappCredentialsSchema]),
      ),
      example: {
        accountSid: 'AC0123456789abcdef0123456789abcdef',
        authToken: 'your-twilio-auth-token-0001',
        from: '+972531234567',
      },
    },
    responses: {
      200: answer('What is shown of the saved account (never a secret).', summaries[1]),
      400: invalid('A malformed account SID', 'accountSid', 'must be AC followed by 32 hex digits'),
      ...ownersOnly,
      404: unknownProvider,
    },
  },
  'DELETE /api/v1/provider-credentials/{provider}': {
    description:
      "Forgets this workspace's own account at the provider: the instance's account (or the " +
      'local outbox) sends again. Owners and admin keys only.',
    parameters: { provider: 'twilio' },
    responses: {
      204: noContent('Forgotten.'),
      400: invalid(
        'A provider name over 64 characters',
        'params.provider',
        'Too big: expected string to have <=64 characters',
      ),
      ...ownersOnly,
      404: error('not_found', 'Not a provider, or none of its own saved.', [
        {
          summary: 'None saved',
          message: 'this workspace has no twilio account of its own',
          details: [{ field: 'provider', message: 'none saved' }],
        },
        {
          summary: 'An unknown provider',
          message: 'no provider sendgrid',
          details: [{ field: 'provider', message: 'one of smtp, twilio, whatsapp' }],
        },
      ]),
    },
  },
};
