import fs from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The dashboard (packages/dashboard, built into `dir`) served at `/`: its files, and
 * index.html for every other page path so that a reload or a shared link of a client-side
 * route (/journeys/abc) opens the app. The server's own areas keep their answers.
 */

/** Only the dashboard's own scripts and styles run; nothing frames it. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/**
 * First path segments the server answers itself (APIs, docs, tracking links, preference
 * pages, store webhooks, the test clock): never the dashboard, so an unknown path there stays
 * the JSON 404.
 */
const SERVER_AREAS = new Set([
  'api',
  'v1',
  'docs',
  'openapi.json',
  'health',
  'metrics',
  'clock',
  'webhooks',
  'click',
  'open',
  'unsubscribe',
  'preferences',
  'confirm',
]);

/** Build output names its assets by content hash: they never change, so cache them for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Comeback</title></head>
<body><h1>The dashboard is not built</h1>
<p>Build it with <code>npm run build</code> in the dashboard package
(<code>npm run build -w packages/dashboard</code> from the repository), or point
<code>COMEBACK_DASHBOARD_DIR</code> at a built copy, then reload this page.
The API is at <a href="/docs">/docs</a>.</p></body></html>
`;

function withSecurityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin');
}

/** A path inside the dashboard's directory: no `..`, no backslash, no NUL, no dot files. */
const isPlainPath = (relative: string) =>
  !/[\\\0]/.test(relative) && relative.split('/').every((part) => !part.startsWith('.'));

async function isFileIn(dir: string, relative: string): Promise<boolean> {
  const full = path.resolve(dir, relative);
  if (!full.startsWith(dir + path.sep)) return false;
  const stat = await fs.stat(full).catch(() => null);
  return stat?.isFile() ?? false;
}

export async function dashboardStatic(app: FastifyInstance, opts: { dir: string }): Promise<void> {
  const dir = path.resolve(opts.dir);
  // In a scope of its own: `sendFile` is this plugin's, not every route's.
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, { root: dir, serve: false });
    const sendFile = (reply: FastifyReply, relative: string, cacheControl: string) =>
      withSecurityHeaders(reply)
        .header('cache-control', cacheControl)
        .sendFile(relative, dir, { cacheControl: false, dotfiles: 'deny' });
    const sendIndex = async (reply: FastifyReply) =>
      (await isFileIn(dir, 'index.html'))
        ? sendFile(reply, 'index.html', 'no-cache')
        : withSecurityHeaders(reply)
            .header('cache-control', 'no-cache')
            .type('text/html; charset=utf-8')
            .send(NOT_BUILT);

    scope.get('/', { schema: { hide: true } }, (_request, reply) => sendIndex(reply));
    scope.get<{ Params: { '*': string } }>(
      '/*',
      { schema: { hide: true } },
      async (request, reply) => {
        const relative = request.params['*'];
        const area = relative.split('/')[0] ?? '';
        if (SERVER_AREAS.has(area) || !isPlainPath(relative)) return reply.callNotFound();
        if (await isFileIn(dir, relative)) {
          return sendFile(reply, relative, relative.startsWith('assets/') ? IMMUTABLE : 'no-cache');
        }
        // A client-side route has no extension; a missing file (a stale asset) is a 404.
        if (path.extname(relative) === '') return sendIndex(reply);
        return reply.callNotFound();
      },
    );
  });
}
