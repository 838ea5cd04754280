import { createHash } from 'node:crypto';
import type { ChannelKind, JourneyStep } from '@comeback/contracts';
import { budgetLimitsOf } from '../budget-guard.js';
import { recordOf, type StepHandler, type StepInput, type StepResult } from '../engine-types.js';
import { nextAllowedSlot } from '../frequency-budget.js';
import { addDuration, quietUntil } from '../local-time.js';

type Send = Extract<JourneyStep, { type: 'send' | 'webhook' }>;

/**
 * The message's id and dedupe key come from the enrollment and the step: a step is visited at
 * most once per enrollment (the graph has no loops), so a replay can only find it queued.
 */
export function journeyMessageId(enrollmentId: string, stepId: string): string {
  const digest = createHash('sha256').update(`journey:${enrollmentId}:${stepId}`).digest('hex');
  return `msg_${digest.slice(0, 24)}`;
}

/**
 * A message through the outbox. In order: a holdout sends nothing; the template and the
 * profile's address (none: skipped); consent and suppression now (the sender asks again at send
 * time); quiet hours in the profile's zone; the frequency budget, which delays to the next
 * allowed slot up to the journey's maximum delay, or drops at once if the journey says so; and
 * only then the rendering (a template that fails to render: skipped).
 */
export const sendStep: StepHandler<Send> = async (input) => {
  const { step, enrollment, now, env } = input;
  const skip = (reason: string, detail: Record<string, unknown> = {}): StepResult => ({
    kind: 'next',
    to: step.next,
    record: recordOf(step, 'skipped', { next: step.next, reason, detail }),
  });
  if (enrollment.holdout) return skip('holdout: this arm gets no messages');
  const messageId = journeyMessageId(enrollment.id, step.id);
  const trigger = enrollment.context.trigger.event;
  const where = { workspaceId: enrollment.workspaceId, profileId: enrollment.profileId };
  // Checked before rendering: a message held by quiet hours or the budget is rendered when it
  // goes (with what is true then), and one that cannot go is never rendered.
  const addressed = await env.addressOf({ ...where, template: step.template });
  if (!addressed.ok) return skip(addressed.reason, { template: step.template });
  const allowed = await env.mayReceive(addressed);
  if (!allowed.ok) return skip(allowed.reason, { channel: addressed.channel });
  if (addressed.marketing) {
    const held = await holdBack(input, addressed.channel);
    if (held) return held;
  }
  const composed = await env.compose({
    ...where,
    template: step.template,
    messageId,
    dedupeKey: `journey:${enrollment.id}:${step.id}`,
    data: trigger ? { event_name: trigger.name } : {},
    event: trigger?.properties,
    sendAt: now,
  });
  if (!composed.ok) return skip(composed.reason, { template: step.template });
  return {
    kind: 'next',
    to: step.next,
    message: composed.message,
    record: recordOf(step, 'sent', {
      next: step.next,
      messageId,
      detail: { channel: composed.channel, template: step.template },
    }),
  };
};

/** Quiet hours and the budget: a wait (delayed), a skip (dropped), or null to send now. */
async function holdBack(input: StepInput<Send>, channel: ChannelKind): Promise<StepResult | null> {
  const { step, enrollment, definition, now, armedSince, env } = input;
  const sending = definition.sending;
  const settings = await env.settings(enrollment.workspaceId);
  const since = armedSince ?? now;
  const deadline = addDuration(since, sending.maxDelay, 'UTC');
  const delay = (until: number, reason: string): StepResult =>
    until > deadline
      ? {
          kind: 'next',
          to: step.next,
          record: recordOf(step, 'skipped', {
            next: step.next,
            reason: `dropped: ${reason} would hold it past the journey's maximum delay`,
            detail: { channel, until, deadline },
          }),
        }
      : {
          kind: 'wait',
          until,
          record: recordOf(step, 'delayed', { reason, detail: { channel, until } }),
        };
  if (sending.quietHours && settings.quietHours !== null) {
    const zone = await env.zoneOf(enrollment.workspaceId, enrollment.profileId);
    const until = quietUntil(now, zone, settings.quietHours);
    if (until !== null) return delay(until, `quiet hours (${zone})`);
  }
  const inMs = sending.budgetExempt ? [] : budgetLimitsOf(settings, channel);
  if (inMs.length === 0) return null;
  const longest = Math.max(...inMs.map((l) => l.withinMs));
  const history = await env.budgetHistory(
    enrollment.workspaceId,
    enrollment.profileId,
    channel,
    now - longest,
  );
  const slot = nextAllowedSlot(now, history, inMs);
  if (slot <= now) return null;
  if (sending.overBudget === 'drop')
    return {
      kind: 'next',
      to: step.next,
      record: recordOf(step, 'skipped', {
        next: step.next,
        reason: 'dropped: over the frequency budget',
        detail: { channel, nextSlot: slot },
      }),
    };
  return delay(slot, 'frequency budget');
}
