import path from 'node:path';
import { sqliteTimerBaseline } from './journey-baseline.js';
import {
  createPausedJourney,
  enrollmentId,
  JourneyBenchStore,
  resumeJourney,
  spreadDueTimes,
} from './journey-setup.js';
import { removeDir, tempDir } from './cleanup.js';
import { measurePhase } from './proc.js';
import { resultRow, type ResultRow } from './result.js';
import { startServer, type ServerHandle } from './server.js';
import { fmt, percentile, sleep } from './stats.js';

/** The measured window, from the moment the timers start being worked (the issue's 20-30 s). */
const WINDOW_FROM_MS = 20_000;
const WINDOW_TO_MS = 30_000;
/** After the window: time for the last timers of the window to be written. */
const GRACE_MS = 2_000;
/** JourneyEngine.start()'s default poll; the baseline polls the same way. */
const POLL_MS = 250;
const PREFIX = 'jt';

export interface LatenessOptions {
  pending: number;
  spreadS: number;
  seed: number;
  nodeArgs: string[];
  log: (line: string) => void;
}

interface WindowFigures {
  count: number;
  missing: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * How late each timer due in [from, to) ran: journey_steps.at (the clock the pass read before
 * its claim) of the wait's row - the due time. A timer of the window with no row by `checkedAt`
 * counts as late by checkedAt - due (a lower bound), so a stalled worker cannot look punctual.
 */
async function windowLateness(
  store: JourneyBenchStore,
  journeyId: string,
  due: Float64Array,
  from: number,
  to: number,
): Promise<WindowFigures> {
  const checkedAt = Date.now();
  const ranAt = new Map<string, number>();
  for (const r of await store.waitRanAt(journeyId, from)) ranAt.set(r.id, r.at);
  const lateness: number[] = [];
  let missing = 0;
  due.forEach((d, i) => {
    if (d < from || d >= to) return;
    const at = ranAt.get(enrollmentId(PREFIX, i));
    if (at === undefined) missing += 1;
    lateness.push((at ?? checkedAt) - d);
  });
  return {
    count: lateness.length,
    missing,
    p50: percentile(lateness, 50),
    p99: percentile(lateness, 99),
    max: lateness.length ? lateness.reduce((a, b) => Math.max(a, b), -Infinity) : Number.NaN,
  };
}

const describe = (w: WindowFigures) =>
  `${fmt(w.count)} timers due in the window, p50 ${fmt(w.p50)} ms, p99 ${fmt(w.p99)} ms, max ` +
  `${fmt(w.max)} ms${w.missing ? `, ${fmt(w.missing)} NOT RUN by the end (counted as late)` : ''}`;

/**
 * p99 lateness of due timers with `pending` enrollments waiting (SQLite, one `serve` process
 * on the system clock). The enrollments are written in bulk while the journey is paused, each
 * at its first wait with a due time spread evenly (seeded order) over the next `spreadS`
 * seconds from the start of the insert; the journey is then resumed and the timers falling due
 * 20-30 s later are measured. Baseline, same file, right after: the server stopped, the minimal
 * worker of journey-baseline.ts polling every 250 ms on the same table, its own 20-30 s window.
 */
export async function timerLatenessRow(o: LatenessOptions): Promise<ResultRow> {
  const dir = tempDir('journey-timers');
  const url = `sqlite:${path.join(dir, 'comeback.db')}`;
  let server: ServerHandle | undefined;
  let store: JourneyBenchStore | undefined;
  try {
    server = await startServer({ databaseUrl: url, role: 'all', nodeArgs: o.nodeArgs });
    store = new JourneyBenchStore(url);
    const journeyId = await createPausedJourney(server.url);
    const workspaceId = await store.workspaceOf(journeyId);
    const start = Date.now();
    const due = spreadDueTimes(o.pending, start, o.spreadS * 1000, o.seed);
    const inserted = await store.insert({
      journeyId,
      workspaceId,
      prefix: PREFIX,
      count: o.pending,
      dueAt: (i) => due[i] ?? start,
      armedSince: start - 86_400_000,
    });
    o.log(`timers: ${fmt(o.pending)} pending enrollments written in ${fmt(inserted.seconds, 1)} s`);

    const resumedAt = Date.now();
    await resumeJourney(server.url, journeyId);
    const phase = measurePhase(server.pid);
    await sleep(resumedAt + WINDOW_TO_MS + GRACE_MS - Date.now());
    const usage = phase.end();
    const dead = server.exitedWith();
    if (dead) throw new Error(`the server stopped during the timer run: ${dead}`);
    const pendingAtEnd = await store.countActive(journeyId);
    const ours = await windowLateness(
      store,
      journeyId,
      due,
      resumedAt + WINDOW_FROM_MS,
      resumedAt + WINDOW_TO_MS,
    );
    o.log(`timers, ours: ${describe(ours)}`);
    await server.stop();
    server = undefined;

    if (store.database.dialect !== 'sqlite') throw new Error('the timer row runs on SQLite');
    const baselineFrom = Date.now();
    await sqliteTimerBaseline(
      store.database.sqlite.raw,
      baselineFrom + WINDOW_TO_MS + GRACE_MS,
      POLL_MS,
    );
    const base = await windowLateness(
      store,
      journeyId,
      due,
      baselineFrom + WINDOW_FROM_MS,
      baselineFrom + WINDOW_TO_MS,
    );
    o.log(`timers, baseline: ${describe(base)}`);
    return resultRow({
      name: 'journey',
      metric: 'timer_lateness_p99_ms',
      unit: 'ms',
      ours: ours.p99,
      baseline: base.p99,
      target: { atMost: 1000 },
      notes:
        `SQLite, one serve process (role all, system clock, engine poll ${POLL_MS} ms): ` +
        `${fmt(o.pending)} enrollments written in bulk (straight into journey_enrollments, ` +
        `journey paused) at an armed wait, due evenly over ${fmt(o.spreadS)} s (~` +
        `${fmt(o.pending / o.spreadS)} timers/s falling due), then resumed; lateness = ` +
        `journey_steps.at of the wait - due, for the timers due ${WINDOW_FROM_MS / 1000}-` +
        `${WINDOW_TO_MS / 1000} s after the resume (${fmt(pendingAtEnd)} still pending at the ` +
        `end): ${describe(ours)}; server CPU ${fmt(usage.serverCores ?? Number.NaN, 2)} cores. ` +
        `Baseline: the server stopped, a minimal poller in the bench process (claim 200 due by ` +
        `due_at, UPDATE + 5 step rows per enrollment, one transaction, better-sqlite3; ` +
        `${POLL_MS} ms asleep when nothing is due) on the same table, its own 20-30 s window: ` +
        `${describe(base)}`,
    });
  } finally {
    await server?.stop();
    await store?.close();
    removeDir(dir);
  }
}
