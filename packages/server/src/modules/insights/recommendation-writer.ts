import type { Database, Trx } from '../../platform/db/database.js';
import { byKeys, syncGroups } from './group-sync.js';
import { DAY_MS } from './recommend/purchase-history.js';
import type { WorkspaceFit } from './recommendation-fit.js';

/**
 * Stores one workspace's fit, table by table, writing only what changed (group-sync.ts).
 *
 * Normalised scores move a little with every new order (one more buyer of a bestseller changes
 * the cosine of all its pairs), so "changed" is judged with tolerances: a group is rewritten
 * when its order or membership changes, or a score moves by more than its second significant
 * digit, a probability by 0.01, an interval by 0.1 day or a date to another day. Below those,
 * the stored row stays as it is.
 */
const sig2 = (x: number) => Number(x.toPrecision(2));
const tenth = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
const hundredth = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);
const dayOf = (t: number | null) => (t === null ? null : Math.floor(t / DAY_MS));

export async function writeFit(
  database: Database,
  workspaceId: string,
  fit: WorkspaceFit,
): Promise<Record<string, number>> {
  const db = database.db;
  const ws = workspaceId;
  const withWs = <T extends object>(rows: T[]) => rows.map((r) => ({ ...r, workspace_id: ws }));
  return {
    item_neighbours: await syncGroups(database, fit.neighbours, {
      key: (r) => `${r.product_id}\u0000${r.strategy}`,
      compare: (r) => [r.rank, r.related_id, sig2(r.score)],
      stored: () =>
        db
          .selectFrom('item_neighbours')
          .select(['product_id', 'strategy', 'rank', 'related_id', 'score', 'support'])
          .where('workspace_id', '=', ws)
          .orderBy('product_id')
          .orderBy('strategy')
          .orderBy('rank')
          .execute(),
      remove: async (trx, groups) => {
        for (const [strategy, ids] of byKeys(
          groups,
          (g) => g.product_id,
          (g) => g.strategy,
        )) {
          await trx
            .deleteFrom('item_neighbours')
            .where('workspace_id', '=', ws)
            .where('strategy', '=', strategy ?? '')
            .where('product_id', 'in', ids)
            .execute();
        }
      },
      insert: (trx, rows) =>
        trx.insertInto('item_neighbours').values(withWs(rows)).execute().then(),
    }),
    popular_products: await syncGroups(database, fit.popular, {
      key: (r) => r.category,
      compare: (r) => [r.rank, r.product_id],
      stored: () =>
        db
          .selectFrom('popular_products')
          .select(['category', 'rank', 'product_id', 'score'])
          .where('workspace_id', '=', ws)
          .orderBy('category')
          .orderBy('rank')
          .execute(),
      remove: (trx, groups) =>
        trx
          .deleteFrom('popular_products')
          .where('workspace_id', '=', ws)
          .where(
            'category',
            'in',
            groups.map((g) => g.category),
          )
          .execute()
          .then(),
      insert: (trx, rows) =>
        trx.insertInto('popular_products').values(withWs(rows)).execute().then(),
    }),
    category_links: await syncGroups(database, fit.categoryLinks, {
      key: (r) => `${r.category}\u0000${r.kind}`,
      compare: (r) => [r.rank, r.related_category, sig2(r.score), tenth(r.gap_days)],
      stored: () =>
        db
          .selectFrom('category_links')
          .select(['category', 'kind', 'rank', 'related_category', 'score', 'support', 'gap_days'])
          .where('workspace_id', '=', ws)
          .orderBy('category')
          .orderBy('kind')
          .orderBy('rank')
          .execute(),
      remove: async (trx, groups) => {
        for (const [kind, cats] of byKeys(
          groups,
          (g) => g.category,
          (g) => g.kind,
        )) {
          await trx
            .deleteFrom('category_links')
            .where('workspace_id', '=', ws)
            .where('kind', '=', kind ?? '')
            .where('category', 'in', cats)
            .execute();
        }
      },
      insert: (trx, rows) => trx.insertInto('category_links').values(withWs(rows)).execute().then(),
    }),
    learned_products: await syncGroups(database, fit.learnedProducts, {
      key: (r) => r.product_id,
      // The order count moves with every order; only a new name, category, verdict or a
      // visible change of a rate matters.
      compare: (r) => [
        r.title,
        r.category,
        r.non_product,
        hundredth(r.repeat_rate),
        hundredth(r.buy_again_prior),
      ],
      stored: () =>
        db
          .selectFrom('learned_products')
          .select([
            'product_id',
            'title',
            'category',
            'non_product',
            'orders',
            'repeat_rate',
            'buy_again_prior',
          ])
          .where('workspace_id', '=', ws)
          .execute(),
      remove: removeProducts(ws, 'learned_products'),
      insert: (trx, rows) =>
        trx.insertInto('learned_products').values(withWs(rows)).execute().then(),
    }),
    ...(await writeReplenishment(database, ws, fit)),
  };
}

