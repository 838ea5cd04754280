import { z } from 'zod';
import { fail, ok, type Result } from '../../platform/errors.js';
import { isRecord } from '../../platform/json.js';
import { hasIdentity, identityOf } from './shopify-mapping.js';
import { shopifyId, text } from './shopify-payloads.js';
import { parse, type Context, type Mapper } from './shopify-topic.js';
import type { Identity } from './store-connector.js';

/**
 * The GDPR topics' payloads exactly as Shopify documents them
 * (https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance), and nothing else:
 * the HMAC covers the body but not the X-Shopify-Topic header, so a signed body of another topic
 * (an orders/create) replayed under a GDPR topic must fail here, not erase anyone.
 */
export const shopDomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9.-]{0,252}$/, 'must be the shop domain, such as shop.myshopify.com');
const gdprShop = { shop_id: shopifyId, shop_domain: shopDomain };
const gdprCustomer = z.strictObject({ id: shopifyId.nullish(), email: text, phone: text });
const orderIds = z.array(shopifyId).max(10_000);
const dataRequestSchema = z.strictObject({
  ...gdprShop,
  customer: gdprCustomer,
  orders_requested: orderIds.nullish(),
  data_request: z.strictObject({ id: shopifyId }),
});
const customerRedactSchema = z.strictObject({
  ...gdprShop,
  customer: gdprCustomer,
  orders_to_redact: orderIds.nullish(),
});
const shopRedactSchema = z.strictObject(gdprShop);

/** The payload's shop must be the one the delivery's header names. */
function sameShop(domain: string, ctx: Context): Result<true> {
  if (ctx.shop === null || ctx.shop === domain) return ok(true);
  return fail('validation_failed', `Shopify ${ctx.topic} payload: shop_domain is another shop`, [
    { field: 'shop_domain', message: 'must be the shop of X-Shopify-Shop-Domain' },
  ]);
}

function gdprIdentity(c: z.output<typeof gdprCustomer>, topic: string): Result<Identity> {
  const identity = identityOf(c.id, c);
  if (hasIdentity(identity)) return ok(identity);
  return fail('validation_failed', `Shopify ${topic} payload: customer has no id, email or phone`, [
    { field: 'customer', message: 'needs an id, email or phone' },
  ]);
}

export const dataRequest: Mapper = (body, ctx) => {
  const parsed = parse(dataRequestSchema, body, ctx.topic);
  if (!parsed.ok) return parsed;
  const shop = sameShop(parsed.value.shop_domain, ctx);
  if (!shop.ok) return shop;
  const identity = gdprIdentity(parsed.value.customer, ctx.topic);
  if (!identity.ok) return identity;
  const payload = isRecord(body) ? body : {};
  return ok({ changes: { dataRequests: [{ identity: identity.value, payload }] } });
};

export const customerRedact: Mapper = (body, ctx) => {
  const parsed = parse(customerRedactSchema, body, ctx.topic);
  if (!parsed.ok) return parsed;
  const shop = sameShop(parsed.value.shop_domain, ctx);
  if (!shop.ok) return shop;
  const identity = gdprIdentity(parsed.value.customer, ctx.topic);
  if (!identity.ok) return identity;
  const orderIds = parsed.value.orders_to_redact ?? [];
  return ok({ changes: { redactPeople: [{ identity: identity.value, orderIds }] } });
};

export const shopRedact: Mapper = (body, ctx) => {
  const parsed = parse(shopRedactSchema, body, ctx.topic);
  if (!parsed.ok) return parsed;
  const shop = sameShop(parsed.value.shop_domain, ctx);
  if (!shop.ok) return shop;
  return ok({ changes: { redactShop: true } });
};
