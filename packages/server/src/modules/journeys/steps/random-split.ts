import { createHash } from 'node:crypto';
import type { JourneyStep } from '@comeback/contracts';
import { recordOf, type StepHandler } from '../engine-types.js';

type RandomSplit = Extract<JourneyStep, { type: 'random_split' }>;

/**
 * A bucket 0-99 from the enrollment and step ids: the same enrollment always takes the same
 * arm, so a replay after a crash (or a backtest rerun) cannot change its mind.
 */
export function bucketOf(enrollmentId: string, stepId: string): number {
  const digest = createHash('sha256').update(`${enrollmentId}:${stepId}`).digest();
  return digest.readUInt32BE(0) % 100;
}

export const randomSplitStep: StepHandler<RandomSplit> = ({ step, enrollment }) => {
  const bucket = bucketOf(enrollment.id, step.id);
  let upTo = 0;
  let chosen = step.arms[step.arms.length - 1];
  for (const arm of step.arms) {
    upTo += arm.percent;
    if (bucket < upTo) {
      chosen = arm;
      break;
    }
  }
  if (!chosen) throw new Error(`random split ${step.id} has no arms`);
  const index = step.arms.indexOf(chosen);
  return Promise.resolve({
    kind: 'next',
    to: chosen.next,
    holdout: chosen.holdout,
    record: recordOf(step, chosen.holdout ? 'holdout' : 'branch', {
      next: chosen.next,
      detail: { branch: chosen.label ?? `arm ${index + 1}`, values: { bucket } },
    }),
  });
};
