import { journeyStatsSchema } from '@comeback/contracts';
import { z } from 'zod';
import { sql } from 'kysely';
import type { DemoApi } from './demo-run.js';
import type { RunningServer } from './server.js';

const journeyListSchema = z.object({
  data: z.array(z.object({ id: z.string(), definition: z.object({ name: z.string() }) })),
});

/** One flow's outcome in the demo: the journey's statistics and its messages by channel. */
export interface DemoFlowRow {
  journey: string;
  journeyId: string;
  entered: number;
  messages: Record<string, number>;
  delayedByBudget: number;
  droppedByBudget: number;
  converted: number;
  revenue: number;
  /** Conversion rate of those sent messages minus that of the holdout (null without one). */
  holdoutLift: number | null;
  holdoutEntered: number;
}

export interface DemoSummary {
  flows: DemoFlowRow[];
  totals: { entered: number; messages: Record<string, number>; converted: number; revenue: number };
  messagesByLanguage: Record<string, number>;
}

/**
 * The statistics come from the public API (GET /journeys, /journeys/{id}/stats), as a
 * marketer would read them; the split by channel and the budget's delays are counted from
 * the journeys' step records and the outbox they name.
 */
export async function summarizeDemo(
  server: RunningServer,
  api: DemoApi,
  workspace: string,
): Promise<DemoSummary> {
  const db = server.services.database.db;
  const list = journeyListSchema.parse(await api.admin('GET', '/api/v1/journeys'));
  const byChannel = await db
    .selectFrom('journey_steps as s')
    .innerJoin('messages as m', 'm.id', 's.message_id')
    .select(['s.journey_id', 'm.channel', sql<number>`count(*)`.as('n')])
    .where('s.workspace_id', '=', workspace)
    .where('s.outcome', '=', 'sent')
    .groupBy(['s.journey_id', 'm.channel'])
    .execute();
  const held = await db
    .selectFrom('journey_steps')
    .select(['journey_id', 'outcome', sql<number>`count(*)`.as('n')])
    .where('workspace_id', '=', workspace)
    .where((eb) =>
      eb.or([
        eb.and([eb('outcome', '=', 'delayed'), eb('reason', '=', 'frequency budget')]),
        eb.and([eb('outcome', '=', 'skipped'), eb('reason', 'like', '%frequency budget%')]),
      ]),
    )
    .groupBy(['journey_id', 'outcome'])
    .execute();
  const languages = await db
    .selectFrom('messages')
    .select(['language', sql<number>`count(*)`.as('n')])
    .where('workspace_id', '=', workspace)
    .groupBy('language')
    .execute();
  const flows: DemoFlowRow[] = [];
  for (const j of list.data) {
    const stats = journeyStatsSchema.parse(
      await api.admin('GET', `/api/v1/journeys/${j.id}/stats`),
    );
    const messages: Record<string, number> = {};
    for (const r of byChannel.filter((r) => r.journey_id === j.id))
      messages[r.channel] = Number(r.n);
    const count = (outcome: string) =>
      Number(held.find((r) => r.journey_id === j.id && r.outcome === outcome)?.n ?? 0);
    const h = stats.holdout;
    flows.push({
      journey: j.definition.name,
      journeyId: j.id,
      entered: stats.entered,
      messages,
      delayedByBudget: count('delayed'),
      droppedByBudget: count('skipped'),
      converted: stats.converted,
      revenue: stats.revenue,
      holdoutLift:
        h.entered > 0 && h.rate !== null && h.treatedRate !== null ? h.treatedRate - h.rate : null,
      holdoutEntered: h.entered,
    });
  }
  const totals = { entered: 0, messages: {} as Record<string, number>, converted: 0, revenue: 0 };
  for (const f of flows) {
    totals.entered += f.entered;
    totals.converted += f.converted;
    totals.revenue += f.revenue;
    for (const [c, n] of Object.entries(f.messages))
      totals.messages[c] = (totals.messages[c] ?? 0) + n;
  }
  return {
    flows,
    totals,
    messagesByLanguage: Object.fromEntries(languages.map((l) => [l.language ?? '-', Number(l.n)])),
  };
}

const channelsOf = (m: Record<string, number>) =>
  Object.entries(m)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([c, n]) => `${c} ${n}`)
    .join(', ') || '-';

/** The summary as the table `comeback demo` prints. */
export function summaryTable(s: DemoSummary, currency: string): string[][] {
  const money = (n: number) => `${n.toFixed(2)} ${currency}`;
  const lift = (f: DemoFlowRow) =>
    f.holdoutLift === null ? '-' : `${(f.holdoutLift * 100).toFixed(1)} pp (n=${f.holdoutEntered})`;
  return [
    [
      'FLOW',
      'ENTRIES',
      'MESSAGES BY CHANNEL',
      'DELAYED (BUDGET)',
      'DROPPED',
      'CONVERSIONS',
      'REVENUE',
      'HOLDOUT LIFT',
    ],
    ...s.flows.map((f) => [
      f.journey,
      String(f.entered),
      channelsOf(f.messages),
      String(f.delayedByBudget),
      String(f.droppedByBudget),
      String(f.converted),
      money(f.revenue),
      lift(f),
    ]),
    [
      'TOTAL',
      String(s.totals.entered),
      channelsOf(s.totals.messages),
      String(s.flows.reduce((a, f) => a + f.delayedByBudget, 0)),
      String(s.flows.reduce((a, f) => a + f.droppedByBudget, 0)),
      String(s.totals.converted),
      money(s.totals.revenue),
      '',
    ],
  ];
}
