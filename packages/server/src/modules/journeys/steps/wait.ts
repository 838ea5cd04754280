import type { JourneyStep } from '@comeback/contracts';
import { recordOf, type StepHandler } from '../engine-types.js';
import { addDuration } from '../local-time.js';

type Wait = Extract<JourneyStep, { type: 'wait' }>;

/** A fixed wait; days and weeks count calendar days in the profile's zone (DST-safe). */
export const waitStep: StepHandler<Wait> = async ({ step, enrollment, now, armedSince, env }) => {
  if (armedSince === null) {
    const zone = await env.zoneOf(enrollment.workspaceId, enrollment.profileId);
    return { kind: 'wait', until: addDuration(now, step.duration, zone) };
  }
  return {
    kind: 'next',
    to: step.next,
    record: recordOf(step, 'waited', { next: step.next, detail: { since: armedSince } }),
  };
};
