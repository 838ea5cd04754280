import type { JourneyStep } from '@comeback/contracts';
import type { StepHandler, StepInput, StepResult } from '../engine-types.js';
import { exitStep } from './exit.js';
import { randomSplitStep } from './random-split.js';
import { sendStep } from './send.js';
import { splitActionStep } from './split-action.js';
import { splitStep } from './split.js';
import { updateProfileStep } from './update-profile.js';
import { waitForEventStep } from './wait-for-event.js';
import { waitUntilStep } from './wait-until.js';
import { waitStep } from './wait.js';

export { journeyMessageId } from './send.js';
export { bucketOf } from './random-split.js';

type Handlers = { [T in JourneyStep['type']]: StepHandler<Extract<JourneyStep, { type: T }>> };

/** Every step type's handler: one small file each (ADR 0021). */
const handlers: Handlers = {
  wait: waitStep,
  wait_until: waitUntilStep,
  wait_for_event: waitForEventStep,
  split: splitStep,
  split_action: splitActionStep,
  random_split: randomSplitStep,
  send: sendStep,
  webhook: sendStep,
  update_profile: updateProfileStep,
  exit: exitStep,
};

function handle<T extends JourneyStep['type']>(
  type: T,
  input: StepInput<Extract<JourneyStep, { type: T }>>,
): Promise<StepResult> {
  return handlers[type](input);
}

export function runStep(input: StepInput): Promise<StepResult> {
  const { step } = input;
  switch (step.type) {
    case 'wait':
      return handle('wait', { ...input, step });
    case 'wait_until':
      return handle('wait_until', { ...input, step });
    case 'wait_for_event':
      return handle('wait_for_event', { ...input, step });
    case 'split':
      return handle('split', { ...input, step });
    case 'split_action':
      return handle('split_action', { ...input, step });
    case 'random_split':
      return handle('random_split', { ...input, step });
    case 'send':
      return handle('send', { ...input, step });
    case 'webhook':
      return handle('webhook', { ...input, step });
    case 'update_profile':
      return handle('update_profile', { ...input, step });
    case 'exit':
      return handle('exit', { ...input, step });
  }
}
