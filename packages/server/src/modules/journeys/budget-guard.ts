import { budgetChannels, type JourneySettings } from '@comeback/contracts';
import { sql } from 'kysely';
import type { Db, Trx } from '../../platform/db/database.js';
import { oneOf } from '../../platform/json.js';
import type { NewMessage } from '../messaging/index.js';
import { nextAllowedSlot, type BudgetLimit } from './frequency-budget.js';
import { elapsedMs } from './local-time.js';

/** The statuses of a message that went, or will go, out: what the budget counts. */
const BUDGET_COUNTED = ['queued', 'sending', 'sent', 'delivered'];

/** The workspace's limits for a channel, in milliseconds (none for an unbudgeted channel). */
export function budgetLimitsOf(settings: JourneySettings, channel: string): BudgetLimit[] {
  const budgeted = oneOf(budgetChannels, channel);
  return (budgeted ? (settings.budget[budgeted] ?? []) : []).map((l) => ({
    max: l.max,
    withinMs: elapsedMs(l.within),
  }));
}

/**
 * PostgreSQL, several workers: the budget was read when the send was planned, outside this
 * transaction, so two workers may have planned sends to one profile at once. Under a lock per
 * profile (taken in id order, so two batches cannot deadlock on each other), the messages now
 * committed - and this transaction's own - are read again; a message that would break a limit
 * is reported, and its enrollment is left for the next pass, which delays it properly.
 */
export async function lockBudgets(trx: Trx, profileIds: Iterable<string>): Promise<void> {
  for (const id of [...new Set(profileIds)].sort())
    await sql`select pg_advisory_xact_lock(hashtext(${`journey-budget:${id}`}))`.execute(trx);
}

export async function breaksBudget(
  trx: Trx,
  m: NewMessage,
  limits: readonly BudgetLimit[],
  now: number,
): Promise<boolean> {
  if (limits.length === 0 || m.profileId === null || m.kind !== 'marketing') return false;
  const since = now - Math.max(...limits.map((l) => l.withinMs));
  const history = await countedSendTimes(trx, m.workspaceId, m.profileId, m.channel, since);
  return nextAllowedSlot(now, history, limits) > now;
}

/** When the profile's counted marketing messages on a channel went (or go) out, since `since`. */
export async function countedSendTimes(
  db: Db | Trx,
  workspaceId: string,
  profileId: string,
  channel: string,
  since: number,
): Promise<number[]> {
  const rows = await db
    .selectFrom('messages')
    .select(['next_attempt_at', 'sent_at'])
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', profileId)
    .where('channel', '=', channel)
    .where('kind', '=', 'marketing')
    .where('status', 'in', BUDGET_COUNTED)
    .where((eb) => eb.or([eb('sent_at', '>=', since), eb('next_attempt_at', '>=', since)]))
    .execute();
  return rows.map((r) => Number(r.sent_at ?? r.next_attempt_at));
}

/** Profile ids per query: well within both engines' limits on bound parameters. */
const IDS_PER_QUERY = 500;

/** One counted message of a profile: its channel, when it went (null: not yet) and is due. */
export interface CountedSend {
  channel: string;
  sentAt: number | null;
  next: number;
}

/**
 * countedSendTimes for many profiles of a workspace on the budget's channels, rows as they are:
 * per profile asked (each has an entry, maybe empty), its counted marketing messages since
 * `since`. The channels are named so that both engines read the covering `messages_budget`
 * index (without them SQLite reads every message of the workspace).
 */
export async function countedSendRows(
  db: Db | Trx,
  workspaceId: string,
  profileIds: readonly string[],
  since: number,
): Promise<Map<string, { since: number; rows: CountedSend[] }>> {
  const out = new Map<string, { since: number; rows: CountedSend[] }>();
  for (const id of profileIds) out.set(id, { since, rows: [] });
  for (let i = 0; i < profileIds.length; i += IDS_PER_QUERY) {
    const rows = await db
      .selectFrom('messages')
      .select(['profile_id', 'channel', 'next_attempt_at', 'sent_at'])
      .where('profile_id', 'in', profileIds.slice(i, i + IDS_PER_QUERY))
      .where('channel', 'in', budgetChannels)
      .where('workspace_id', '=', workspaceId)
      .where('kind', '=', 'marketing')
      .where('status', 'in', BUDGET_COUNTED)
      .where((eb) => eb.or([eb('sent_at', '>=', since), eb('next_attempt_at', '>=', since)]))
      .execute();
    for (const r of rows)
      out.get(r.profile_id ?? '')?.rows.push({
        channel: r.channel,
        sentAt: r.sent_at === null ? null : Number(r.sent_at),
        next: Number(r.next_attempt_at),
      });
  }
  return out;
}
