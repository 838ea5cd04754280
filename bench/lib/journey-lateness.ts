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
import { fmt, sleep } from './stats.js';
import {
  describeWindow,
  GRACE_MS,
  WINDOW_FROM_MS,
  WINDOW_TO_MS,
  windowFigures,
  type WindowFigures,
} from './timer-window.js';

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

/** When each timer of the window ran: journey_steps.at of the wait's row (the pass's clock). */
async function windowLateness(
  store: JourneyBenchStore,
  journeyId: string,
  due: Float64Array,
  from: number,
  to: number,
): Promise<WindowFigures> {
  const ranAt = new Map<string, number>();
  for (const r of await store.waitRanAt(journeyId, from)) ranAt.set(r.id, r.at);
  return windowFigures(due, from, to, (i) => ranAt.get(enrollmentId(PREFIX, i)));
}

const describe = (w: WindowFigures) => describeWindow(w, 'timers');

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
