import { DEFAULT_DATA, type DataOptions } from './data.js';

/** The size of a run. Defaults are the documented scale; env vars override them for exploring. */
export interface Scale {
  data: DataOptions;
  /** Events sent in the timed phase (after the warm-up). */
  events: number;
  /** Events sent first, untimed, so the server's JIT and caches are warm. */
  warmupEvents: number;
  perRequest: number;
  concurrency: number;
  /** Extra node flags for the server process (BENCH_SERVER_NODE_ARGS, space-separated). */
  serverNodeArgs: string[];
  /** COMEBACK_ROLE of the server (BENCH_SERVER_ROLE): `all` for the benchmarks; `api` (no
   * processor) only to analyse the HTTP path alone. */
  serverRole: 'all' | 'api';
}

export function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
}

export function scaleFromEnv(): Scale {
  const perRequest = 100;
  const round = (n: number) => Math.max(perRequest, Math.round(n / perRequest) * perRequest);
  return {
    data: { ...DEFAULT_DATA, seed: intFromEnv('BENCH_SEED', DEFAULT_DATA.seed) },
    events: round(intFromEnv('BENCH_EVENTS', 300_000)),
    warmupEvents: round(intFromEnv('BENCH_WARMUP_EVENTS', 30_000)),
    perRequest,
    concurrency: intFromEnv('BENCH_CONCURRENCY', 16),
    serverNodeArgs: (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
    serverRole: roleFromEnv(),
  };
}

function roleFromEnv(): 'all' | 'api' {
  const role = process.env.BENCH_SERVER_ROLE ?? 'all';
  if (role !== 'all' && role !== 'api') throw new Error('BENCH_SERVER_ROLE must be all or api');
  return role;
}

/**
 * A derived, smaller scale for a benchmark that sends `defaultEvents` timed events (its own env
 * var overrides; else never more than BENCH_EVENTS, so a short run stays short) in requests of
 * `perRequest` calls, with a warm-up of a tenth of that (at most BENCH_WARMUP_EVENTS).
 */
export function subScale(
  scale: Scale,
  opts: { eventsEnv: string; defaultEvents: number; perRequest?: number; data?: DataOptions },
): Scale {
  const perRequest = opts.perRequest ?? scale.perRequest;
  const round = (n: number) => Math.max(perRequest, Math.round(n / perRequest) * perRequest);
  const events = round(intFromEnv(opts.eventsEnv, Math.min(opts.defaultEvents, scale.events)));
  return {
    ...scale,
    data: opts.data ?? scale.data,
    events,
    warmupEvents: round(Math.min(scale.warmupEvents, events / 10)),
    perRequest,
  };
}
