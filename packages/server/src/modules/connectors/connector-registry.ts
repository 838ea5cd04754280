import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db/database.js';
import type { SecretBox } from '../../platform/secret-box.js';
import type { Platform } from './store-connector.js';

export interface ConnectorInfo {
  id: string;
  platform: Platform;
  name: string;
  /** The one shop whose deliveries are accepted: given at creation, else the first to deliver. */
  shopDomain: string | null;
  /** Where the store sends its webhooks (a path; prefix it with the public base URL). */
  webhookPath: string;
  createdAt: string;
  disabledAt: string | null;
  deliveries: {
    total: number;
    failed: number;
    lastReceivedAt: string | null;
    lastError: string | null;
  };
}

export interface DeliveryInfo {
  deliveryId: string;
  topic: string;
  receivedAt: string;
  outcome: 'processed' | 'ignored' | 'failed';
  events: number;
  error: string | null;
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const isPlatform = (p: string): p is Platform =>
  p === 'shopify' || p === 'woocommerce' || p === 'magento';

/** Store connectors of a workspace, their sealed secrets and their delivery log. */
export class ConnectorRegistry {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
  ) {}

  async create(
    workspaceId: string,
    input: {
      platform: Platform;
      name: string;
      secret?: string | undefined;
      shopDomain?: string | undefined;
    },
    now: number,
  ): Promise<ConnectorInfo & { secret: string }> {
    const id = `con_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
    // Shopify signs with the app's secret, which the owner pastes in; WooCommerce and Adobe
    // Commerce take whatever secret we give them.
    const secret = input.secret ?? randomBytes(24).toString('base64url');
    await this.db
      .insertInto('connectors')
      .values({
        id,
        workspace_id: workspaceId,
        platform: input.platform,
        name: input.name,
        sealed_secret: this.box.seal(secret),
        created_at: now,
        disabled_at: null,
        shop_domain: input.shopDomain?.trim().toLowerCase() ?? null,
      })
      .execute();
    const info = await this.get(workspaceId, id);
    if (!info) throw new Error('connector vanished right after it was created');
    return { ...info, secret };
  }

  /** The connector a webhook names, with its secret, whatever workspace it belongs to. */
  async forWebhook(id: string) {
    const row = await this.db
      .selectFrom('connectors')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row || row.disabled_at !== null || !isPlatform(row.platform)) return null;
    return {
      id: row.id,
      workspaceId: row.workspace_id,
      platform: row.platform,
      secret: this.box.open(row.sealed_secret),
      shopDomain: row.shop_domain,
    };
  }

  /**
   * Pins the connector to `shop` if it serves none yet, and returns the shop it serves: the
   * first signed delivery decides, concurrent first deliveries from two shops included.
   */
  async pinShop(id: string, shop: string): Promise<string | null> {
    await this.db
      .updateTable('connectors')
      .set({ shop_domain: shop })
      .where('id', '=', id)
      .where('shop_domain', 'is', null)
      .execute();
    const row = await this.db
      .selectFrom('connectors')
      .select('shop_domain')
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.shop_domain ?? null;
  }

  async list(workspaceId: string): Promise<ConnectorInfo[]> {
    const rows = await this.db
      .selectFrom('connectors')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at')
      .execute();
    const out: ConnectorInfo[] = [];
    for (const r of rows) {
      if (!isPlatform(r.platform)) continue;
      out.push(
        await this.#info(r.id, r.platform, r.name, r.created_at, r.disabled_at, r.shop_domain),
      );
    }
    return out;
  }

  async get(workspaceId: string, id: string): Promise<ConnectorInfo | null> {
    const r = await this.db
      .selectFrom('connectors')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!r || !isPlatform(r.platform)) return null;
    return this.#info(r.id, r.platform, r.name, r.created_at, r.disabled_at, r.shop_domain);
  }

  async disable(workspaceId: string, id: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('connectors')
      .set({ disabled_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** The newest deliveries first; `failedOnly` for "what went wrong lately". */
  async deliveries(connectorId: string, opts: { limit: number; failedOnly: boolean }) {
    let q = this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('connector_id', '=', connectorId)
      .orderBy('received_at', 'desc')
      .orderBy('delivery_id', 'desc')
      .limit(opts.limit);
    if (opts.failedOnly) q = q.where('outcome', '=', 'failed');
    const rows = await q.execute();
    return rows.map((r): DeliveryInfo => ({
      deliveryId: r.delivery_id,
      topic: r.topic,
      receivedAt: new Date(r.received_at).toISOString(),
      outcome: r.outcome,
      events: r.events,
      error: r.error,
    }));
  }

  async #info(
    id: string,
    platform: Platform,
    name: string,
    createdAt: number,
    disabledAt: number | null,
    shopDomain: string | null,
  ): Promise<ConnectorInfo> {
    const stats = await this.db
      .selectFrom('webhook_deliveries')
      .select((eb) => [
        eb.fn.countAll<number>().as('total'),
        eb.fn
          .sum<number>(eb.case().when('outcome', '=', 'failed').then(1).else(0).end())
          .as('failed'),
        eb.fn.max('received_at').as('last'),
      ])
      .where('connector_id', '=', id)
      .executeTakeFirst();
    const lastError = await this.db
      .selectFrom('webhook_deliveries')
      .select('error')
      .where('connector_id', '=', id)
      .where('outcome', '=', 'failed')
      .orderBy('received_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return {
      id,
      platform,
      name,
      shopDomain,
      webhookPath: `/webhooks/${platform}/${id}`,
      createdAt: new Date(createdAt).toISOString(),
      disabledAt: iso(disabledAt),
      deliveries: {
        total: Number(stats?.total ?? 0),
        failed: Number(stats?.failed ?? 0),
        lastReceivedAt: iso(
          stats?.last === null || stats?.last === undefined ? null : Number(stats.last),
        ),
        lastError: lastError?.error ?? null,
      },
    };
  }
}
