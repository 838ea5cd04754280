import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { request } from './http.js';
import { sleep } from './stats.js';

/** A request sent this much after its scheduled time counts as late (the client fell behind). */
export const LATE_MS = 20;

export interface PacedOptions {
  baseUrl: string;
  writeKey: string;
  bodies: readonly Buffer[];
  eventsPerBody: number;
  /** The offered rate: request i is sent at start + i * eventsPerBody / eventsPerS seconds. */
  eventsPerS: number;
  /** Requests in flight at most; a request due while this many are open is not sent. */
  maxInFlight: number;
}

export interface PacedResult {
  /** performance.now() of the first send, of the last send, and of the last answer. */
  startedAt: number;
  lastSentAt: number;
  endedAt: number;
  sentRequests: number;
  /** Events sent per second over the schedule (the offered rate actually achieved). */
  offeredPerS: number;
  acceptedEvents: number;
  acceptedRequests: number;
  /** 429 answers: refused by the server's admission control (not retried: the load is open). */
  refused: number;
  /** Requests due while maxInFlight were open, so never sent. */
  capped: number;
  /** Requests sent more than LATE_MS after their scheduled time, and the worst delay. */
  late: number;
  maxLateMs: number;
  /** Latency of each accepted request (ms) and the time of its answer, in arrival order. */
  latenciesMs: Float64Array;
  ackTimes: Float64Array;
}

/**
 * Open-loop load: requests go out on a fixed schedule whatever the answers, as many shops'
 * browsers would, so a slow server meets a growing queue instead of a politely waiting client
 * (a closed loop hides lag by slowing down with the server). Only 200 answers count as
 * accepted; 429s are counted as refused; any other answer or a connection error fails the run
 * once the requests in flight have settled.
 */
export async function sendPaced(opts: PacedOptions): Promise<PacedResult> {
  const url = new URL('/v1/batch', opts.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxInFlight });
  const headers = {
    'content-type': 'application/json',
    authorization: `Basic ${Buffer.from(`${opts.writeKey}:`).toString('base64')}`,
  };
  const intervalMs = (1000 * opts.eventsPerBody) / opts.eventsPerS;
  const latencies = new Float64Array(opts.bodies.length);
  const ackTimes = new Float64Array(opts.bodies.length);
  let accepted = 0;
  let refused = 0;
  let capped = 0;
  let late = 0;
  let maxLateMs = 0;
  let sent = 0;
  let inFlight = 0;
  // The first failure (set from the answers' callbacks) ends the schedule.
  const failures: Error[] = [];
  const open = new Set<Promise<void>>();

  const send = (body: Buffer) => {
    const sentAt = performance.now();
    inFlight++;
    const done = request(agent, url, { method: 'POST', headers, body }).then(
      (res) => {
        const now = performance.now();
        if (res.status === 200) {
          latencies[accepted] = now - sentAt;
          ackTimes[accepted] = now;
          accepted++;
        } else if (res.status === 429) refused++;
        else
          failures.push(
            new Error(`POST /v1/batch answered ${res.status}: ${res.body.slice(0, 500)}`),
          );
      },
      (error: unknown) => {
        failures.push(error instanceof Error ? error : new Error(String(error)));
      },
    );
    const tracked = done.finally(() => {
      inFlight--;
      open.delete(tracked);
    });
    open.add(tracked);
  };

  const startedAt = performance.now();
  let lastSentAt = startedAt;
  try {
    for (let i = 0; i < opts.bodies.length && failures.length === 0; i++) {
      const body = opts.bodies[i];
      if (!body) break;
      const due = startedAt + i * intervalMs;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const lateBy = performance.now() - due;
      if (lateBy > LATE_MS) late++;
      maxLateMs = Math.max(maxLateMs, lateBy);
      if (inFlight >= opts.maxInFlight) {
        capped++;
        continue;
      }
      lastSentAt = performance.now();
      sent++;
      send(body);
    }
    while (open.size) await Promise.all([...open]);
  } finally {
    agent.destroy();
  }
  if (failures[0]) throw failures[0];
  const endedAt = performance.now();
  const scheduleS = (lastSentAt - startedAt + intervalMs) / 1000;
  return {
    startedAt,
    lastSentAt,
    endedAt,
    sentRequests: sent,
    offeredPerS: (sent * opts.eventsPerBody) / scheduleS,
    acceptedEvents: accepted * opts.eventsPerBody,
    acceptedRequests: accepted,
    refused,
    capped,
    late,
    maxLateMs,
    latenciesMs: latencies.subarray(0, accepted),
    ackTimes: ackTimes.subarray(0, accepted),
  };
}
