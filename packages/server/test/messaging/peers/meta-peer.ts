/**
 * A local HTTP server playing Meta's WhatsApp Cloud API `POST /{version}/{phone-number-id}/messages`
 * as documented: Bearer token, JSON body with `messaging_product: 'whatsapp'`,
 * `recipient_type: 'individual'`, `to` (digits with country code), and a `text` or `template`
 * message. It answers like Meta: `{messaging_product, contacts: [{input, wa_id}], messages:
 * [{id: 'wamid.…'}]}`, or a Graph error `{error: {message, type, code, error_data:
 * {messaging_product, details}, fbtrace_id}}` with Meta's HTTP status for the code.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MetaReceived {
  wamid: string;
  to: string;
  type: 'text' | 'template';
  /** `text.body` of a text message. */
  text: string | null;
  template: { name: string; language: string; parameters: string[] } | null;
  /** What we put in `biz_opaque_callback_data` (the outbox id). */
  opaque: string | null;
}

export interface PlannedError {
  code: number;
  /** Meta's HTTP status for the code: 400 unless given. */
  status?: number;
  message?: string;
  details?: string;
  retryAfterSeconds?: number;
}

export interface MetaPeer {
  /** `http://127.0.0.1:port/v21.0`: the channel's `apiUrl`. */
  apiUrl: string;
  received: MetaReceived[];
  /** Every request, accepted or not (method, path, status answered). */
  requests: { method: string; path: string; status: number }[];
  /** The next send is answered with this error instead. */
  failNext(error: PlannedError): void;
  /** Another business number this peer serves, with its own access token (a store's own). */
  addNumber(phoneNumberId: string, accessToken: string): void;
  close(): Promise<void>;
}

const VERSION = 'v21.0';
const TOP_LEVEL = new Set([
  'messaging_product',
  'recipient_type',
  'to',
  'type',
  'text',
  'template',
  'biz_opaque_callback_data',
]);

class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly details: string,
    readonly type = 'OAuthException',
  ) {
    super(message);
  }
}
const invalid = (details: string) => new GraphError(400, 100, '(#100) Invalid parameter', details);

/** Checks the request body exactly as the Cloud API documents it. */
function readMessage(body: unknown, templates: Map<string, number>): Omit<MetaReceived, 'wamid'> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('The request body must be a JSON object');
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b))
    if (!TOP_LEVEL.has(key)) throw invalid(`Unexpected key "${key}" on param "message"`);
  if (b.messaging_product !== 'whatsapp') throw invalid('Param messaging_product must be whatsapp');
  if (b.recipient_type !== 'individual') throw invalid('Param recipient_type must be individual');
  if (typeof b.to !== 'string' || !/^[1-9]\d{5,14}$/.test(b.to))
    throw invalid('Param to must be a phone number with its country code, digits only');
  const opaque = b.biz_opaque_callback_data;
  if (opaque !== undefined && (typeof opaque !== 'string' || opaque.length > 512))
    throw invalid('Param biz_opaque_callback_data must be a string of at most 512 characters');
  const common = { to: b.to, opaque: typeof opaque === 'string' ? opaque : null };
  if (b.type === 'text') {
    const text = b.text as Record<string, unknown> | undefined;
    if (b.template !== undefined) throw invalid('Param template is not allowed for type text');
    if (typeof text?.body !== 'string' || text.body.length === 0 || text.body.length > 4096)
      throw invalid('Param text.body must be 1 to 4096 characters');
    if (Object.keys(text).some((k) => k !== 'body' && k !== 'preview_url'))
      throw invalid('Unexpected key on param text');
    return { ...common, type: 'text', text: text.body, template: null };
  }
  if (b.type === 'template') {
    if (b.text !== undefined) throw invalid('Param text is not allowed for type template');
    const t = b.template as Record<string, unknown> | undefined;
    const language = t?.language as Record<string, unknown> | undefined;
    if (typeof t?.name !== 'string' || typeof language?.code !== 'string')
      throw invalid('Param template must have a name and language.code');
    const components = t.components ?? [];
    if (!Array.isArray(components)) throw invalid('Param template.components must be a list');
    const parameters: string[] = [];
    for (const c of components as Record<string, unknown>[]) {
      if (c.type !== 'body' || !Array.isArray(c.parameters))
        throw invalid('Param template.components[] must be a body component with parameters');
      for (const p of c.parameters as Record<string, unknown>[]) {
        if (p.type !== 'text' || typeof p.text !== 'string' || p.text === '')
          throw invalid('Param template.components[].parameters[] must be non-empty text');
        parameters.push(p.text);
      }
    }
    const expected = templates.get(`${t.name}/${language.code}`);
    if (expected === undefined)
      throw new GraphError(
        404,
        132001,
        '(#132001) Template name does not exist in the translation',
        `template name (${t.name}) does not exist in ${language.code}`,
      );
    if (expected !== parameters.length)
      throw new GraphError(
        400,
        132000,
        '(#132000) Number of parameters does not match the expected number of params',
        `body: number of localizable_params (${parameters.length}) does not match the expected number of params (${expected})`,
      );
    return {
      ...common,
      type: 'template',
      text: null,
      template: { name: t.name, language: language.code, parameters },
    };
  }
  throw invalid('Param type must be one of text, template');
}

