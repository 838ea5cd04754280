import { amountProblems, type AmountProblem, type ErrorDetail } from '@comeback/contracts';
import type { Clock } from '../../platform/clock.js';
import type { Database, Trx } from '../../platform/db/database.js';
import { fail, ok, type Failure, type Result } from '../../platform/errors.js';
import type { JobQueue } from '../../platform/jobs/job-queue.js';
import type { CatalogStore } from '../catalog/index.js';
import { scrubRecord, serverCallRow, type EventLog } from '../ingest/index.js';
import type { ConnectorRegistry } from './connector-registry.js';
import type { Platform, StoreChanges, StoreConnector, WebhookDelivery } from './store-connector.js';

export const REDACT_JOB = 'connectors.redact';

/**
 * Whatever an adapter made of the store's payload, its order events obey the same amount rules
 * as the tracking API (contracts' amounts.ts): a negative or absurd total fails the delivery
 * with the reason in the delivery log, instead of lowering or overflowing what was spent.
 */
function amountFailure(changes: StoreChanges): { message: string; details: ErrorDetail[] } | null {
  for (const call of changes.calls) {
    if (call.type !== 'track') continue;
    const problems = amountProblems(call.event, call.properties);
    const first = problems[0];
    if (!first) continue;
    const field = (p: AmountProblem) => ['properties', ...p.path].join('.');
    return {
      message: `${call.event ?? 'event'} ${field(first)}: ${first.message}`,
      details: problems.map((p) => ({ field: field(p), message: p.message })),
    };
  }
  return null;
}

export type WebhookOutcome =
  | { kind: 'processed'; events: number; topic: string }
  | { kind: 'duplicate'; topic: string }
  | { kind: 'ignored'; topic: string; reason: string }
  | { kind: 'ping' };

/**
 * Receives a store's webhook: the connector is looked up, the signature checked (401 and nothing
 * stored when wrong), the payload mapped by the platform's adapter, and then the delivery record,
 * catalog changes, appended events and any redaction job are written in ONE transaction. The
 * delivery id is the primary key of the delivery log, so a retried delivery is applied once.
 */
export class WebhookReceiver {
  readonly #adapters = new Map<Platform, StoreConnector>();

  constructor(
    private readonly database: Database,
    private readonly registry: ConnectorRegistry,
    private readonly catalog: CatalogStore,
    private readonly eventLog: EventLog,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly onAppended: () => void,
    adapters: StoreConnector[],
  ) {
    for (const a of adapters) this.#adapters.set(a.platform, a);
  }

