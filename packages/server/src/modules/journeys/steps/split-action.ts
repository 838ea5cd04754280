import type { JourneyStep } from '@comeback/contracts';
import { recordOf, type StepHandler } from '../engine-types.js';
import { matchesFilters, sameAsTrigger } from '../property-match.js';

type SplitAction = Extract<JourneyStep, { type: 'split_action' }>;

/**
 * Did the profile do the event (with its filters; with `sameAsTrigger`, about the same order or
 * item as the trigger) since entering this journey?
 */
export const splitActionStep: StepHandler<SplitAction> = async ({ step, enrollment, env }) => {
  const events = await env.eventsSince(
    enrollment.workspaceId,
    enrollment.profileId,
    step.event,
    enrollment.enteredAt,
  );
  // The triggering event itself is not an action "since entering".
  const trigger = enrollment.context.trigger.event;
  const found = events.find(
    (e) =>
      e.messageId !== trigger?.messageId &&
      matchesFilters(e.properties, step.where) &&
      sameAsTrigger(e.properties, trigger?.properties, step.sameAsTrigger),
  );
  const next = found ? step.yes : step.no;
  return {
    kind: 'next',
    to: next,
    record: recordOf(step, 'branch', {
      next,
      detail: {
        branch: found ? 'yes' : 'no',
        values: { event: step.event, since: enrollment.enteredAt, at: found?.at ?? null },
      },
    }),
  };
};