/**
 * Starts the peer. `templates` are the approved ones, `name/language` to their body parameter
 * count; any other template is answered 132001.
 */
export async function startMetaPeer(options: {
  accessToken: string;
  phoneNumberId: string;
  templates?: Record<string, number>;
}): Promise<MetaPeer> {
  const templates = new Map(Object.entries(options.templates ?? {}));
  const received: MetaReceived[] = [];
  const requests: MetaPeer['requests'] = [];
  const planned: PlannedError[] = [];
  const pathOf = (phoneNumberId: string) => `/${VERSION}/${phoneNumberId}/messages`;
  /** Each number's messages path and the token that may send from it. */
  const tokens = new Map([[pathOf(options.phoneNumberId), options.accessToken]]);

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        requests.push({ method: req.method ?? '', path: req.url ?? '', status });
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      const fail = (e: GraphError, headers: Record<string, string> = {}) =>
        answer(
          e.status,
          {
            error: {
              message: e.message,
              type: e.type,
              code: e.code,
              error_data: { messaging_product: 'whatsapp', details: e.details },
              fbtrace_id: `A${randomBytes(10).toString('base64url')}`,
            },
          },
          headers,
        );
      const token = tokens.get(req.url ?? '');
      if (req.method !== 'POST' || token === undefined)
        return fail(
          new GraphError(400, 100, 'Unsupported post request.', `no such path ${req.url ?? ''}`),
        );
      if (req.headers.authorization !== `Bearer ${token}`)
        return fail(
          new GraphError(
            401,
            190,
            'Invalid OAuth access token - Cannot parse access token',
            'invalid token',
          ),
        );
      if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
        return fail(invalid('The request body must be application/json'));
      const plan = planned.shift();
      if (plan) {
        const e = new GraphError(
          plan.status ?? 400,
          plan.code,
          plan.message ?? `(#${plan.code}) planned error`,
          plan.details ?? 'planned by the test',
        );
        return fail(
          e,
          plan.retryAfterSeconds === undefined
            ? {}
            : { 'retry-after': String(plan.retryAfterSeconds) },
        );
      }
      let message: Omit<MetaReceived, 'wamid'>;
      try {
        message = readMessage(JSON.parse(Buffer.concat(chunks).toString('utf8')), templates);
      } catch (error) {
        if (error instanceof GraphError) return fail(error);
        return fail(invalid('The request body is not JSON'));
      }
      const wamid = `wamid.${randomBytes(24).toString('base64')}`;
      received.push({ wamid, ...message });
      return answer(200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: message.to, wa_id: message.to }],
        messages: [{ id: wamid }],
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/${VERSION}`,
    received,
    requests,
    failNext: (error) => planned.push(error),
    addNumber: (phoneNumberId, accessToken) => tokens.set(pathOf(phoneNumberId), accessToken),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
