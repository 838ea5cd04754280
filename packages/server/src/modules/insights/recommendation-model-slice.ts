import { z } from 'zod';
import type { Db } from '../../platform/db/database.js';
import { readJsonObject } from '../../platform/json.js';
import { scoped } from '../../platform/read-scope.js';
import type { BuyAgainRanker } from './recommend/buy-again-ranker.js';
import type {
  FittedRecommendations,
  NeighbourKind,
  RelatedProduct,
} from './recommend/recommendation-model.js';
import type { CustomerContext } from './recommend/strategies.js';
import { byIds, learnedProducts } from './recommendation-context.js';
import type { CatalogProduct } from './recommendation-fit.js';
import { catalogProducts } from './recommendation-store.js';

/** Seeds (the customer's products) whose neighbour lists one request reads at most. */
const MAX_SEEDS = 200;

/**
 * The part of the stored model that seeds and categories reach: neighbour lists of `seeds`,
 * complementary links of `categories`, and the popularity lists of those categories, of their
 * complements and of the whole store.
 */
export async function modelSlice(
  db: Db,
  workspaceId: string,
  seeds: readonly string[],
  categories: ReadonlySet<string>,
): Promise<FittedRecommendations> {
  const fitted: FittedRecommendations = {
    boughtTogether: new Map(),
    alsoBought: new Map(),
    popular: [],
    popularByCategory: new Map(),
    complementary: new Map(),
    categoryOf: new Map(),
    repeatRate: new Map(),
    buyAgainRanker: await buyAgainRanker(db, workspaceId),
    buyAgainPrior: new Map(),
  };
  const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  const someSeeds = seeds.slice(-MAX_SEEDS);
  if (someSeeds.length) {
    const lists = await byIds(db, `neighbours\u0000${workspaceId}`, someSeeds, async (part) => {
      const rows = await db
        .selectFrom('item_neighbours')
        .select(['product_id', 'strategy', 'related_id', 'score', 'support'])
        .where('workspace_id', '=', workspaceId)
        .where('product_id', 'in', part)
        .orderBy('product_id')
        .orderBy('strategy')
        .orderBy('rank')
        .execute();
      return groupBy(rows, (r) => r.product_id);
    });
    for (const [productId, rows] of lists)
      for (const r of rows) {
        const kind: NeighbourKind =
          r.strategy === 'also_bought' ? 'also_bought' : 'bought_together';
        const item: RelatedProduct = {
          productId: r.related_id,
          score: Number(r.score),
          support: Number(r.support),
        };
        push(kind === 'also_bought' ? fitted.alsoBought : fitted.boughtTogether, productId, item);
      }
  }
  const wanted = new Set(categories);
  if (categories.size) {
    const links = await byIds(
      db,
      `category-links\u0000${workspaceId}`,
      [...categories],
      async (part) =>
        groupBy(
          await db
            .selectFrom('category_links')
            .select(['category', 'related_category', 'score', 'support'])
            .where('workspace_id', '=', workspaceId)
            .where('kind', '=', 'cross_sell')
            .where('category', 'in', part)
            .orderBy('category')
            .orderBy('rank')
            .execute(),
          (l) => l.category,
        ),
    );
    for (const [category, list] of links)
      for (const l of list) {
        push(fitted.complementary, category, {
          category: l.related_category,
          score: Number(l.score),
          support: Number(l.support),
        });
        wanted.add(l.related_category);
      }
  }
  // '' is the whole store's list.
  const popular = await byIds(db, `popular\u0000${workspaceId}`, ['', ...wanted], async (part) =>
    groupBy(
      await db
        .selectFrom('popular_products')
        .select(['category', 'product_id', 'score'])
        .where('workspace_id', '=', workspaceId)
        .where('category', 'in', part)
        .orderBy('category')
        .orderBy('rank')
        .execute(),
      (p) => p.category,
    ),
  );
  for (const [category, list] of popular)
    for (const p of list) {
      const item = { productId: p.product_id, score: Number(p.score), support: 0 };
      if (category === '') fitted.popular.push(item);
      else push(fitted.popularByCategory, category, item);
    }
  // Titles learned from every customer's order lines, for stores without a catalog: any
  // product of the slice may be shown or named in a reason.
  const ids = new Set(seeds);
  for (const map of [fitted.boughtTogether, fitted.alsoBought, fitted.popularByCategory]) {
    for (const list of map.values()) for (const r of list) ids.add(r.productId);
  }
  for (const r of fitted.popular) ids.add(r.productId);
  const titles = new Map<string, string>();
  for (const [id, p] of await learnedProducts(db, workspaceId, [...ids])) {
    if (p.title) titles.set(id, p.title);
    if (p.repeatRate !== null) fitted.repeatRate.set(id, p.repeatRate);
    if (p.buyAgainPrior !== null) fitted.buyAgainPrior?.set(id, p.buyAgainPrior);
  }
  return { ...fitted, titles };
}

const finite = z.number().finite();
const rankerSchema = z.object({
  weights: z.object({
    recentOrders90: finite,
    recentOrders365: finite,
    lastOrders07: finite,
    lastOrders09: finite,
    shareOfOrders: finite,
    inLastOrder: finite,
    logDaysSinceLast: finite,
    logDaysSinceFirst: finite,
  }) satisfies z.ZodType<BuyAgainRanker['weights']>,
  defaultPrior: finite,
  learnedAt: finite,
  customers: finite,
});

/**
 * The buy-again weights of the latest recommendations fit (its run's parameters); null when it
 * learned none (too little history) or no fit ran, and the rules rank.
 */
async function buyAgainRanker(db: Db, workspaceId: string): Promise<BuyAgainRanker | null> {
  const read = () =>
    db
      .selectFrom('recommendation_runs')
      .select('parameters')
      .where('workspace_id', '=', workspaceId)
      .where('model', '=', 'recommendations')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  const row = await (db.isTransaction
    ? read()
    : scoped(`buy-again-ranker\u0000${workspaceId}`, read));
  const parsed = rankerSchema.safeParse(readJsonObject(row?.parameters).buyAgainRanker);
  return parsed.success ? parsed.data : null;
}

/** The catalog rows of every candidate the slice and the context can propose. */
export async function candidateCatalog(
  db: Db,
  workspaceId: string,
  fitted: FittedRecommendations,
  ctx: CustomerContext,
): Promise<Map<string, CatalogProduct>> {
  const ids = new Set<string>();
  for (const map of [fitted.boughtTogether, fitted.alsoBought, fitted.popularByCategory]) {
    for (const list of map.values()) for (const r of list) ids.add(r.productId);
  }
  for (const r of fitted.popular) ids.add(r.productId);
  for (const v of ctx.viewed) ids.add(v.productId);
  for (const p of ctx.purchases) ids.add(p.productId);
  return catalogProducts(db, workspaceId, [...ids]);
}

export async function hasCatalog(db: Db, workspaceId: string): Promise<boolean> {
  const read = () =>
    db.selectFrom('products').select('id').where('workspace_id', '=', workspaceId).limit(1);
  const row = await (db.isTransaction
    ? read().executeTakeFirst()
    : scoped(`has-catalog\u0000${workspaceId}`, () => read().executeTakeFirst()));
  return row !== undefined;
}

/** Rows grouped by a key, each group in the rows' order (a rank order stays). */
function groupBy<R>(rows: readonly R[], keyOf: (row: R) => string): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const r of rows) {
    const list = out.get(keyOf(r));
    if (list) list.push(r);
    else out.set(keyOf(r), [r]);
  }
  return out;
}
