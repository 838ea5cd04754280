/**
 * The overview's aggregates (modules/overview) on both engines: messages per channel and day
 * (opens and clicks once per message, machines' left out), conversions and revenue per journey
 * (holdout left out), the repeat-purchase funnel and the churn-risk counts; and the window's
 * defaults and limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  overviewWindow,
  readOverview,
  type OverviewWindow,
} from '../../src/modules/overview/index.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T12:00:00Z');
const D1 = Date.parse('2026-05-20T10:00:00Z');
const D2 = Date.parse('2026-05-21T10:00:00Z');
const BEFORE = Date.parse('2026-04-01T10:00:00Z');
const json = (v: unknown) => JSON.stringify(v);

function windowOf(query: { from?: string; to?: string; days?: number }): OverviewWindow {
  const result = overviewWindow(query, NOW);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe('the overview window', () => {
  it('defaults to the 30 days up to now', () => {
    expect(windowOf({})).toEqual({ from: NOW - 30 * DAY, to: NOW });
    expect(windowOf({ to: '2026-05-10T00:00:00Z' })).toEqual({
      from: Date.parse('2026-04-10T00:00:00Z'),
      to: Date.parse('2026-05-10T00:00:00Z'),
    });
  });

  it('takes a number of days up to now instead of from', () => {
    expect(windowOf({ days: 7 })).toEqual({ from: NOW - 7 * DAY, to: NOW });
    const both = overviewWindow({ from: '2026-05-01', days: 7 }, NOW);
    expect(both.ok ? null : both.error.details[0]?.field).toBe('querystring.days');
  });

  it('reads bare days as whole UTC days', () => {
    expect(windowOf({ from: '2026-05-01', to: '2026-05-31' })).toEqual({
      from: Date.parse('2026-05-01T00:00:00Z'),
      to: Date.parse('2026-06-01T00:00:00Z'),
    });
  });

  it('refuses a reversed or over-long window, naming the field', () => {
    for (const query of [
      { from: '2026-05-02', to: '2026-05-01T00:00:00Z' },
      { from: '2025-01-01', to: '2026-05-01' },
    ]) {
      const result = overviewWindow(query, NOW);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.details[0]?.field).toBe('querystring.from');
    }
  });
});

describe.each(engines)('the overview on %s', (engine) => {
  let tdb: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    tdb = await freshDatabase(engine);
    database = openDatabase(tdb.url);
    await migrateToLatest(database);
    await database.db
      .insertInto('workspaces')
      .values([
        { id: 'w1', name: 'one', currency: 'USD', created_at: 0 },
        { id: 'w2', name: 'two', currency: 'EUR', created_at: 0 },
      ])
      .execute();
  });
  afterAll(async () => {
    await database?.close();
    await tdb?.drop();
  });

  const message = (
    id: string,
    over: { workspace?: string; channel?: string; status: string; at: number; sent?: boolean },
  ) => ({
    id,
    workspace_id: over.workspace ?? 'w1',
    profile_id: null,
    channel: over.channel ?? 'email',
    kind: 'marketing',
    template_id: null,
    template_version: null,
    language: 'en',
    dedupe_key: id,
    to_address: 'ana@example.com',
    subject: 'Hi',
    extra: null,
    status: over.status,
    attempts: 1,
    next_attempt_at: over.at,
    locked_by: null,
    locked_until: null,
    provider_message_id: null,
    last_error: null,
    created_at: over.at,
    updated_at: over.at,
    sent_at: over.sent === false ? null : over.at + 1000,
  });
  const tracked = (
    n: number,
    event: string,
    messageId: string,
    at: number,
    over: { machine?: boolean; workspace?: string } = {},
  ) => ({
    workspace_id: over.workspace ?? 'w1',
    message_id: `${event}:${n}`,
    type: 'track',
    event,
    user_id: null,
    anonymous_id: null,
    timestamp: at,
    received_at: at,
    payload: json({ event, properties: { messageId, machine: over.machine ?? false } }),
    time_adjusted: null,
  });

  it('counts messages per channel and day; opens and clicks once per message', async () => {
    await database.db
      .insertInto('messages')
      .values([
        message('m1', { status: 'delivered', at: D1 }),
        message('m2', { status: 'sent', at: D1 }),
        message('m3', { status: 'bounced', at: D2 }),
        message('m4', { channel: 'sms', status: 'failed', at: D2, sent: false }),
        message('m5', { status: 'sent', at: BEFORE }),
        message('m6', { workspace: 'w2', status: 'sent', at: D1 }),
      ])
      .execute();
    // m3 was delivered, then bounced; its receipt still counts it delivered.
    await database.db
      .insertInto('message_status_changes')
      .values([
        { message_id: 'm1', status: 'delivered', at: D1 + 2000, detail: null },
        { message_id: 'm3', status: 'delivered', at: D2 + 2000, detail: null },
      ])
      .execute();
    await database.db
      .insertInto('events')
      .values([
        tracked(1, 'Email Opened', 'm1', D1 + 60_000),
        tracked(2, 'Email Opened', 'm1', D2),
        tracked(3, 'Email Link Clicked', 'm1', D2),
        tracked(4, 'Email Opened', 'm2', D1 + 5000, { machine: true }),
        tracked(5, 'Email Link Clicked', 'm2', D1 + 5000, { machine: true }),
        tracked(6, 'Email Opened', 'm5', D1),
        tracked(7, 'Email Opened', 'm6', D1, { workspace: 'w2' }),
        tracked(8, 'Email Opened', 'm6', D1),
      ])
      .execute();

    const overview = await readOverview(database, 'w1', windowOf({}));
    expect(overview.currency).toBe('USD');
    expect(overview.days).toHaveLength(31);
    expect(overview.days[0]).toBe('2026-05-02');
    expect(overview.days.at(-1)).toBe('2026-06-01');
    expect(overview.messages.byChannel).toEqual([
      { channel: 'email', sent: 3, delivered: 2, opened: 1, clicked: 1, failed: 1 },
      { channel: 'sms', sent: 0, delivered: 0, opened: 0, clicked: 0, failed: 1 },
    ]);
    const day = (d: string) => overview.messages.byDay.find((r) => r.day === d);
    expect(day('2026-05-20')).toEqual({
      day: '2026-05-20',
      sent: 2,
      delivered: 1,
      opened: 1,
      clicked: 1,
    });
    expect(day('2026-05-21')).toEqual({
      day: '2026-05-21',
      sent: 1,
      delivered: 1,
      opened: 0,
      clicked: 0,
    });
    expect(day('2026-05-22')).toEqual({
      day: '2026-05-22',
      sent: 0,
      delivered: 0,
      opened: 0,
      clicked: 0,
    });
  });

  it('counts entries, conversions and revenue per journey and day, without the holdout', async () => {
    const journey = (id: string, name: string) => ({
      id,
      workspace_id: 'w1',
      name,
      status: 'active' as const,
      draft: json({}),
      active_version: 1,
      created_at: BEFORE,
      updated_at: BEFORE,
    });
    await database.db
      .insertInto('journeys')
      .values([journey('j1', 'Welcome'), journey('j2', 'Win-back')])
      .execute();
    let n = 0;
    const enrollment = (
      journeyId: string,
      enteredAt: number,
      conversion: { at: number; revenue: number } | null,
      holdout = 0,
    ) => ({
      id: `e${++n}`,
      workspace_id: 'w1',
      journey_id: journeyId,
      version: 1,
      profile_id: `p${n}`,
      entry_key: `k${n}`,
      entry_seq: null,
      status: conversion ? ('converted' as const) : ('active' as const),
      node: null,
      visit: 1,
      context: json({}),
      due_at: null,
      lease_until: null,
      armed_node: null,
      armed_since: null,
      waiting_event: null,
      signal_seq: 0,
      signal: null,
      holdout,
      entered_at: enteredAt,
      updated_at: enteredAt,
      ended_at: conversion?.at ?? null,
      end_reason: null,
      last_message_id: null,
      last_message_at: null,
      converted_at: conversion?.at ?? null,
      revenue: conversion?.revenue ?? null,
    });
    await database.db
      .insertInto('journey_enrollments')
      .values([
        enrollment('j1', D1, { at: D1 + 3600_000, revenue: 10 }),
        enrollment('j1', D1, { at: D2, revenue: 20.5 }),
        enrollment('j1', D2, null),
        enrollment('j1', D1, { at: D2, revenue: 99 }, 1),
        enrollment('j2', BEFORE, { at: D2, revenue: 40 }),
      ])
      .execute();

    const overview = await readOverview(database, 'w1', windowOf({}));
    expect(overview.journeys.map((j) => [j.name, j.entered, j.converted, j.revenue])).toEqual([
      ['Win-back', 0, 1, 40],
      ['Welcome', 3, 2, 30.5],
    ]);
    const welcome = overview.journeys.find((j) => j.journeyId === 'j1');
    expect(welcome?.byDay).toHaveLength(31);
    expect(welcome?.byDay.filter((d) => d.converted > 0)).toEqual([
      { day: '2026-05-20', converted: 1, revenue: 10 },
      { day: '2026-05-21', converted: 1, revenue: 20.5 },
    ]);
    // Another workspace sees none of it.
    expect((await readOverview(database, 'w2', windowOf({}))).journeys).toEqual([]);
  });

  it('measures the repeat-purchase funnel over all buyers', async () => {
    const profile = (id: string, orders: number, workspace = 'w1') => ({
      id,
      workspace_id: workspace,
      created_at: BEFORE,
      updated_at: BEFORE,
      traits: json({}),
      trait_times: json({}),
      order_count: orders,
      total_spent: orders * 10,
      refunded_total: 0,
      first_order_at: orders > 0 ? BEFORE : null,
      last_order_at: orders > 0 ? BEFORE : null,
      last_seen_at: null,
      last_product_viewed: null,
      last_product_viewed_at: null,
      categories_bought: json([]),
      products_bought: json([]),
      recreated_after_erasure: 0,
    });
    await database.db
      .insertInto('profiles')
      .values([
        profile('a', 0),
        profile('b', 1),
        profile('c', 1),
        profile('d', 2),
        profile('e', 3),
        profile('f', 5, 'w2'),
      ])
      .execute();
    const { repeatPurchase } = await readOverview(database, 'w1', windowOf({}));
    expect(repeatPurchase).toEqual({
      buyers: 4,
      secondOrder: 2,
      thirdOrder: 1,
      secondRate: 0.5,
      thirdRate: 0.5,
    });
  });

  it('counts customers per churn risk at the last fit (none before one)', async () => {
    expect((await readOverview(database, 'w1', windowOf({}))).churnRisk).toBeNull();
    const run = await database.db
      .insertInto('insights_model_runs')
      .values({
        workspace_id: 'w1',
        model: 'customer_value',
        method: 'rules',
        reason: 'too few buyers',
        fitted_at: D2,
        customers: 4,
        repeat_customers: 2,
        scored_profiles: 4,
        parameters: json({}),
        log_likelihood: null,
        details: json({}),
        duration_ms: 3,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const prediction = (profileId: string, churn: 'low' | 'medium' | 'high') => ({
      workspace_id: 'w1',
      profile_id: profileId,
      run_id: Number(run.id),
      method: 'rules' as const,
      p_alive: 0.5,
      expected_orders_90d: 0.1,
      expected_orders_365d: 0.4,
      predicted_clv_365d: 4,
      expected_spend: 10,
      churn_risk: churn,
      churn_basis: 'rules',
      churn_score: 0.5,
      expected_next_order_at: null,
      x: 0,
      t_x: 0,
      t_cal: 8,
      monetary: null,
      average_order_value: 10,
      computed_at: D2,
    });
    await database.db
      .insertInto('customer_value_predictions')
      .values([
        prediction('b', 'high'),
        prediction('c', 'high'),
        prediction('d', 'medium'),
        prediction('e', 'low'),
      ])
      .execute();
    expect((await readOverview(database, 'w1', windowOf({}))).churnRisk).toEqual({
      fittedAt: new Date(D2).toISOString(),
      method: 'rules',
      counts: { low: 1, medium: 1, high: 2 },
    });
  });
});
