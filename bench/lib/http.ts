import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { sleep } from './stats.js';

export interface HttpResponse {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

/** One request over `agent`; resolves with the whole (small) response. */
export function request(
  agent: http.Agent,
  url: URL,
  opts: { method: 'GET' | 'POST'; headers?: http.OutgoingHttpHeaders; body?: Buffer },
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: opts.method,
        headers: {
          ...opts.headers,
          ...(opts.body ? { 'content-length': opts.body.length } : {}),
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, retryAfter, body });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

export interface LoadOptions {
  baseUrl: string;
  writeKey: string;
  bodies: readonly Buffer[];
  eventsPerBody: number;
  /** Requests in flight at any time, each on its own keep-alive connection. */
  concurrency: number;
}

export interface LoadResult {
  /** performance.now() when the first request was sent / the last answer arrived. */
  startedAt: number;
  endedAt: number;
  acceptedEvents: number;
  acceptedRequests: number;
  /** 429 answers (each retried after Retry-After). */
  rateLimited: number;
  /** Latency of each accepted request (ms), in the order their answers arrived. */
  latenciesMs: Float64Array;
  /** performance.now() of each accepted answer, in arrival order (cumulative events = i+1 times eventsPerBody). */
  ackTimes: Float64Array;
}

const MAX_ERRORS = 10;

/**
 * Sends every body to POST /v1/batch with a fixed number of requests in flight. Only 200
 * answers count as accepted; a 429 is counted and the same body is retried after Retry-After.
 * Any other answer fails the run.
 */
export async function sendBatches(opts: LoadOptions): Promise<LoadResult> {
  const url = new URL('/v1/batch', opts.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const headers = {
    'content-type': 'application/json',
    authorization: `Basic ${Buffer.from(`${opts.writeKey}:`).toString('base64')}`,
  };
  const latencies = new Float64Array(opts.bodies.length);
  const ackTimes = new Float64Array(opts.bodies.length);
  let accepted = 0;
  let rateLimited = 0;
  let errors = 0;
  let next = 0;

  const worker = async () => {
    while (next < opts.bodies.length) {
      const body = opts.bodies[next++];
      if (!body) break;
      for (;;) {
        const sent = performance.now();
        const res = await request(agent, url, { method: 'POST', headers, body });
        const now = performance.now();
        if (res.status === 200) {
          latencies[accepted] = now - sent;
          ackTimes[accepted] = now;
          accepted++;
          break;
        }
        if (res.status === 429) {
          rateLimited++;
          const seconds = Number(res.retryAfter ?? '1');
          await sleep(1000 * (Number.isFinite(seconds) ? seconds : 1));
          continue;
        }
        if (++errors >= MAX_ERRORS || res.status < 500) {
          throw new Error(`POST /v1/batch answered ${res.status}: ${res.body.slice(0, 500)}`);
        }
      }
    }
  };

  const startedAt = performance.now();
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
  } finally {
    agent.destroy();
  }
  const endedAt = performance.now();
  return {
    startedAt,
    endedAt,
    acceptedEvents: accepted * opts.eventsPerBody,
    acceptedRequests: accepted,
    rateLimited,
    latenciesMs: latencies.subarray(0, accepted),
    ackTimes: ackTimes.subarray(0, accepted),
  };
}
