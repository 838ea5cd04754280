import type { ErrorDetail } from '@comeback/contracts';
import type { z } from 'zod';
import { fail, ok, type Result } from '../../platform/errors.js';
import type { StoreChanges } from './store-connector.js';

/** What one topic's payload means: changes to apply, or why there are none. */
export type Mapped = { changes: Partial<StoreChanges> } | { ignored: string };

export interface Context {
  topic: string;
  /** Prefix of every message id: the same Shopify fact always gets the same id. */
  prefix: string;
  /** The shop's myshopify.com domain (X-Shopify-Shop-Domain), for product URLs. */
  shop: string | null;
  /** When Shopify raised the webhook (X-Shopify-Triggered-At), for payloads without a time. */
  triggeredAt: number | null;
}

export type Mapper = (body: unknown, ctx: Context) => Result<Mapped>;

export function parse<S extends z.ZodType>(
  schema: S,
  body: unknown,
  topic: string,
): Result<z.output<S>> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return ok(parsed.data);
  const details: ErrorDetail[] = parsed.error.issues.slice(0, 20).map((issue) => ({
    field: issue.path.map(String).join('.') || 'body',
    message: issue.message,
  }));
  const first = details[0] ?? { field: 'body', message: 'is not valid' };
  return fail(
    'validation_failed',
    `Shopify ${topic} payload: ${first.field} ${first.message}`,
    details,
  );
}
