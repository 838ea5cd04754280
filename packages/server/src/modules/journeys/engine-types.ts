import type {
  ChannelKind,
  JourneyDefinition,
  JourneySettings,
  JourneyStep,
  PropertyFilter,
  SegmentCondition,
  TraceOutcome,
} from '@comeback/contracts';
import type { NewMessage } from '../messaging/index.js';

/*
 * The engine's vocabulary (ADR 0021). A step is a small pure-ish function from an enrollment's
 * state to what happens next; everything it needs from the world comes through StepEnv, so the
 * same steps run live and in a backtest on a virtual clock.
 */

/** The event that let the profile in (absent for segment and schedule triggers). */
export interface TriggerEvent {
  name: string;
  messageId: string;
  at: number;
  properties: Record<string, unknown>;
}

export interface ProfileUpdate {
  set: Record<string, string | number | boolean | null>;
  addTags: string[];
}

/** What the enrollment carries from step to step. */
export interface EnrollmentContext {
  trigger: { type: string; event?: TriggerEvent; segment?: string };
}

/** An event the follower saw for an enrollment waiting for it. */
export interface EnrollmentSignal {
  event: string;
  messageId: string;
  at: number;
}

export interface EnrollmentState {
  id: string;
  workspaceId: string;
  journeyId: string;
  version: number;
  profileId: string;
  node: string;
  visit: number;
  signalSeq: number;
  signal: EnrollmentSignal | null;
  armedNode: string | null;
  armedSince: number | null;
  enteredAt: number;
  holdout: boolean;
  context: EnrollmentContext;
}

/** One row of the trace. */
export interface StepRecord {
  node: string;
  stepType: string;
  outcome: TraceOutcome;
  next: string | null;
  reason: string | null;
  messageId: string | null;
  detail: Record<string, unknown>;
}

/** What a step decided. */
export type StepResult =
  /** Done here: go on to `to` now. */
  | {
      kind: 'next';
      to: string;
      record: StepRecord;
      message?: NewMessage;
      holdout?: boolean;
      /** Traits to set and tags to add, written as an identify call to the event log. */
      update?: ProfileUpdate;
    }
  /** Stay at this step until `until` (or until `event` arrives); `record` when worth a row. */
  | {
      kind: 'wait';
      until: number;
      event?: { name: string; where?: PropertyFilter[] | undefined };
      record?: StepRecord;
    }
  /** Leave the journey. */
  | { kind: 'end'; status: 'completed' | 'exited'; reason: string; record: StepRecord };

/** A message a send step wants to queue, or why it cannot. */
export type ComposedMessage =
  | { ok: true; message: NewMessage; channel: ChannelKind; marketing: boolean }
  | { ok: false; reason: string };

/** Where a template would go for a profile, before anything is rendered. */
export type AddressedMessage =
  | {
      ok: true;
      workspaceId: string;
      profileId: string;
      channel: ChannelKind;
      kind: NewMessage['kind'];
      to: string;
      marketing: boolean;
    }
  | { ok: false; reason: string };

/** The world as steps see it. Live it reads the databases; a backtest answers from its replay. */
export interface StepEnv {
  settings(workspaceId: string): Promise<JourneySettings>;
  /** The profile's time zone (its own, its country's, or the workspace's). */
  zoneOf(workspaceId: string, profileId: string): Promise<string>;
  /** Whether `condition` holds for the profile now. */
  conditionHolds(
    workspaceId: string,
    profileId: string,
    condition: SegmentCondition,
    at: number,
  ): Promise<boolean>;
  /**
   * The profile's values of registry fields (`traits.x`, `computed.x`, `predictions.x`), for
   * the trace of a split; null for a field it cannot read. Optional: a world may not show them.
   */
  fieldValues?(
    workspaceId: string,
    profileId: string,
    fields: readonly string[],
  ): Promise<Record<string, unknown>>;
  /** The profile's events named `event` at or after `since`, properties included (bounded). */
  eventsSince(
    workspaceId: string,
    profileId: string,
    event: string,
    since: number,
  ): Promise<{ messageId: string; at: number; properties: Record<string, unknown> }[]>;
  /**
   * compose's checks without the rendering (template, profile, address): a send step asks
   * consent, quiet hours and the budget with it first, and renders only a message that goes.
   */
  addressOf(input: {
    workspaceId: string;
    profileId: string;
    template: string;
  }): Promise<AddressedMessage>;
  /** The template rendered for the profile into a message with the given id (not queued). */
  compose(input: {
    workspaceId: string;
    profileId: string;
    template: string;
    messageId: string;
    dedupeKey: string;
    data: Record<string, unknown>;
    event: Record<string, unknown> | undefined;
    sendAt: number;
  }): Promise<ComposedMessage>;
  /** Whether the channel's consent and suppression let the message go now (checked again at send). */
  mayReceive(
    message: Pick<NewMessage, 'workspaceId' | 'profileId' | 'channel' | 'kind' | 'to'>,
  ): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** When the profile's earlier counted messages on `channel` were (or will be) sent. */
  budgetHistory(
    workspaceId: string,
    profileId: string,
    channel: ChannelKind,
    since: number,
  ): Promise<number[]>;
}

export interface StepInput<S extends JourneyStep = JourneyStep> {
  step: S;
  enrollment: EnrollmentState;
  definition: JourneyDefinition;
  now: number;
  /** The wait (or delayed send) of this step is under way since this instant. */
  armedSince: number | null;
  env: StepEnv;
}

export type StepHandler<S extends JourneyStep = JourneyStep> = (
  input: StepInput<S>,
) => Promise<StepResult>;

/** A record with the step's own fields filled in. */
export function recordOf(
  step: JourneyStep,
  outcome: TraceOutcome,
  extra: Partial<Omit<StepRecord, 'node' | 'stepType' | 'outcome'>> = {},
): StepRecord {
  return {
    node: step.id,
    stepType: step.type,
    outcome,
    next: extra.next ?? null,
    reason: extra.reason ?? null,
    messageId: extra.messageId ?? null,
    detail: extra.detail ?? {},
  };
}
