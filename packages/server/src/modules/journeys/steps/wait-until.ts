import type { JourneyStep } from '@comeback/contracts';
import { recordOf, type StepHandler } from '../engine-types.js';
import { nextLocalTime } from '../local-time.js';

type WaitUntil = Extract<JourneyStep, { type: 'wait_until' }>;

/** Until the next allowed weekday at a local time, in the profile's zone. */
export const waitUntilStep: StepHandler<WaitUntil> = async (input) => {
  const { step, enrollment, now, armedSince, env } = input;
  if (armedSince === null) {
    const zone = await env.zoneOf(enrollment.workspaceId, enrollment.profileId);
    const until = nextLocalTime(now, zone, step.at, step.weekdays);
    if (until > now) return { kind: 'wait', until };
  }
  return {
    kind: 'next',
    to: step.next,
    record: recordOf(step, 'waited', { next: step.next, detail: { at: step.at } }),
  };
};
