import { errorEnvelopeSchema } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { signBase64Hmac } from '../src/modules/connectors/index.js';
import { DOCUMENTATION_PROBLEMS, operationCatalogue } from '../src/http/openapi/index.js';
import { httpStatusOf } from '../src/platform/errors.js';
import { engines } from './support/engines.js';
import {
  ADMIN_KEY,
  WRITE_KEY,
  json,
  startTestServer,
  type TestServer,
} from './support/test-server.js';

/**
 * The OpenAPI document must describe every operation the server has: this is the test that
 * fails when a route is added without documentation. Add the operation to the catalogue in
 * packages/server/src/http/openapi/ (summary, description, each answer with an example).
 */

type Json = Record<string, unknown>;
interface Media {
  schema?: Json;
  example?: unknown;
  examples?: Record<string, { summary?: string; value: unknown }>;
}
interface Operation {
  summary?: string;
  description?: string;
  parameters?: { name: string; in: string; example?: unknown }[];
  security?: unknown[];
  requestBody?: { content?: Record<string, Media> };
  responses?: Record<string, { description?: string; content?: Record<string, Media> }>;
  [DOCUMENTATION_PROBLEMS]?: string[];
}
interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const operationsOf = (doc: OpenApiDoc) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
  );
const examplesOf = (media: Media | undefined): unknown[] =>
  media === undefined
    ? []
    : media.examples
      ? Object.values(media.examples).map((e) => e.value)
      : 'example' in media
        ? [media.example]
        : [];
const isRef = (schema: Json | undefined) => typeof schema?.$ref === 'string';
/**
 * With `components`, references to `#/components/schemas/X` (a recursive schema such as a
 * segment condition) resolve: zod reads local definitions only, so they are moved there.
 */
const zodOf = (schema: Json, components?: { schemas?: Json }) => {
  const local = (value: unknown): Json =>
    JSON.parse(
      JSON.stringify(value).replaceAll('"#/components/schemas/', '"#/definitions/'),
    ) as Json;
  const root = components?.schemas
    ? { ...local(schema), definitions: local(components.schemas) }
    : schema;
  return z.fromJSONSchema(root as Parameters<typeof z.fromJSONSchema>[0], {
    defaultTarget: 'openapi-3.0',
  });
};

