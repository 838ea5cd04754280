import type { JourneyStep } from '@comeback/contracts';
import { recordOf, type StepHandler } from '../engine-types.js';

type Exit = Extract<JourneyStep, { type: 'exit' }>;

export const exitStep: StepHandler<Exit> = ({ step }) =>
  Promise.resolve({
    kind: 'end',
    status: 'completed',
    reason: 'reached the end',
    record: recordOf(step, 'completed', { reason: 'reached the end' }),
  });