/** Removes the rows of the given products (the groups a fit changed or dropped). */
const removeProducts =
  (ws: string, table: 'learned_products' | 'product_replenishment') =>
  async (trx: Trx, groups: readonly { product_id: string }[]) => {
    await trx
      .deleteFrom(table)
      .where('workspace_id', '=', ws)
      .where(
        'product_id',
        'in',
        groups.map((g) => g.product_id),
      )
      .execute();
  };

async function writeReplenishment(database: Database, ws: string, fit: WorkspaceFit) {
  const db = database.db;
  const withWs = <T extends object>(rows: T[]) => rows.map((r) => ({ ...r, workspace_id: ws }));
  return {
    product_replenishment: await syncGroups(database, fit.productReplenishment, {
      key: (r) => r.product_id,
      compare: (r) => [
        tenth(r.interval_days),
        r.source,
        tenth(r.learned_days),
        tenth(r.p25_days),
        tenth(r.p75_days),
        r.customers,
        hundredth(r.repeat_share),
      ],
      stored: () =>
        db
          .selectFrom('product_replenishment')
          .select([
            'product_id',
            'interval_days',
            'source',
            'learned_days',
            'p25_days',
            'p75_days',
            'customers',
            'buyers',
            'repeat_share',
          ])
          .where('workspace_id', '=', ws)
          .execute(),
      remove: removeProducts(ws, 'product_replenishment'),
      insert: (trx, rows) =>
        trx.insertInto('product_replenishment').values(withWs(rows)).execute().then(),
    }),
    category_replacement: await syncGroups(database, fit.categoryReplacement, {
      key: (r) => r.category,
      compare: (r) => [tenth(r.cycle_days), tenth(r.p25_days), tenth(r.p75_days), r.customers],
      stored: () =>
        db
          .selectFrom('category_replacement')
          .select(['category', 'cycle_days', 'p25_days', 'p75_days', 'customers'])
          .where('workspace_id', '=', ws)
          .execute(),
      remove: (trx, groups) =>
        trx
          .deleteFrom('category_replacement')
          .where('workspace_id', '=', ws)
          .where(
            'category',
            'in',
            groups.map((g) => g.category),
          )
          .execute()
          .then(),
      insert: (trx, rows) =>
        trx.insertInto('category_replacement').values(withWs(rows)).execute().then(),
    }),
    ...(await writeProfiles(database, ws, fit)),
  };
}

async function writeProfiles(database: Database, ws: string, fit: WorkspaceFit) {
  const db = database.db;
  const withWs = <T extends object>(rows: T[]) => rows.map((r) => ({ ...r, workspace_id: ws }));
  const removeProfiles =
    (table: 'profile_replenishment' | 'profile_insights') =>
    async (trx: Trx, groups: { profile_id: string }[]) => {
      const ids = groups.map((g) => g.profile_id);
      await trx
        .deleteFrom(table)
        .where('workspace_id', '=', ws)
        .where('profile_id', 'in', ids)
        .execute();
    };
  return {
    profile_replenishment: await syncGroups(database, fit.profileReplenishment, {
      key: (r) => r.profile_id,
      compare: (r) => [
        r.product_id,
        r.last_bought_at,
        r.last_quantity,
        r.purchases,
        tenth(r.interval_days),
        dayOf(r.due_at),
        r.source,
      ],
      stored: () =>
        db
          .selectFrom('profile_replenishment')
          .select([
            'profile_id',
            'product_id',
            'last_bought_at',
            'last_quantity',
            'purchases',
            'interval_days',
            'due_at',
            'source',
          ])
          .where('workspace_id', '=', ws)
          .orderBy('profile_id')
          .orderBy('product_id')
          .execute(),
      remove: removeProfiles('profile_replenishment'),
      insert: (trx, rows) =>
        trx.insertInto('profile_replenishment').values(withWs(rows)).execute().then(),
    }),
    profile_insights: await syncGroups(database, fit.profileInsights, {
      key: (r) => r.profile_id,
      compare: (r) => [
        dayOf(r.next_replenishment_due_at),
        r.next_replenishment_product,
        r.next_likely_category,
        hundredth(r.next_likely_category_probability),
        dayOf(r.next_likely_category_at),
        r.replacement_category,
        dayOf(r.replacement_due_at),
      ],
      stored: () =>
        db
          .selectFrom('profile_insights')
          .select([
            'profile_id',
            'next_replenishment_due_at',
            'next_replenishment_product',
            'next_likely_category',
            'next_likely_category_probability',
            'next_likely_category_at',
            'replacement_category',
            'replacement_due_at',
            'computed_at',
          ])
          .where('workspace_id', '=', ws)
          .execute(),
      remove: removeProfiles('profile_insights'),
      insert: (trx, rows) =>
        trx.insertInto('profile_insights').values(withWs(rows)).execute().then(),
    }),
  };
}
