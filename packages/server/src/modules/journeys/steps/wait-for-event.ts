import type { JourneyStep } from '@comeback/contracts';
import { recordOf, type StepHandler } from '../engine-types.js';
import { addDuration } from '../local-time.js';

type WaitForEvent = Extract<JourneyStep, { type: 'wait_for_event' }>;

/**
 * Until a matching event (seen by the trigger follower, which signals the enrollment) or the
 * timeout. Works in any journey, event-triggered ones included: the awaited event is matched
 * per enrollment, not per trigger.
 */
export const waitForEventStep: StepHandler<WaitForEvent> = ({
  step,
  enrollment,
  now,
  armedSince,
}) => {
  const signal = enrollment.signal;
  const received = () =>
    Promise.resolve({
      kind: 'next' as const,
      to: step.next,
      record: recordOf(step, 'event_received', {
        next: step.next,
        detail: { event: signal?.event, eventId: signal?.messageId, at: signal?.at },
      }),
    });
  // The event may have come while the enrollment stood here, before its wait began.
  if (armedSince === null && signal?.event === step.event) return received();
  if (armedSince === null) {
    return Promise.resolve({
      kind: 'wait',
      until: addDuration(now, step.timeout, 'UTC'),
      event: { name: step.event, where: step.where },
    });
  }
  if (signal !== null && signal.at >= armedSince) return received();
  return Promise.resolve({
    kind: 'next',
    to: step.timeoutNext,
    record: recordOf(step, 'timed_out', {
      next: step.timeoutNext,
      reason: `no ${step.event} within the timeout`,
      detail: { since: armedSince },
    }),
  });
};
