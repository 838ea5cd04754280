import type { JourneyStep } from '@comeback/contracts';
import { recordOf, type StepHandler } from '../engine-types.js';
import { matchesFilters, propertyAt } from '../property-match.js';

type Split = Extract<JourneyStep, { type: 'split' }>;

/** The first branch whose conditions all hold; `otherwise` when none does. */
export const splitStep: StepHandler<Split> = async ({ step, enrollment, now, env }) => {
  const trigger = enrollment.context.trigger.event;
  for (const [index, branch] of step.branches.entries()) {
    const values: Record<string, unknown> = {};
    if (branch.triggerWhere !== undefined) {
      for (const f of branch.triggerWhere)
        values[`trigger.${f.property}`] = propertyAt(trigger?.properties, f.property) ?? null;
      if (!trigger || !matchesFilters(trigger.properties, branch.triggerWhere)) continue;
    }
    if (branch.condition !== undefined) {
      const holds = await env.conditionHolds(
        enrollment.workspaceId,
        enrollment.profileId,
        branch.condition,
        now,
      );
      values.condition = holds;
      if (!holds) continue;
    }
    return {
      kind: 'next',
      to: branch.next,
      record: recordOf(step, 'branch', {
        next: branch.next,
        detail: { branch: branch.label ?? `branch ${index + 1}`, values },
      }),
    };
  }
  return {
    kind: 'next',
    to: step.otherwise,
    record: recordOf(step, 'branch', {
      next: step.otherwise,
      detail: { branch: 'otherwise', values: {} },
    }),
  };
};
