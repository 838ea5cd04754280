import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { request } from './http.js';
import { sleep } from './stats.js';

/** The processor part of `GET /health`. */
export interface ProcessorHealth {
  position: number;
  head: number;
  behindEvents: number;
  lagP50Ms: number | null;
  lagP99Ms: number | null;
  appliedSinceStart: number;
}

export interface HealthSample extends ProcessorHealth {
  /** performance.now() when the request was sent and when its answer arrived. */
  sentAt: number;
  at: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function numberField(o: Record<string, unknown>, key: string): number {
  const v = o[key];
  if (typeof v !== 'number') throw new Error(`/health: processor.${key} is not a number`);
  return v;
}

function nullableNumber(o: Record<string, unknown>, key: string): number | null {
  const v = o[key];
  return typeof v === 'number' ? v : null;
}

export function parseHealth(text: string): ProcessorHealth {
  const body: unknown = JSON.parse(text);
  const p = isRecord(body) ? body.processor : undefined;
  if (!isRecord(p)) throw new Error(`/health has no processor section: ${text.slice(0, 300)}`);
  return {
    position: numberField(p, 'position'),
    head: numberField(p, 'head'),
    behindEvents: numberField(p, 'behindEvents'),
    lagP50Ms: nullableNumber(p, 'lagP50Ms'),
    lagP99Ms: nullableNumber(p, 'lagP99Ms'),
    appliedSinceStart: numberField(p, 'appliedSinceStart'),
  };
}

/** `GET /health` over its own keep-alive connection. */
export class HealthClient {
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  readonly #url: URL;

  constructor(baseUrl: string) {
    this.#url = new URL('/health', baseUrl);
  }

  async get(): Promise<HealthSample> {
    const sentAt = performance.now();
    const res = await request(this.#agent, this.#url, { method: 'GET' });
    const at = performance.now();
    if (res.status !== 200) throw new Error(`/health answered ${res.status}: ${res.body}`);
    return { ...parseHealth(res.body), sentAt, at };
  }

  /**
   * Polls until the processor has applied everything in the log and, when `appliedAtLeast` is
   * given, reported it: the processor thread's count reaches the main thread by message, a
   * moment after the cursor (read from the database) shows the batch committed.
   */
  async waitCaughtUp(timeoutMs: number, everyMs = 50, appliedAtLeast = 0): Promise<HealthSample> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const h = await this.get();
      if (h.behindEvents === 0 && h.appliedSinceStart >= appliedAtLeast) return h;
      if (h.at > deadline) {
        throw new Error(`processor still ${h.behindEvents} events behind after ${timeoutMs} ms`);
      }
      await sleep(everyMs);
    }
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** Samples /health every `everyMs` (each request waits for the previous answer) until stopped. */
export function pollHealth(
  client: HealthClient,
  everyMs: number,
): { stop: () => Promise<HealthSample[]> } {
  const samples: HealthSample[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const started = performance.now();
      samples.push(await client.get());
      await sleep(Math.max(0, everyMs - (performance.now() - started)));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return samples;
    },
  };
}
