import { errorEnvelopeSchema } from '@comeback/contracts';
import { isRecord, type JsonObject as Json } from '../../platform/json.js';
import type { Catalogue, OperationDoc, ResponseDoc } from './catalogue-types.js';
import { jsonSchemaOf } from './responses.js';

/** The parts of the generated document this reads and writes. */
export interface OpenApiObject {
  paths?: object;
  components?: object;
  tags?: unknown[];
}

const recordOr = (value: unknown): Json => (isRecord(value) ? value : {});
/** `{ "<media type>": { "schema": ... } }` -> the schema of that media type, if any. */
const schemaIn = (content: unknown, type: string): Json | undefined => {
  const schema = recordOr(recordOr(content)[type]).schema;
  return isRecord(schema) ? schema : undefined;
};

/** Where a reader finds what is wrong with an operation's documentation (tests forbid it). */
export const PROBLEMS = 'x-documentation-problems';
const ERROR_REF = { $ref: '#/components/schemas/Error' };
const JSON_TYPE = 'application/json';
const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

export const TAGS = [
  { name: 'tracking', description: 'Segment-compatible tracking calls (write key).' },
  { name: 'profiles', description: 'Unified customer profiles, their events and GDPR requests.' },
  {
    name: 'segments',
    description: 'Named conditions over profiles: definitions, counts, members, preview.',
  },
  {
    name: 'templates',
    description: 'Message templates per channel: versions, preview, test send.',
  },
  { name: 'messages', description: 'The outbox and send log; the transactional send API.' },
  { name: 'consent', description: 'Consent per channel and the suppression list.' },
  {
    name: 'inbox',
    description:
      "The person's in-app inbox, read by a storefront or app with a per-profile client token " +
      '(`POST /api/v1/profiles/{id}/client-token`), never the admin key.',
  },
  { name: 'push', description: 'Web push subscriptions (client token) and the VAPID key.' },
  { name: 'catalog', description: 'Products, variants, back-in-stock and price-drop events.' },
  { name: 'orders', description: 'Orders with lines, refunds and fulfilments.' },
  { name: 'connectors', description: 'Shopify, WooCommerce and Adobe Commerce connections.' },
  {
    name: 'webhooks',
    description:
      'Incoming: where stores, Twilio and Meta deliver their changes, each signed. Outgoing: ' +
      'webhook subscriptions that deliver events and segment entries to any URL, signed.',
  },
  { name: 'imports', description: 'File imports, saved field mappings and SFTP pulls.' },
  { name: 'insights', description: 'Customer value, churn, recommendations, replenishment.' },
  { name: 'workspace', description: 'API keys.' },
  {
    name: 'users',
    description: 'Dashboard users, their roles per workspace, and signing in (session cookie).',
  },
  { name: 'operations', description: 'Health and monitoring.' },
  { name: 'test clock', description: 'The manual clock (COMEBACK_CLOCK=manual only).' },
];

/**
 * Every admin read takes `consistent=true` (a hook, http/consistent-reads.ts, not the route's
 * schema): documented on each admin GET that does not declare it itself.
 */
const CONSISTENT = {
  name: 'consistent',
  in: 'query',
  required: false,
  description:
    '`true`: first wait (at most 5 s) until every event acknowledged so far is applied, so the ' +
    'read sees writes made just before; the `Comeback-Consistency` answer header says ' +
    '`applied` or `stale`',
  schema: { type: 'string', enum: ['true', 'false'] },
};

const successStatuses = (statuses: string[]) => statuses.filter((s) => /^2\d\d$/.test(s)).sort();

function media(doc: ResponseDoc, declared: Json | undefined): Json {
  const schema = doc.errorCode !== undefined ? ERROR_REF : (doc.schema ?? declared);
  const [first, ...more] = doc.examples;
  const examples =
    more.length === 0
      ? { example: first?.value }
      : {
          examples: Object.fromEntries(
            doc.examples.map((e, i) => [`example${i + 1}`, { summary: e.summary, value: e.value }]),
          ),
        };
  return { ...(schema !== undefined ? { schema } : {}), ...examples };
}

