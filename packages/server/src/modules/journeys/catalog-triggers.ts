import type { JourneyTrigger } from '@comeback/contracts';
import { sql } from 'kysely';
import type { Database } from '../../platform/db/database.js';
import { readJsonObject } from '../../platform/json.js';
import { yieldToEventLoop } from '../../platform/event-loop.js';
import type { DefinitionCache } from './definition-cache.js';
import type { StepEnv } from './engine-types.js';
import { activeJourneys, enrollProfile, type SegmentResolver } from './journey-entry.js';
import { elapsedMs } from './local-time.js';

const CURSOR = 'journey-cursor:catalog';
const BATCH = 100;
/** Who counts as interested when the trigger gives no `within`. */
const DEFAULT_WITHIN_MS = 30 * 86_400_000;

type ProductTrigger = Extract<JourneyTrigger, { type: 'product' }>;

/**
 * The tracked events that show interest in a product, per audience: the Segment e-commerce
 * spec's `Product Viewed` and `Product Added to Wishlist`, and `Back In Stock Requested` for a
 * storefront's "notify me" button (with `product_id` in its properties).
 */
export const AUDIENCE_EVENTS = {
  viewed: 'Product Viewed',
  wishlisted: 'Product Added to Wishlist',
  asked: 'Back In Stock Requested',
} as const;

/**
 * Back in stock and price drops (ADR 0021): the catalog records each as a catalog event; this
 * follower enrolls, into each live journey with a matching `product` trigger, the profiles who
 * viewed, wishlisted or asked for that product within the trigger's window. The product (title,
 * URL, image, price) and the change are the trigger event's properties for the templates.
 */
export class CatalogTriggers {
  readonly #database: Database;
  readonly #definitions: DefinitionCache;
  readonly #resolveSegment: SegmentResolver;
  readonly #env: StepEnv;
  #cursorReady = false;

  constructor(deps: {
    database: Database;
    definitions: DefinitionCache;
    resolveSegment: SegmentResolver;
    env: StepEnv;
  }) {
    this.#database = deps.database;
    this.#definitions = deps.definitions;
    this.#resolveSegment = deps.resolveSegment;
    this.#env = deps.env;
  }

  /** One batch of catalog events; `more` when a full batch was read. */
  async followOnce(now: number): Promise<{ entered: number; more: boolean }> {
    const db = this.#database.db;
    if (!this.#cursorReady) {
      // Changes before the engine first ran trigger nothing.
      const head = await db
        .selectFrom('catalog_events')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .executeTakeFirst();
      await db
        .insertInto('settings')
        .values({ key: CURSOR, value: String(Number(head?.seq ?? 0)) })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      this.#cursorReady = true;
    }
    const after = await this.#cursor();
    const changes = await db
      .selectFrom('catalog_events as c')
      .leftJoin('products as p', (join) =>
        join.onRef('p.workspace_id', '=', 'c.workspace_id').onRef('p.id', '=', 'c.product_id'),
      )
      .select(['c.seq', 'c.workspace_id', 'c.kind', 'c.product_id', 'c.variant_id'])
      .select(['c.details', 'c.occurred_at', 'p.title', 'p.url', 'p.image_url', 'p.price'])
      .select('p.currency')
      .where('c.seq', '>', after)
      .orderBy('c.seq')
      .limit(BATCH)
      .execute();
    if (changes.length === 0) return { entered: 0, more: false };
    const journeys = (await activeJourneys(db, this.#definitions, this.#resolveSegment)).filter(
      (j) => j.definition.trigger.type === 'product',
    );
    const planned: {
      j: (typeof journeys)[number];
      profileId: string;
      seq: number;
      event: ReturnType<typeof eventOf>;
    }[] = [];
    for (const c of changes) {
      const event = eventOf(c);
      for (const j of journeys) {
        const t = j.definition.trigger;
        if (t.type !== 'product' || j.workspaceId !== c.workspace_id || t.event !== c.kind)
          continue;
        if (Number(c.occurred_at) < j.activatedAt) continue;
        for (const profileId of await this.#audience(c.workspace_id, c.product_id, t, now)) {
          const condition = j.definition.entry.condition;
          if (
            condition &&
            !(await this.#env.conditionHolds(j.workspaceId, profileId, condition, now))
          )
            continue;
          planned.push({ j, profileId, seq: Number(c.seq), event });
        }
      }
    }
    return db.transaction().execute(async (trx) => {
      let lock = trx.selectFrom('settings').select('value').where('key', '=', CURSOR);
      if (this.#database.dialect === 'postgres') lock = lock.forUpdate();
      const current = Number((await lock.executeTakeFirst())?.value ?? 0);
      if (current !== after) return { entered: 0, more: true };
      let entered = 0;
      for (const p of planned) {
        const context = { trigger: { type: 'product', event: p.event } };
        if ((await enrollProfile(trx, p.j, p.profileId, `catalog:${p.seq}`, context, now)) !== null)
          entered += 1;
      }
      const last = changes[changes.length - 1];
      await trx
        .updateTable('settings')
        .set({ value: String(Number(last?.seq ?? after)) })
        .where('key', '=', CURSOR)
        .execute();
      return { entered, more: changes.length === BATCH };
    });
  }

  async followAll(now: number): Promise<number> {
    let entered = 0;
    for (let i = 0; i < 1000; i++) {
      const r = await this.followOnce(now);
      await yieldToEventLoop();
      entered += r.entered;
      if (!r.more) break;
    }
    return entered;
  }

  async #cursor(): Promise<number> {
    const row = await this.#database.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', CURSOR)
      .executeTakeFirst();
    return Number(row?.value ?? 0);
  }

  /** Profiles who showed the trigger's kinds of interest in the product within its window. */
  async #audience(
    workspaceId: string,
    productId: string,
    t: ProductTrigger,
    now: number,
  ): Promise<string[]> {
    const within = t.within ? elapsedMs(t.within) : DEFAULT_WITHIN_MS;
    const names = t.audience.map((a) => AUDIENCE_EVENTS[a]);
    const product =
      this.#database.dialect === 'postgres'
        ? sql<string>`(e.payload -> 'properties' ->> 'product_id')`
        : sql<string>`cast(json_extract(e.payload, '$.properties.product_id') as text)`;
    const rows = await this.#database.db
      .selectFrom('events as e')
      .innerJoin('event_profiles as ep', 'ep.seq', 'e.seq')
      .select('ep.profile_id')
      .distinct()
      .where('e.workspace_id', '=', workspaceId)
      .where('e.event', 'in', names)
      .where('e.received_at', '>=', now - within)
      .where(product, '=', productId)
      .execute();
    return rows.map((r) => r.profile_id).sort();
  }
}

function eventOf(c: {
  seq: number;
  kind: string;
  product_id: string;
  variant_id: string | null;
  details: unknown;
  occurred_at: number;
  title: string | null;
  url: string | null;
  image_url: string | null;
  price: number | null;
  currency: string | null;
}) {
  return {
    name: c.kind === 'back_in_stock' ? 'Back In Stock' : 'Price Dropped',
    messageId: `catalog:${c.seq}`,
    at: Number(c.occurred_at),
    properties: {
      ...readJsonObject(c.details),
      product_id: c.product_id,
      variant_id: c.variant_id,
      title: c.title,
      url: c.url,
      image_url: c.image_url,
      price: c.price === null ? null : Number(c.price),
      currency: c.currency,
    },
  };
}