  async receive(
    platform: string,
    connectorId: string,
    delivery: WebhookDelivery,
  ): Promise<Result<WebhookOutcome>> {
    const connector = await this.registry.forWebhook(connectorId);
    const adapter = connector === null ? undefined : this.#adapters.get(connector.platform);
    if (!connector || connector.platform !== platform || !adapter) {
      return fail('not_found', `no active ${platform} connector ${connectorId}`, [
        { field: 'connectorId', message: 'unknown or disabled connector' },
      ]);
    }
    if (!adapter.verify(delivery, connector.secret)) {
      return fail('unauthorized', 'webhook signature missing or wrong for this connector', [
        { field: 'signature', message: 'does not match the connector secret' },
      ]);
    }
    const now = this.clock.now();
    const refused = await this.#refusedShop(adapter, connector, delivery);
    if (refused) {
      await this.#recordFailure(connector.id, adapter.deliveryIdOf(delivery), refused.message, now);
      return fail(refused.code, refused.message, refused.details);
    }
    const received = adapter.receive(delivery, connector.id);
    if (!received.ok) {
      // Kept in the delivery log, so the owner sees why the store's deliveries fail.
      const deliveryId = adapter.deliveryIdOf(delivery);
      await this.#recordFailure(connector.id, deliveryId, received.error.message, now);
      return received;
    }
    const r = received.value;
    if (r.kind === 'ping') return ok({ kind: 'ping' });
    const changes = r.kind === 'changes' ? r.changes : null;
    const badAmount = changes ? amountFailure(changes) : null;
    if (badAmount) {
      await this.#recordFailure(connector.id, r.deliveryId, badAmount.message, now);
      return fail('validation_failed', badAmount.message, badAmount.details);
    }
    const outcome = await this.database.db.transaction().execute(async (trx) => {
      const fresh = await this.#claimDelivery(
        trx,
        connector.id,
        r.deliveryId,
        r.topic,
        now,
        r.kind,
      );
      if (!fresh) return { kind: 'duplicate', topic: r.topic } as const;
      if (r.kind === 'ignored')
        return { kind: 'ignored', topic: r.topic, reason: r.reason } as const;
      const events = changes ? await this.#apply(trx, connector, changes, now) : 0;
      await trx
        .updateTable('webhook_deliveries')
        .set({ events })
        .where('connector_id', '=', connector.id)
        .where('delivery_id', '=', r.deliveryId)
        .execute();
      return { kind: 'processed', events, topic: r.topic } as const;
    });
    if (outcome.kind === 'processed' && outcome.events > 0) this.onAppended();
    return ok(outcome);
  }

  /**
   * A Shopify app's secret signs the webhooks of every shop that installed the app, so a valid
   * signature does not say the delivery is from this connector's shop: the connector serves the
   * shop it was created for, or else the first shop that delivered to it, and refuses others.
   */
  async #refusedShop(
    adapter: StoreConnector,
    connector: { id: string; shopDomain: string | null },
    delivery: WebhookDelivery,
  ): Promise<Failure | null> {
    if (!adapter.shopOf) return null;
    const shop = adapter.shopOf(delivery);
    if (!shop.ok) return shop.error;
    const served = connector.shopDomain ?? (await this.registry.pinShop(connector.id, shop.value));
    if (served === shop.value) return null;
    return {
      code: 'forbidden',
      message: `this connector serves the shop ${served ?? '(none)'}, not ${shop.value}`,
      details: [
        { field: 'x-shopify-shop-domain', message: 'another shop than the connector serves' },
      ],
    };
  }

  /** Inserts the delivery record; false when this delivery was already applied. */
  async #claimDelivery(
    trx: Trx,
    connectorId: string,
    deliveryId: string,
    topic: string,
    now: number,
    kind: 'changes' | 'ignored',
  ): Promise<boolean> {
    const result = await trx
      .insertInto('webhook_deliveries')
      .values({
        connector_id: connectorId,
        delivery_id: deliveryId,
        topic,
        received_at: now,
        outcome: kind === 'ignored' ? 'ignored' : 'processed',
        events: 0,
        error: null,
      })
      .onConflict((oc) =>
        // A delivery that failed before may be retried; one that succeeded is a duplicate.
        oc
          .columns(['connector_id', 'delivery_id'])
          .doUpdateSet((eb) => ({
            outcome: eb.ref('excluded.outcome'),
            received_at: eb.ref('excluded.received_at'),
            error: null,
          }))
          .where('webhook_deliveries.outcome', '=', 'failed'),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async #recordFailure(connectorId: string, deliveryId: string, error: string, now: number) {
    await this.database.db
      .insertInto('webhook_deliveries')
      .values({
        connector_id: connectorId,
        delivery_id: deliveryId,
        topic: 'unknown',
        received_at: now,
        outcome: 'failed',
        events: 0,
        error: error.slice(0, 2000),
      })
      .onConflict((oc) =>
        oc
          .columns(['connector_id', 'delivery_id'])
          .doUpdateSet({ received_at: now, error: error.slice(0, 2000) })
          .where('webhook_deliveries.outcome', '=', 'failed'),
      )
      .execute();
  }

  async #apply(
    trx: Trx,
    connector: { id: string; workspaceId: string; platform: Platform },
    changes: StoreChanges,
    now: number,
  ): Promise<number> {
    const { workspaceId } = connector;
    if (changes.products.length) {
      await this.catalog.upsert(trx, workspaceId, changes.products, {
        source: `connector:${connector.id}`,
        now,
      });
    }
    for (const level of changes.inventory) {
      await this.catalog.setInventoryLevel(trx, workspaceId, level, now);
    }
    const source = { kind: 'connector', platform: connector.platform, connectorId: connector.id };
    const rows = changes.calls.map((c) => serverCallRow(workspaceId, c, source, now));
    const events = await this.eventLog.appendWithin(trx, rows);
    for (const [i, person] of changes.redactPeople.entries()) {
      await this.jobs.enqueue(
        {
          kind: REDACT_JOB,
          runAt: now,
          workspaceId,
          payload: {
            identity: person.identity,
            orderIds: person.orderIds,
            connectorId: connector.id,
            requestedAt: now,
            n: i,
          },
        },
        now,
        trx,
      );
    }
    if (changes.redactShop) {
      await this.jobs.enqueue(
        {
          kind: REDACT_JOB,
          runAt: now,
          workspaceId,
          payload: { wholeShop: true, connectorId: connector.id, requestedAt: now },
        },
        now,
        trx,
      );
    }
    for (const request of changes.dataRequests) {
      await trx
        .insertInto('data_requests')
        .values({
          workspace_id: workspaceId,
          connector_id: connector.id,
          kind: 'access',
          identifiers: JSON.stringify(scrubRecord(request.identity)),
          // Scrubbed like events: characters PostgreSQL cannot store become U+FFFD.
          payload: JSON.stringify(scrubRecord(request.payload)),
          received_at: now,
        })
        .execute();
    }
    return events;
  }
}
