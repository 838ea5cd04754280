import { z } from 'zod';
import { consentChannels, consentStatuses } from './messaging.js';

/**
 * The person's marketing consent on a channel is now `status` (`subscribed`: may be sent
 * marketing there, a double opt-in confirmed; `pending`: awaiting that confirmation). No record
 * on the channel matches no status: "never asked" is `not` around an `or` of the three.
 */
export const consentConditionSchema = z
  .object({
    type: z.literal('consent'),
    channel: oneOfTexts(consentChannels),
    status: oneOfTexts(consentStatuses),
  })
  .strict();

/**
 * One of `values`. An enum's refusal would end the union's choice of branch (the fault would be
 * told at the condition, not at this key); a refinement lets the branch its `type` names report
 * it at its own path. The JSON Schema still lists the values.
 */
function oneOfTexts<const T extends readonly string[]>(values: T) {
  const isOne = (v: string): v is T[number] => values.includes(v);
  return z
    .string()
    .refine(isOne, `must be one of ${values.join(', ')}`)
    .meta({ enum: [...values] });
}
