import { channels, churnRisks, type ChannelKind } from '@comeback/contracts';
import { sql, type RawBuilder } from 'kysely';
import type { Database } from '../../platform/db/database.js';
import type { Overview } from './overview-schema.js';
import { dayLabel, daysOf, type OverviewWindow } from './overview-window.js';

/**
 * The overview's numbers, each an aggregate the database computes (GROUP BY day and channel or
 * journey), so the answer's size depends on the window, never on how many messages, orders or
 * customers a store has. Reads other areas' tables directly: a report across areas, read-only.
 */

const DAY = 86_400_000;
const dayOf = (column: string): RawBuilder<number> =>
  sql<number>`cast(${sql.ref(column)} / ${sql.lit(DAY)} as bigint)`;

type MessageCounts = { sent: number; delivered: number; opened: number; clicked: number };
const zero = (): MessageCounts => ({ sent: 0, delivered: 0, opened: 0, clicked: 0 });
const isChannel = (c: string): c is ChannelKind => (channels as readonly string[]).includes(c);

export async function readOverview(
  database: Database,
  workspaceId: string,
  window: OverviewWindow,
): Promise<Overview> {
  const [workspace, sends, engagement, journeys, repeatPurchase, churnRisk] = await Promise.all([
    database.db
      .selectFrom('workspaces')
      .select('currency')
      .where('id', '=', workspaceId)
      .executeTakeFirst(),
    sendCounts(database, workspaceId, window),
    engagementCounts(database, workspaceId, window),
    journeyResults(database, workspaceId, window),
    repeatPurchaseFunnel(database, workspaceId),
    churnRiskCounts(database, workspaceId),
  ]);
  const days = daysOf(window);
  const byDay = new Map(days.map((d) => [d, zero()]));
  const byChannel = new Map<ChannelKind, MessageCounts & { failed: number }>();
  const channelRow = (channel: ChannelKind) => {
    let row = byChannel.get(channel);
    if (!row) byChannel.set(channel, (row = { ...zero(), failed: 0 }));
    return row;
  };
  for (const r of sends) {
    if (!isChannel(r.channel)) continue;
    const c = channelRow(r.channel);
    c.sent += r.sent;
    c.delivered += r.delivered;
    c.failed += r.failed;
    const d = byDay.get(r.day);
    if (d) {
      d.sent += r.sent;
      d.delivered += r.delivered;
    }
  }
  for (const r of engagement) {
    if (!isChannel(r.channel)) continue;
    const c = channelRow(r.channel);
    c.opened += r.opened;
    c.clicked += r.clicked;
    const d = byDay.get(r.day);
    if (d) {
      d.opened += r.opened;
      d.clicked += r.clicked;
    }
  }
  return {
    from: new Date(window.from).toISOString(),
    to: new Date(window.to).toISOString(),
    currency: workspace?.currency ?? 'EUR',
    days: days.map(dayLabel),
    messages: {
      byChannel: channels.flatMap((channel) => {
        const row = byChannel.get(channel);
        return row ? [{ channel, ...row }] : [];
      }),
      byDay: [...byDay].map(([d, counts]) => ({ day: dayLabel(d), ...counts })),
    },
    journeys: journeyOverview(journeys, days),
    repeatPurchase,
    churnRisk,
  };
}

/** Messages created in the window, by channel and day: sent, delivered, failed. */
async function sendCounts(database: Database, workspaceId: string, window: OverviewWindow) {
  const rows = await database.db
    .selectFrom('messages as m')
    .select([
      'm.channel',
      dayOf('m.created_at').as('day'),
      sql<number>`sum(case when m.sent_at is not null then 1 else 0 end)`.as('sent'),
      // A provider's delivery receipt may be followed by a complaint: delivered all the same.
      sql<number>`sum(case when m.status in ('delivered', 'complained') or exists (
        select 1 from message_status_changes c
        where c.message_id = m.id and c.status = 'delivered') then 1 else 0 end)`.as('delivered'),
      sql<number>`sum(case when m.status in ('failed', 'bounced') then 1 else 0 end)`.as('failed'),
    ])
    .where('m.workspace_id', '=', workspaceId)
    .where('m.created_at', '>=', window.from)
    .where('m.created_at', '<', window.to)
    .groupBy(['m.channel', sql`2`])
    .execute();
  return rows.map((r) => ({
    channel: r.channel,
    day: Number(r.day),
    sent: Number(r.sent),
    delivered: Number(r.delivered),
    failed: Number(r.failed),
  }));
}

/**
 * Opens and clicks of the window's messages, each message counted once. They are events in
 * the log (`Email Opened`, `Email Link Clicked`) naming the message in `properties.messageId`;
 * the ones the tracker judged a machine's (a mail server fetching images, a link scanner) are
 * left out. Only events since the window began can concern its messages. The engaged set is
 * materialized: left to itself SQLite joined it into the scan of the window's messages and read
 * the events once per message (3 s on the demo store instead of milliseconds).
 */
