import type { JourneyStep, SegmentCondition } from '@comeback/contracts';
import { recordOf, type StepHandler } from '../engine-types.js';
import { matchesFilters, propertyAt } from '../property-match.js';

type Split = Extract<JourneyStep, { type: 'split' }>;

/** The registry fields a condition tests (what a trace shows the values of). */
export function fieldsOf(c: SegmentCondition, out = new Set<string>()): Set<string> {
  if (c.type === 'field') out.add(c.field);
  else if (c.type === 'and' || c.type === 'or') for (const x of c.conditions) fieldsOf(x, out);
  else if (c.type === 'not') fieldsOf(c.condition, out);
  return out;
}

/**
 * The first branch whose conditions all hold; `otherwise` when none does. The trace keeps,
 * for every branch tried, the values that decided it: the trigger event's properties its
 * filters read, the profile fields its condition tests, and whether the condition held.
 */
export const splitStep: StepHandler<Split> = async ({ step, enrollment, now, env }) => {
  const trigger = enrollment.context.trigger.event;
  const tried: { branch: string; values: Record<string, unknown> }[] = [];
  for (const [index, branch] of step.branches.entries()) {
    const name = branch.label ?? `branch ${index + 1}`;
    const values: Record<string, unknown> = {};
    tried.push({ branch: name, values });
    if (branch.triggerWhere !== undefined) {
      for (const f of branch.triggerWhere)
        values[`trigger.${f.property}`] = propertyAt(trigger?.properties, f.property) ?? null;
      if (!trigger || !matchesFilters(trigger.properties, branch.triggerWhere)) continue;
    }
    if (branch.condition !== undefined) {
      const fields = [...fieldsOf(branch.condition)];
      if (fields.length > 0 && env.fieldValues)
        Object.assign(
          values,
          await env.fieldValues(enrollment.workspaceId, enrollment.profileId, fields),
        );
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
        detail: { branch: name, values, tried: tried.slice(0, -1) },
      }),
    };
  }
  return {
    kind: 'next',
    to: step.otherwise,
    record: recordOf(step, 'branch', {
      next: step.otherwise,
      detail: { branch: 'otherwise', values: {}, tried },
    }),
  };
};
