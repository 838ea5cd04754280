import {
  catalogEventSchema,
  orderSchema,
  productInputSchema,
  type ProductInput,
  productSchema,
  storableText,
} from '@comeback/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../platform/errors.js';
import { principalOf, requireScope } from '../auth.js';
import type { Services } from '../services.js';
import { adminErrors, idParamsUpTo } from './admin-schemas.js';

const idParams = idParamsUpTo(256);
const errors = adminErrors;
const upsertResult = z.object({
  created: z.number(),
  updated: z.number(),
  stale: z.number(),
  catalogEvents: z.number(),
});
const notFound = (what: string, id: string) =>
  AppError.of('not_found', `no ${what} ${id} in this workspace`, [
    { field: 'id', message: 'not found' },
  ]);

/** Admin API: the catalog (products, variants, catalog events) and orders. */
export function catalogRoutes(app: FastifyInstance, s: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const admin = { onRequest: requireScope(s.keys, 'admin') };
  const security = [{ bearer: [] }];

  const upsert = async (workspaceId: string, products: ProductInput[]) => {
    const out = await s.catalog.upsert(workspaceId, products, 'api');
    return {
      created: out.created,
      updated: out.updated,
      stale: out.stale,
      catalogEvents: out.changes.length,
    };
  };

  r.post(
    '/api/v1/products',
    {
      ...admin,
      schema: {
        tags: ['catalog'],
        summary: 'Create or update one product (absent fields keep their stored value)',
        security,
        body: productInputSchema,
        response: { 200: upsertResult, ...errors },
      },
    },
    async (request) => upsert(principalOf(request).workspaceId, [request.body]),
  );

  r.post(
    '/api/v1/products/batch',
    {
      ...admin,
      schema: {
        tags: ['catalog'],
        summary: 'Create or update up to 1000 products in one transaction',
        security,
        body: z.object({ products: z.array(productInputSchema).min(1).max(1000) }),
        response: { 200: upsertResult, ...errors },
      },
    },
    async (request) => upsert(principalOf(request).workspaceId, request.body.products),
  );

  r.put(
    '/api/v1/products/:id',
    {
      ...admin,
      schema: {
        tags: ['catalog'],
        summary: 'Create or update one product by id',
        security,
        params: idParams,
        body: productInputSchema.omit({ id: true }),
        response: { 200: productSchema, ...errors },
      },
    },
    async (request) => {
      const workspaceId = principalOf(request).workspaceId;
      await s.catalog.upsert(workspaceId, [{ ...request.body, id: request.params.id }], 'api');
      const product = await s.catalog.get(workspaceId, request.params.id);
      if (!product) throw notFound('product', request.params.id);
      return product;
    },
  );

  r.get(
    '/api/v1/products/:id',
    {
      ...admin,
      schema: {
        tags: ['catalog'],
        summary: 'A product with its variants',
        security,
        params: idParams,
        response: { 200: productSchema, ...errors },
      },
    },
    async (request) => {
      const product = await s.catalog.get(principalOf(request).workspaceId, request.params.id);
      if (!product) throw notFound('product', request.params.id);
      return product;
    },
  );

  r.get(
    '/api/v1/products',
    {
      ...admin,
      schema: {
        tags: ['catalog'],
        summary: 'Products by id, a page at a time (pass `next` back as `after`)',
        security,
        querystring: z.object({
          after: storableText().min(1).max(256).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          category: storableText().min(1).max(256).optional(),
        }),
        response: {
          200: z.object({ data: z.array(productSchema), next: z.string().nullable() }),
          ...errors,
        },
      },
    },
    async (request) =>
      s.catalog.list(principalOf(request).workspaceId, {
        after: request.query.after,
        limit: request.query.limit,
        category: request.query.category,
      }),
  );

  r.get(
    '/api/v1/catalog-events',
    {
      ...admin,
      schema: {
        tags: ['catalog'],
        summary: 'Back-in-stock and price-drop events, oldest first, after a sequence number',
        security,
        querystring: z.object({
          after: z.coerce.number().int().min(0).default(0),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          kind: z.enum(['back_in_stock', 'price_drop']).optional(),
        }),
        response: { 200: z.object({ data: z.array(catalogEventSchema) }), ...errors },
      },
    },
    async (request) => ({
      data: await s.catalog.events(principalOf(request).workspaceId, {
        afterSeq: request.query.after,
        limit: request.query.limit,
        kind: request.query.kind,
      }),
    }),
  );

  r.get(
    '/api/v1/orders/:id',
    {
      ...admin,
      schema: {
        tags: ['orders'],
        summary: 'An order with its lines, refunds and fulfilments (by the store order id)',
        security,
        params: idParams,
        response: { 200: orderSchema, ...errors },
      },
    },
    async (request) => {
      const order = await s.orders.get(principalOf(request).workspaceId, request.params.id);
      if (!order) throw notFound('order', request.params.id);
      return order;
    },
  );

  r.get(
    '/api/v1/profiles/:id/orders',
    {
      ...admin,
      schema: {
        tags: ['orders'],
        summary: "A profile's orders, newest first",
        security,
        params: idParams,
        response: { 200: z.object({ data: z.array(orderSchema) }), ...errors },
      },
    },
    async (request) => {
      const workspaceId = principalOf(request).workspaceId;
      const profile = await s.profiles.get(workspaceId, request.params.id);
      if (!profile.ok) throw new AppError(profile.error);
      return { data: await s.orders.forProfile(workspaceId, profile.value.id) };
    },
  );
}