async function engagementCounts(database: Database, workspaceId: string, window: OverviewWindow) {
  const json = (key: string) =>
    database.dialect === 'postgres'
      ? sql<string>`(e.payload -> 'properties' ->> ${sql.lit(key)})`
      : sql<string>`json_extract(e.payload, ${sql.lit(`$.properties.${key}`)})`;
  const human =
    database.dialect === 'postgres'
      ? sql`coalesce(${json('machine')}, 'false') <> 'true'`
      : sql`coalesce(${json('machine')}, 0) = 0`;
  const result = await sql<{ channel: string; day: number; opened: number; clicked: number }>`
    with engaged as materialized (
      select ${json('messageId')} as message_id,
        max(case when e.event = 'Email Opened' then 1 else 0 end) as opened,
        max(case when e.event = 'Email Link Clicked' then 1 else 0 end) as clicked
      from events e
      where e.workspace_id = ${workspaceId}
        and e.event in ('Email Opened', 'Email Link Clicked')
        and e.timestamp >= ${window.from}
        and ${human}
      group by 1
    )
    select m.channel, ${dayOf('m.created_at')} as day,
      sum(g.opened) as opened, sum(g.clicked) as clicked
    from messages m join engaged g on g.message_id = m.id
    where m.workspace_id = ${workspaceId}
      and m.created_at >= ${window.from} and m.created_at < ${window.to}
    group by 1, 2
  `.execute(database.db);
  return result.rows.map((r) => ({
    channel: r.channel,
    day: Number(r.day),
    opened: Number(r.opened),
    clicked: Number(r.clicked),
  }));
}

/**
 * Entries and conversions per journey. Holdout enrollments (the control group, sent nothing)
 * are left out: their conversions are not the journey's doing.
 */
async function journeyResults(database: Database, workspaceId: string, window: OverviewWindow) {
  const [entered, converted, names] = await Promise.all([
    database.db
      .selectFrom('journey_enrollments')
      .select(['journey_id', sql<number>`count(*)`.as('n')])
      .where('workspace_id', '=', workspaceId)
      .where('holdout', '=', 0)
      .where('entered_at', '>=', window.from)
      .where('entered_at', '<', window.to)
      .groupBy('journey_id')
      .execute(),
    database.db
      .selectFrom('journey_enrollments')
      .select([
        'journey_id',
        dayOf('converted_at').as('day'),
        sql<number>`count(*)`.as('n'),
        sql<number>`coalesce(sum(revenue), 0)`.as('revenue'),
      ])
      .where('workspace_id', '=', workspaceId)
      .where('holdout', '=', 0)
      .where('converted_at', '>=', window.from)
      .where('converted_at', '<', window.to)
      .groupBy(['journey_id', sql`2`])
      .execute(),
    database.db
      .selectFrom('journeys')
      .select(['id', 'name', 'status'])
      .where('workspace_id', '=', workspaceId)
      .execute(),
  ]);
  return {
    entered: entered.map((r) => ({ journeyId: r.journey_id, n: Number(r.n) })),
    converted: converted.map((r) => ({
      journeyId: r.journey_id,
      day: Number(r.day),
      n: Number(r.n),
      revenue: Number(r.revenue),
    })),
    names: new Map(names.map((j) => [j.id, { name: j.name, status: j.status }])),
  };
}

function journeyOverview(
  results: Awaited<ReturnType<typeof journeyResults>>,
  days: number[],
): Overview['journeys'] {
  const byId = new Map<string, Overview['journeys'][number]>();
  const journey = (id: string) => {
    let j = byId.get(id);
    if (!j) {
      const known = results.names.get(id);
      j = {
        journeyId: id,
        name: known?.name ?? id,
        status: known?.status ?? 'archived',
        entered: 0,
        converted: 0,
        revenue: 0,
        byDay: days.map((d) => ({ day: dayLabel(d), converted: 0, revenue: 0 })),
      };
      byId.set(id, j);
    }
    return j;
  };
  const first = days[0] ?? 0;
  for (const r of results.entered) journey(r.journeyId).entered += r.n;
  for (const r of results.converted) {
    const j = journey(r.journeyId);
    j.converted += r.n;
    j.revenue += r.revenue;
    const d = j.byDay[r.day - first];
    if (d) {
      d.converted += r.n;
      d.revenue += r.revenue;
    }
  }
  return [...byId.values()].sort((a, b) => b.revenue - a.revenue || b.entered - a.entered);
}

/** Of the customers who bought once, how many bought a second time, and of those a third. */
async function repeatPurchaseFunnel(
  database: Database,
  workspaceId: string,
): Promise<Overview['repeatPurchase']> {
  const row = await database.db
    .selectFrom('profiles')
    .select([
      sql<number>`sum(case when order_count >= 1 then 1 else 0 end)`.as('buyers'),
      sql<number>`sum(case when order_count >= 2 then 1 else 0 end)`.as('second'),
      sql<number>`sum(case when order_count >= 3 then 1 else 0 end)`.as('third'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where('order_count', '>=', 1)
    .executeTakeFirst();
  const buyers = Number(row?.buyers ?? 0);
  const secondOrder = Number(row?.second ?? 0);
  const thirdOrder = Number(row?.third ?? 0);
  return {
    buyers,
    secondOrder,
    thirdOrder,
    secondRate: buyers > 0 ? secondOrder / buyers : null,
    thirdRate: secondOrder > 0 ? thirdOrder / secondOrder : null,
  };
}

/** The last fit's customers per churn risk (predictions hold the last fit's rows only). */
async function churnRiskCounts(
  database: Database,
  workspaceId: string,
): Promise<Overview['churnRisk']> {
  const [run, counts] = await Promise.all([
    database.db
      .selectFrom('insights_model_runs')
      .select(['fitted_at', 'method'])
      .where('workspace_id', '=', workspaceId)
      .where('model', '=', 'customer_value')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst(),
    database.db
      .selectFrom('customer_value_predictions')
      .select(['churn_risk', sql<number>`count(*)`.as('n')])
      .where('workspace_id', '=', workspaceId)
      .groupBy('churn_risk')
      .execute(),
  ]);
  if (!run) return null;
  const tally = { low: 0, medium: 0, high: 0 };
  for (const c of counts) if (churnRisks.includes(c.churn_risk)) tally[c.churn_risk] = Number(c.n);
  return {
    fittedAt: new Date(Number(run.fitted_at)).toISOString(),
    method: run.method,
    counts: tally,
  };
}
