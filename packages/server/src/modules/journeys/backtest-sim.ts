import { createHash } from 'node:crypto';
import type {
  BacktestTrace,
  BacktestTraceStep,
  JourneyDefinition,
  JourneyStep,
} from '@comeback/contracts';
import type { EnrollmentContext, EnrollmentState, StepRecord } from './engine-types.js';
import { elapsedMs } from './local-time.js';

export type SimStatus = BacktestTrace['status'];

/** A simulated enrollment: the runner's row, in memory. */
export interface Sim {
  state: EnrollmentState;
  status: SimStatus;
  entryKey: string;
  /** Bumped at each (re)scheduling: a timer carrying an older token is stale. */
  token: number;
  lastMessage: { id: string; at: number } | null;
  /** The steps of a sample enrollment; null for the others (not kept). */
  trace: BacktestTraceStep[] | null;
}

/** The journey as the replay runs it. */
export interface ReplayJourney {
  id: string;
  workspaceId: string;
  definition: JourneyDefinition;
  steps: ReadonlyMap<string, JourneyStep>;
  /** The entry segment's id; null when the definition names none or it no longer exists. */
  entrySegmentId: string | null;
  /** Today's stored membership of the entry segment (read only), asked per profile. */
  isEntryMember(profileId: string): Promise<boolean>;
}

export const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The entry rules of journey-entry.ts that need no lookup, over the replay's own enrollments
 * of the profile: `once` ever, not twice at a time unless `whileInside`, `once_per` period.
 */
export function refusedByRules(
  entry: JourneyDefinition['entry'],
  previous: readonly Sim[],
  now: number,
): boolean {
  if (entry.rule === 'once' && previous.length > 0) return true;
  if (!entry.whileInside && previous.some((p) => p.status === 'active')) return true;
  if (entry.rule === 'once_per' && entry.period) {
    const period = elapsedMs(entry.period);
    if (previous.some((p) => p.state.enteredAt > now - period)) return true;
  }
  return false;
}

/**
 * A new enrollment at the journey's first step. Its id is derived from what let it in, so a
 * rerun of the same replay takes the same random arms (bucketOf hashes the enrollment id).
 */
export function newSim(
  j: ReplayJourney,
  profileId: string,
  entryKey: string,
  context: EnrollmentContext,
  now: number,
  traced: boolean,
): Sim {
  const digest = createHash('sha256').update(`backtest:${j.id}:${profileId}:${entryKey}`);
  return {
    state: {
      id: `enr_${digest.digest('hex').slice(0, 20)}`,
      workspaceId: j.workspaceId,
      journeyId: j.id,
      version: 0,
      profileId,
      node: j.definition.start,
      visit: 1,
      signalSeq: 0,
      signal: null,
      armedNode: null,
      armedSince: null,
      enteredAt: now,
      holdout: false,
      context,
    },
    status: 'active',
    entryKey,
    token: 0,
    lastMessage: null,
    trace: traced
      ? [
          {
            step: '$entry',
            stepType: 'trigger',
            outcome: 'entered',
            at: iso(now),
            next: j.definition.start,
            reason: null,
            detail: { trigger: context.trigger },
          },
        ]
      : null,
  };
}

/** A step record as a sample trace shows it. */
export const traceRow = (r: StepRecord, now: number): BacktestTraceStep => ({
  step: r.node,
  stepType: r.stepType,
  outcome: r.outcome,
  at: iso(now),
  next: r.next,
  reason: r.reason,
  detail: r.detail,
});