function describe(op: Json, entry: OperationDoc): void {
  if (entry.summary !== undefined) op.summary = entry.summary;
  op.description = entry.description;
  for (const parameter of Array.isArray(op.parameters) ? op.parameters : []) {
    if (!isRecord(parameter) || typeof parameter.name !== 'string') continue;
    const example = entry.parameters?.[parameter.name];
    if (example !== undefined) parameter.example = example;
  }
  if (entry.request) {
    const type = entry.request.contentType ?? JSON_TYPE;
    const body = recordOr(op.requestBody);
    const schema = schemaIn(body.content, type) ?? entry.request.schema;
    op.requestBody = {
      ...body,
      required: true,
      ...(entry.request.description !== undefined
        ? { description: entry.request.description }
        : {}),
      content: {
        ...recordOr(body.content),
        [type]: { ...(schema !== undefined ? { schema } : {}), example: entry.request.example },
      },
    };
  }
  const generated = recordOr(op.responses);
  const problems: string[] = [];
  // A route's own response map says how answers are serialized; what it can answer is the
  // catalogue's. A success status one of them lacks means they disagree.
  const declared = successStatuses(Object.keys(generated));
  const documented = successStatuses(Object.keys(entry.responses));
  if (declared.length > 0 && declared.join() !== documented.join()) {
    problems.push(`the route answers ${declared.join(', ')}; documented: ${documented.join(', ')}`);
  }
  const responses: Json = {};
  for (const [status, doc] of Object.entries(entry.responses)) {
    const declaredSchema = schemaIn(recordOr(generated[status]).content, JSON_TYPE);
    responses[status] = {
      description: doc.description,
      ...(doc.headers ? { headers: doc.headers } : {}),
      ...(doc.examples.length > 0
        ? { content: { [doc.contentType ?? JSON_TYPE]: media(doc, declaredSchema) } }
        : {}),
    };
  }
  op.responses = responses;
  if (problems.length > 0) op[PROBLEMS] = problems;
}

function withConsistentParameter(op: Json): void {
  const parameters = Array.isArray(op.parameters) ? op.parameters : [];
  const declared = parameters.some((p) => isRecord(p) && p.name === 'consistent');
  if (!declared) op.parameters = [...parameters, { ...CONSISTENT }];
}

/**
 * Lays the catalogue over the document @fastify/swagger generated from the routes: summaries,
 * descriptions, every answer with its examples, the error envelope as one shared schema, and
 * the operations of hidden routes (store webhooks). An operation the catalogue does not know
 * is flagged with `x-documentation-problems`, which the OpenAPI tests refuse.
 */
export function withCatalogue(doc: OpenApiObject, catalogue: Catalogue): void {
  const components = recordOr(doc.components);
  doc.components = {
    ...components,
    schemas: { ...recordOr(components.schemas), Error: jsonSchemaOf(errorEnvelopeSchema) },
  };
  doc.tags = TAGS;
  const paths = recordOr(doc.paths);
  doc.paths = paths;
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(recordOr(item))) {
      if (!METHODS.has(method) || !isRecord(op)) continue;
      if (method === 'get' && path.startsWith('/api/v1/')) withConsistentParameter(op);
      const entry = catalogue[`${method.toUpperCase()} ${path}`];
      if (entry) describe(op, entry);
      else op[PROBLEMS] = ['not documented: add it to packages/server/src/http/openapi/'];
    }
  }
  for (const [key, entry] of Object.entries(catalogue)) {
    const [method = '', path = ''] = key.split(' ');
    const undeclared = entry.undeclared;
    const item = recordOr(paths[path]);
    if (!undeclared || item[method.toLowerCase()] !== undefined) continue;
    const op: Json = {
      tags: undeclared.tags,
      parameters: undeclared.parameters,
      ...(undeclared.security ? { security: undeclared.security } : {}),
    };
    describe(op, entry);
    paths[path] = { ...item, [method.toLowerCase()]: op };
  }
}
