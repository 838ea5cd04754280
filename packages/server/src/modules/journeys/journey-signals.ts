import type { JourneyDefinition } from '@comeback/contracts';
import type { Trx } from '../../platform/db/database.js';
import type { TriggerEvent } from './engine-types.js';
import { elapsedMs } from './local-time.js';

/** The revenue an order-like event carries: `revenue`, else `total`, else `value`. */
export function revenueOf(properties: Record<string, unknown>): number | null {
  for (const key of ['revenue', 'total', 'value']) {
    const v = properties[key];
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
    if (Number.isFinite(n)) return n;
  }
  return null;
}

/**
 * The goal was reached: the enrollment leaves at once (no later step runs: the runner's guard
 * sees it is no longer active) and the conversion is credited to the journey, and to the last
 * message when it went out within the goal's attribution window.
 */
export async function convertEnrollment(
  trx: Trx,
  a: {
    id: string;
    workspace_id?: string;
    journey_id: string;
    last_message_id: string | null;
    last_message_at: number | null;
  },
  definition: JourneyDefinition,
  event: TriggerEvent,
  now: number,
): Promise<boolean> {
  const revenue = revenueOf(event.properties);
  const updated = await trx
    .updateTable('journey_enrollments')
    .set((eb) => ({
      status: 'converted',
      converted_at: now,
      revenue,
      ended_at: now,
      end_reason: `goal: ${event.name}`,
      node: null,
      due_at: null,
      signal: null,
      visit: eb('visit', '+', 1),
      updated_at: now,
    }))
    .where('id', '=', a.id)
    .where('status', '=', 'active')
    .returning(['visit', 'workspace_id'])
    .executeTakeFirst();
  if (!updated) return false;
  const window = definition.goal?.attributionWindow;
  const credited =
    window !== undefined &&
    a.last_message_id !== null &&
    a.last_message_at !== null &&
    now - Number(a.last_message_at) <= elapsedMs(window)
      ? a.last_message_id
      : null;
  await trx
    .insertInto('journey_steps')
    .values({
      enrollment_id: a.id,
      visit: Number(updated.visit) - 1,
      workspace_id: updated.workspace_id,
      journey_id: a.journey_id,
      node: '$goal',
      step_type: 'goal',
      outcome: 'converted',
      next_node: null,
      reason: `goal: ${event.name}`,
      message_id: credited,
      at: now,
      detail: JSON.stringify({ event: event.name, eventId: event.messageId, revenue }),
    })
    .execute();
  return true;
}

/**
 * An awaited event arrived for an enrollment waiting at `stepId`, or standing there about to
 * start the wait: it is due now, and the wait takes its event branch. A later commit of the
 * enrollment clears the signal, so a signal is never older than the enrollment's last move.
 */
export async function signalEnrollment(
  trx: Trx,
  enrollmentId: string,
  stepId: string,
  event: TriggerEvent,
  now: number,
): Promise<void> {
  await trx
    .updateTable('journey_enrollments')
    .set((eb) => ({
      signal: JSON.stringify({ event: event.name, messageId: event.messageId, at: now }),
      signal_seq: eb('signal_seq', '+', 1),
      due_at: now,
      updated_at: now,
    }))
    .where('id', '=', enrollmentId)
    .where('status', '=', 'active')
    .where((eb) =>
      eb.or([
        eb('armed_node', '=', stepId),
        eb.and([eb('armed_node', 'is', null), eb('node', '=', stepId)]),
      ]),
    )
    .execute();
}
