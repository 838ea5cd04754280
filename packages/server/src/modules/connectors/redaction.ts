import type { Database } from '../../platform/db/database.js';
import type { ClaimedJob } from '../../platform/jobs/job-queue.js';
import { asRecord } from '../../platform/json.js';
import type { ProfileQueries } from '../profiles/index.js';

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Carries out a store's GDPR redaction (Shopify customers/redact, shop/redact) as a job written
 * in the same transaction as the delivery: it runs until it succeeds. Erasure leaves its hashed
 * erasure records, so events of the person still in flight cannot bring them back.
 */
export function redactionHandler(database: Database, profiles: ProfileQueries, now: () => number) {
  return async (job: ClaimedJob): Promise<void> => {
    const workspaceId = job.workspaceId;
    if (workspaceId === null) throw new Error('a redaction job needs its workspace');
    const ids: string[] = [];
    if (job.payload.wholeShop === true) {
      const rows = await database.db
        .selectFrom('profiles')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .execute();
      ids.push(...rows.map((r) => r.id));
    } else {
      const identity = asRecord(job.payload.identity);
      const found = await profiles.lookup(workspaceId, {
        email: text(identity.email),
        phone: text(identity.phone),
        customer_id: text(identity.customer_id),
      });
      ids.push(...found.map((p) => p.id));
    }
    for (const id of new Set(ids)) {
      const erased = await profiles.erase(workspaceId, id, now());
      // Already erased (a merge or an earlier run took it): nothing left to do for it.
      if (!erased.ok && erased.error.code !== 'not_found') throw new Error(erased.error.message);
    }
    if (job.payload.wholeShop === true) {
      // Orders and events that never reached a profile are customer data too.
      await database.db.transaction().execute(async (trx) => {
        for (const table of [
          'order_lines',
          'order_refunds',
          'order_fulfilments',
          'profile_orders',
        ] as const) {
          await trx.deleteFrom(table).where('workspace_id', '=', workspaceId).execute();
        }
        await trx.deleteFrom('events').where('workspace_id', '=', workspaceId).execute();
        await trx.deleteFrom('data_requests').where('workspace_id', '=', workspaceId).execute();
      });
    }
  };
}