describe('the OpenAPI document', () => {
  let t: TestServer;
  let doc: OpenApiDoc;
  beforeAll(async () => {
    // The manual clock adds the test-clock operations, so they are checked too.
    t = await startTestServer('sqlite', { config: { clock: 'manual' } });
    doc = await json<OpenApiDoc>(await fetch(`${t.url}/docs/json`));
  });
  afterAll(async () => t?.stop());

  it('describes every operation, every answer it gives, with an example of each', () => {
    const problems: string[] = [];
    for (const { key, op } of operationsOf(doc)) {
      const say = (problem: string) => problems.push(`${key}: ${problem}`);
      for (const p of op[DOCUMENTATION_PROBLEMS] ?? []) say(p);
      if (!op.summary?.trim()) say('no summary');
      if (!op.description?.trim()) say('no description');
      const responses = Object.entries(op.responses ?? {});
      const statuses = responses.map(([status]) => status);
      if (!statuses.some((s) => /^2\d\d$/.test(s))) say('no success answer');
      // Anything that takes a key or an input can refuse it.
      const takesInput =
        (op.security?.length ?? 0) > 0 || (op.parameters?.length ?? 0) > 0 || !!op.requestBody;
      if (takesInput && !statuses.some((s) => /^4\d\d$/.test(s))) say('no error answer');
      for (const [status, response] of responses) {
        if (status === 'default') say('a "default" answer instead of its statuses');
        if (!response.description || response.description === 'Default Response')
          say(`${status}: no description`);
        if (status === '204') continue;
        const media = Object.values(response.content ?? {});
        const examples = media.flatMap(examplesOf);
        if (examples.length === 0) say(`${status}: no example`);
        if (!/^[45]\d\d$/.test(status)) continue;
        for (const example of examples) {
          const parsed = errorEnvelopeSchema.safeParse(example);
          if (!parsed.success) say(`${status}: an example is not the error envelope`);
          else if (String(httpStatusOf[parsed.data.error.code]) !== status)
            say(`${status}: example code ${parsed.data.error.code} has another status`);
        }
        if (!media.every((m) => isRef(m.schema))) say(`${status}: not the shared Error schema`);
      }
    }
    expect(problems).toEqual([]);
    expect(operationsOf(doc).length).toBeGreaterThanOrEqual(58);
  });

  it('gives examples of the shapes the schemas (and so the handlers) use', () => {
    const problems: string[] = [];
    const check = (where: string, schema: Json | undefined, examples: unknown[]) => {
      if (schema === undefined || isRef(schema) || schema.type === 'string') return;
      const validator = zodOf(schema, doc.components);
      examples.forEach((example, i) => {
        const parsed = validator.safeParse(example);
        if (!parsed.success)
          problems.push(`${where} example ${i + 1}: ${z.prettifyError(parsed.error)}`);
      });
    };
    for (const { key, op } of operationsOf(doc)) {
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {}))
        check(`${key} request ${type}`, media.schema, examplesOf(media));
      for (const [status, response] of Object.entries(op.responses ?? {}))
        for (const media of Object.values(response.content ?? {}))
          check(`${key} ${status}`, media.schema, examplesOf(media));
    }
    expect(problems).toEqual([]);
    // The shared error schema is the envelope of packages/contracts.
    expect(zodOf(doc.components.schemas.Error ?? {}).safeParse({}).success).toBe(false);
  });

  it('documents the store webhooks and the tracking calls', () => {
    for (const platform of ['shopify', 'woocommerce', 'magento']) {
      const op = doc.paths[`/webhooks/${platform}/{connectorId}`]?.post;
      expect(op?.description, platform).toBeTruthy();
      expect(op?.parameters?.map((p) => p.name)).toContain('connectorId');
      expect(op?.parameters?.some((p) => p.in === 'header' && /signature|hmac/i.test(p.name))).toBe(
        true,
      );
      expect(Object.keys(op?.responses ?? {})).toEqual(
        expect.arrayContaining(['200', '400', '401', '404', '413']),
      );
      expect(examplesOf(op?.requestBody?.content?.['application/json']).length).toBe(1);
    }
    expect(doc.paths['/webhooks/magento/{connectorId}']?.get?.summary).toBeTruthy();
    for (const type of ['track', 'identify', 'page', 'screen', 'alias', 'group', 'batch']) {
      const op = doc.paths[`/v1/${type}`]?.post;
      expect(examplesOf(op?.requestBody?.content?.['application/json']).length, type).toBe(1);
      expect(Object.keys(op?.responses ?? {})).toEqual(['200', '400', '401', '403', '413', '429']);
    }
  });

  it('has no documentation for operations that do not exist', () => {
    const present = new Set(operationsOf(doc).map(({ key }) => key));
    expect(Object.keys(operationCatalogue).filter((key) => !present.has(key))).toEqual([]);
  });

  it('serves the same document at /openapi.json as at /docs/json', async () => {
    const res = await fetch(`${t.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual(doc);
    expect(doc.paths['/openapi.json']).toBeUndefined();
  });
});

describe.each(engines)('documented answers no route schema checks, on %s', (engine) => {
  let t: TestServer;
  let doc: OpenApiDoc;
  beforeAll(async () => {
    t = await startTestServer(engine, { config: { clock: 'manual' } });
    doc = await json<OpenApiDoc>(await fetch(`${t.url}/openapi.json`));
  });
  afterAll(async () => t?.stop());

  const documented = (path: string, method: string, status: string) => {
    const media = doc.paths[path]?.[method]?.responses?.[status]?.content?.['application/json'];
    expect(media?.schema, `${method} ${path} ${status}`).toBeDefined();
    return { schema: zodOf(media?.schema ?? {}), example: examplesOf(media)[0] };
  };
  /** The key structure of a value: free-form objects are compared as far as both go. */
  const keysOf = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.slice(0, 1).map(keysOf)
      : typeof value === 'object' && value !== null
        ? Object.keys(value).sort()
        : typeof value;

  it('health and the clock answer what their schemas say', async () => {
    const health = documented('/health', 'get', '200');
    expect(health.schema.parse(await json(await fetch(`${t.url}/health`)))).toBeTruthy();
    const clock = documented('/api/v1/clock', 'get', '200');
    expect(clock.schema.parse(await json(await t.api('/api/v1/clock')))).toBeTruthy();
  });

  it('a store webhook answers what its schema says', async () => {
    const secret = 'shpss_example_secret_0001';
    const created = await json<{ id: string }>(
      await t.api('/api/v1/connectors', {
        method: 'POST',
        body: { platform: 'shopify', name: 'Lens shop', secret },
      }),
    );
    const body = Buffer.from(JSON.stringify({ id: 1 }));
    const res = await fetch(`${t.url}/webhooks/shopify/${created.id}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'app/uninstalled',
        'x-shopify-hmac-sha256': signBase64Hmac(body, secret),
        'x-shopify-webhook-id': 'delivery-1',
        'x-shopify-shop-domain': 'lens-shop.myshopify.com',
      },
      body,
    });
    expect(res.status).toBe(200);
    const answer = documented('/webhooks/shopify/{connectorId}', 'post', '200');
    expect(answer.schema.parse(await res.json())).toEqual({ ok: true, outcome: 'ignored' });
  });

  it('accepts the documented request and parameter examples', async () => {
    const problems: string[] = [];
    for (const { key, op } of operationsOf(doc)) {
      const [method = '', path = ''] = key.split(' ');
      // Deletions would remove what later requests use; webhooks need a store's signature.
      if (method === 'DELETE' || path.startsWith('/webhooks/')) continue;
      const example = (name: string) => op.parameters?.find((p) => p.name === name)?.example;
      const url = path.replace(/\{(\w+)\}/g, (_all, name: string) =>
        encodeURIComponent(String(example(name) ?? 'x')),
      );
      const query = new URLSearchParams();
      for (const p of op.parameters ?? [])
        if (p.in === 'query' && p.example !== undefined) query.set(p.name, String(p.example));
      const [type, media] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
      const body = examplesOf(media)[0];
      const res = await fetch(`${t.url}${url}?${query.toString()}`, {
        method,
        headers: {
          authorization: path.startsWith('/v1/')
            ? `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`
            : `Bearer ${ADMIN_KEY}`,
          ...(type !== undefined ? { 'content-type': type } : {}),
        },
        ...(body !== undefined
          ? { body: typeof body === 'string' ? body : JSON.stringify(body) }
          : {}),
      });
      // Unknown example ids may answer 404; what the examples say must never be refused.
      if ([400, 413, 500].includes(res.status)) problems.push(`${key}: ${await res.text()}`);
    }
    expect(problems).toEqual([]);
  });

  it('every admin read documents consistent=true, and it works', async () => {
    const reads = operationsOf(doc).filter(({ key }) => key.startsWith('GET /api/v1/'));
    expect(reads.length).toBeGreaterThan(20);
    for (const { key, op } of reads)
      expect(
        op.parameters?.map((p) => p.name),
        key,
      ).toContain('consistent');
    const res = await t.api('/api/v1/custom-fields?consistent=true');
    expect(res.status).toBe(200);
    expect(res.headers.get('comeback-consistency')).toBe('applied');
  });

  it('a GDPR export has the shape of its example', async () => {
    await t.send('/v1/identify', { userId: 'u-1', traits: { email: 'ana@example.com' } });
    await t.send('/v1/track', {
      userId: 'u-1',
      event: 'Order Completed',
      properties: { order_id: '1001', total: 59.9, currency: 'USD' },
    });
    await t.settle();
    const found = await json<{ data: { id: string }[] }>(
      await t.api('/api/v1/profiles?email=ana@example.com'),
    );
    const live = await json<Record<string, unknown[]> & { profile: unknown }>(
      await t.api(`/api/v1/profiles/${found.data[0]?.id ?? ''}/export`),
    );
    const media =
      doc.paths['/api/v1/profiles/{id}/export']?.get?.responses?.['200']?.content?.[
        'application/json'
      ];
    const example = examplesOf(media)[0] as typeof live;
    expect(keysOf(live)).toEqual(keysOf(example));
    expect(keysOf(live.profile)).toEqual(keysOf(example.profile));
    expect(keysOf(live.events)).toEqual(keysOf(example.events));
    expect(keysOf(live.orders)).toEqual(keysOf(example.orders));
  });
});
