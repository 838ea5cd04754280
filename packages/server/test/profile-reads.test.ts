/**
 * Profiles read for a whole batch at once (a journey pass's prefetch, profile-reads.ts) answer
 * each id exactly as reading it alone does, on both engines: a profile with identifiers,
 * merged-away ids, a weak prediction (its run's findings) and insights; a merged-away id
 * (answered with its survivor); a profile of another workspace and an unknown id (not found).
 * Inside a read scope the prefetch reads each table once for the batch, and the reads after it
 * run no query.
 */
import type { KyselyPlugin } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProfileQueries, ProfileStore } from '../src/modules/profiles/index.js';
import { migrateToLatest, openDatabase, type Database } from '../src/platform/db/database.js';
import { withReadScope } from '../src/platform/read-scope.js';
import { engines, freshDatabase, type TestDatabase } from './support/engines.js';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const W = 'w_reads';
const json = JSON.stringify;

async function seed(database: Database) {
  const db = database.db;
  await db
    .insertInto('workspaces')
    .values([
      { id: W, name: 'Reads', currency: 'EUR', created_at: 0 },
      { id: 'w_other', name: 'Other', currency: 'EUR', created_at: 0 },
    ])
    .execute();
  const profile = (id: string, workspace: string, name: string, orders: number) => ({
    id,
    workspace_id: workspace,
    created_at: T0,
    updated_at: T0 + orders,
    traits: json({ email: `${name.toLowerCase()}@reads.example`, first_name: name }),
    trait_times: json({}),
    order_count: orders,
    total_spent: orders * 10,
    refunded_total: 0,
    first_order_at: orders > 0 ? T0 : null,
    last_order_at: orders > 0 ? T0 + 1000 : null,
    last_seen_at: T0,
    last_product_viewed: null,
    last_product_viewed_at: null,
    categories_bought: json(orders > 0 ? ['tea'] : []),
    products_bought: json(orders > 0 ? ['p_tea'] : []),
    recreated_after_erasure: 0,
  });
  await db
    .insertInto('profiles')
    .values([
      profile('prof_ann', W, 'Ann', 2),
      profile('prof_bob', W, 'Bob', 0),
      profile('prof_eve', 'w_other', 'Eve', 1),
    ])
    .execute();
  await db
    .insertInto('identifiers')
    .values([
      {
        workspace_id: W,
        kind: 'email',
        value: 'ann@reads.example',
        profile_id: 'prof_ann',
        created_at: T0,
      },
      { workspace_id: W, kind: 'user_id', value: 'u-ann', profile_id: 'prof_ann', created_at: T0 },
      {
        workspace_id: W,
        kind: 'anonymous_id',
        value: 'anon-1',
        profile_id: 'prof_ann',
        created_at: T0,
      },
      { workspace_id: W, kind: 'alias', value: 'x', profile_id: 'prof_ann', created_at: T0 },
      {
        workspace_id: W,
        kind: 'email',
        value: 'bob@reads.example',
        profile_id: 'prof_bob',
        created_at: T0,
      },
    ])
    .execute();
  await db
    .insertInto('profile_merges')
    .values([
      {
        workspace_id: W,
        from_profile_id: 'prof_ann_old',
        into_profile_id: 'prof_ann',
        reason: 'email',
        event_seq: null,
        merged_at: T0,
      },
      {
        workspace_id: W,
        from_profile_id: 'prof_ann_older',
        into_profile_id: 'prof_ann',
        reason: 'user_id',
        event_seq: null,
        merged_at: T0 + 1,
      },
    ])
    .execute();
  const run = await db
    .insertInto('insights_model_runs')
    .values({
      workspace_id: W,
      model: 'customer_value',
      method: 'bg_nbd',
      reason: null,
      fitted_at: T0,
      customers: 2,
      repeat_customers: 1,
      scored_profiles: 2,
      parameters: json({ bg_nbd: { r: 0.2, alpha: 4, a: 0.8, b: 2.4 } }),
      log_likelihood: null,
      details: json({ quality: { holdout: null } }),
      duration_ms: 5,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const prediction = (profileId: string, quality: 'good' | 'weak') => ({
    workspace_id: W,
    profile_id: profileId,
    run_id: Number(run.id),
    method: 'bg_nbd' as const,
    p_alive: 0.8,
    expected_orders_90d: 0.5,
    expected_orders_365d: 1.5,
    predicted_clv_365d: 30,
    expected_spend: 20,
    churn_risk: 'low' as const,
    churn_basis: 'p_alive',
    churn_score: 0.2,
    expected_next_order_at: T0 + 86_400_000,
    x: 1,
    t_x: 10,
    t_cal: 40,
    monetary: 10,
    average_order_value: 10,
    computed_at: T0,
    quality,
    quality_reason: quality === 'weak' ? 'few repeat customers' : null,
  });
  await db
    .insertInto('customer_value_predictions')
    .values([prediction('prof_ann', 'weak'), prediction('prof_bob', 'good')])
    .execute();
  await db
    .insertInto('profile_insights')
    .values({
      workspace_id: W,
      profile_id: 'prof_ann',
      next_replenishment_due_at: T0 + 5 * 86_400_000,
      next_replenishment_product: 'p_tea',
      next_likely_category: 'tea',
      next_likely_category_probability: 0.4,
      next_likely_category_at: null,
      replacement_category: null,
      replacement_due_at: null,
      computed_at: T0,
    })
    .execute();
}

const IDS = ['prof_ann', 'prof_bob', 'prof_ann_old', 'prof_ann_older', 'prof_eve', 'nobody'];

describe.each(engines)('profiles read for a batch on %s', (engine) => {
  let test: TestDatabase;
  let database: Database;
  let statements: string[];
  let profiles: ProfileQueries;

  beforeEach(async () => {
    test = await freshDatabase(engine);
    const base = openDatabase(test.url);
    await migrateToLatest(base);
    await seed(base);
    statements = [];
    const logging: KyselyPlugin = {
      transformQuery: (args) => {
        statements.push(base.db.getExecutor().compileQuery(args.node, args.queryId).sql);
        return args.node;
      },
      transformResult: (args) => Promise.resolve(args.result),
    };
    database = { ...base, db: base.db.withPlugin(logging) };
    profiles = new ProfileQueries(database, new ProfileStore(database, 'profile-reads-secret-01'));
  });
  afterEach(async () => {
    await database.close();
    await test.drop();
  });

  it('answers each id as reading it alone does, in a few queries for the batch', async () => {
    const alone = [];
    for (const id of IDS) alone.push(await profiles.get(W, id));
    expect(alone.map((r) => (r.ok ? r.value.id : r.error.code))).toEqual([
      'prof_ann',
      'prof_bob',
      'prof_ann',
      'prof_ann',
      'not_found',
      'not_found',
    ]);
    const ann = alone[0];
    expect(ann?.ok && ann.value.identifiers.map((i) => i.kind)).toEqual([
      'anonymous_id',
      'email',
      'user_id',
    ]);
    expect(ann?.ok && ann.value.mergedFrom).toEqual(['prof_ann_old', 'prof_ann_older']);
    expect(ann?.ok && ann.value.predictions?.quality).toBe('weak');
    expect(ann?.ok && ann.value.insights?.next_likely_category).toBe('tea');

    statements.length = 0;
    const batched = await withReadScope(async () => {
      await profiles.prefetch(W, IDS);
      const prefetchStatements = statements.length;
      const answers = [];
      for (const id of IDS) answers.push(await profiles.get(W, id));
      return { answers, prefetchStatements, after: statements.length - prefetchStatements };
    });
    expect(batched.answers).toEqual(alone);
    // merges, profiles, their strong ids, identifiers, merged-from, predictions, insights
    expect(batched.prefetchStatements).toBe(7);
    expect(batched.after).toBe(0);
  });
});
