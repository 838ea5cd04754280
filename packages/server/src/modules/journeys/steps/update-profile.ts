import type { JourneyStep } from '@comeback/contracts';
import { recordOf, type StepHandler } from '../engine-types.js';

type UpdateProfile = Extract<JourneyStep, { type: 'update_profile' }>;

/**
 * Traits and tags, applied through the event log like any identify call (the runner appends it
 * in the step's transaction with a deterministic message id), so profiles stay derived from
 * events and segments see the change the way they see every other.
 */
export const updateProfileStep: StepHandler<UpdateProfile> = ({ step }) => {
  const update = { set: { ...(step.set ?? {}) }, addTags: [...(step.addTags ?? [])] };
  return Promise.resolve({
    kind: 'next',
    to: step.next,
    update,
    record: recordOf(step, 'updated', { next: step.next, detail: { ...update } }),
  });
};
