import {
  createHash,
  createPublicKey,
  verify as verifySignature,
  type KeyObject,
} from 'node:crypto';
import { z } from 'zod';
import { fail, ok, type Result } from '../../platform/errors.js';
import { malformed, mapEvent } from './magento-mapping.js';
import {
  verifyBase64Hmac,
  type Received,
  type StoreConnector,
  type WebhookDelivery,
} from './store-connector.js';

/**
 * Adobe Commerce (Magento 2) through its eventing module: each observer event reaches the
 * webhook as an Adobe I/O Events CloudEvent (`type` com.adobe.commerce.observer.<event>, the
 * subscribed fields in `data.value`).
 *
 * Signatures. I/O Events signs every delivery with RSA-SHA256 over the raw body
 * (x-adobe-digital-signature-1 and -2, one per key), the public keys being served from
 * static.adobeioevents.com under the paths in x-adobe-public-key{1,2}-path. This server does
 * not fetch keys from anywhere, so the connector's secret decides the scheme:
 *  - a PEM public key ("-----BEGIN PUBLIC KEY-----"): a digital signature must verify with it.
 *    Adobe rotates its keys, so the pasted key must be replaced when it does.
 *  - anything else: the older x-adobe-signature, base64(HMAC-SHA256(body, client secret)) -
 *    the connector's secret is then the I/O project's client secret.
 */
export const MAGENTO_TOPICS = [
  'observer.sales_order_save_after',
  'observer.sales_order_save_commit_after',
  'observer.customer_save_commit_after',
  'observer.customer_save_after',
  'observer.catalog_product_save_commit_after',
  'observer.catalog_product_save_after',
  'observer.cataloginventory_stock_item_save_commit_after',
  'observer.checkout_cart_product_add_after',
] as const;

const envelopeSchema = z.object({
  id: z.string().min(1).optional(),
  event_id: z.string().min(1).optional(),
  type: z.string().min(1),
  time: z
    .string()
    .refine((v) => !Number.isNaN(Date.parse(v)), 'an RFC 3339 time')
    .optional(),
  data: z.object({ value: z.unknown() }),
});

function parseBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** "com.adobe.commerce.observer.sales_order_save_after" -> "observer.sales_order_save_after". */
function eventCodeOf(type: string): string {
  return /(?:^|\.)((?:observer|plugin)\.[\w.]+)$/.exec(type)?.[1] ?? type;
}

function publicKeyOf(secret: string): KeyObject | null {
  if (!secret.includes('-----BEGIN PUBLIC KEY-----')) return null;
  try {
    return createPublicKey({ key: secret, format: 'pem' });
  } catch {
    return null;
  }
}

export class MagentoConnector implements StoreConnector {
  readonly platform = 'magento' as const;
  readonly topics: readonly string[] = MAGENTO_TOPICS;

  verify(delivery: WebhookDelivery, secret: string): boolean {
    const h = delivery.headers;
    if (!secret.includes('-----BEGIN PUBLIC KEY-----')) {
      return verifyBase64Hmac(delivery.rawBody, secret, h['x-adobe-signature']);
    }
    const key = publicKeyOf(secret);
    if (!key) return false;
    return [h['x-adobe-digital-signature-1'], h['x-adobe-digital-signature-2']].some((s) => {
      if (!s) return false;
      try {
        return verifySignature(
          'RSA-SHA256',
          delivery.rawBody,
          key,
          Buffer.from(s.trim(), 'base64'),
        );
      } catch {
        return false;
      }
    });
  }

  /** The CloudEvent id: I/O Events keeps it when it retries a delivery. */
  deliveryIdOf(delivery: WebhookDelivery): string {
    const body = parseBody(delivery.rawBody);
    const envelope = typeof body === 'object' && body !== null ? body : {};
    const fromBody = 'id' in envelope && typeof envelope.id === 'string' ? envelope.id : null;
    const eventId =
      'event_id' in envelope && typeof envelope.event_id === 'string' ? envelope.event_id : null;
    const header = delivery.headers['x-adobe-event-id'] ?? null;
    const chosen = fromBody || eventId || header;
    if (chosen) return chosen.slice(0, 200);
    return `body:${createHash('sha256').update(delivery.rawBody).digest('hex').slice(0, 32)}`;
  }

  receive(delivery: WebhookDelivery, connectorId: string): Result<Received> {
    const body = parseBody(delivery.rawBody);
    if (body === undefined) {
      return fail('validation_failed', 'body: not JSON', [{ field: 'body', message: 'not JSON' }]);
    }
    if (Array.isArray(body)) {
      return fail(
        'validation_failed',
        'body: a batch of events; register the webhook for single events',
        [{ field: 'body', message: 'batched delivery (webhook_batch) is not supported' }],
      );
    }
    const envelope = envelopeSchema.safeParse(body);
    if (!envelope.success) return malformed('CloudEvent', envelope.error);
    const e = envelope.data;
    const topic = eventCodeOf(e.type);
    const deliveryId = this.deliveryIdOf(delivery);
    if (!this.topics.includes(topic)) {
      return ok({ kind: 'ignored', topic, deliveryId, reason: `event ${topic} is not used` });
    }
    const eventId = e.id ?? e.event_id ?? deliveryId;
    const at = e.time ? Date.parse(e.time) : null;
    const mapped = mapEvent(topic, e.data.value, { connectorId, eventId, at });
    if (!mapped.ok) return mapped;
    if (typeof mapped.value === 'string') {
      return ok({ kind: 'ignored', topic, deliveryId, reason: mapped.value });
    }
    return ok({ kind: 'changes', topic, deliveryId, changes: mapped.value });
  }
}
