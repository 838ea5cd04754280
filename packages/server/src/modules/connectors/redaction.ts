import type { IdentifierKind } from '@comeback/contracts';
import type { Database, Trx } from '../../platform/db/database.js';
import type { ClaimedJob } from '../../platform/jobs/job-queue.js';
import { asRecord, readJsonObject } from '../../platform/json.js';
import {
  normalizeIdentifier,
  type ErasureParticipant,
  type ProfileQueries,
} from '../profiles/index.js';
import { redactShop } from './shop-redaction.js';

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const IDENTITY_KINDS = ['email', 'phone', 'customer_id'] as const satisfies IdentifierKind[];

/**
 * Carries out a store's GDPR redaction (Shopify customers/redact, shop/redact) as a job written
 * in the same transaction as the delivery: it runs until it succeeds, and its payload (which
 * names the person) is forgotten once it is done (`forgetPayloadWhenDone`). Erasure leaves its
 * hashed erasure records, so events of the person still in flight cannot bring them back.
 */
export function redactionHandler(database: Database, profiles: ProfileQueries, now: () => number) {
  return async (job: ClaimedJob): Promise<void> => {
    const workspaceId = job.workspaceId;
    if (workspaceId === null) throw new Error('a redaction job needs its workspace');
    if (job.payload.wholeShop === true) {
      const connectorId = text(job.payload.connectorId);
      // Jobs queued before shop redaction was scoped to its shop carry no connector: erasing
      // the whole workspace for them is exactly what must not happen.
      if (!connectorId) throw new Error('a shop redaction names its connector');
      await redactShop(database, profiles, workspaceId, connectorId, now(), forgetJob(job.id));
    } else {
      await redactPerson(database, profiles, workspaceId, job.payload, now(), forgetJob(job.id));
    }
    await profiles.afterErasure();
  };
}

/**
 * customers/redact: the profiles found by the customer's id, email or phone, and the profiles
 * holding the orders Shopify lists, are erased; the listed orders are tombstoned even when they
 * were never seen, so a late delivery of one does not bring it back.
 */
async function redactPerson(
  database: Database,
  profiles: ProfileQueries,
  workspaceId: string,
  payload: Record<string, unknown>,
  now: number,
  forget: (trx: Trx) => Promise<void>,
) {
  const identity = asRecord(payload.identity);
  const orderIds = Array.isArray(payload.orderIds)
    ? payload.orderIds.filter((o): o is string => typeof o === 'string')
    : [];
  const found = await profiles.lookup(workspaceId, {
    email: text(identity.email),
    phone: text(identity.phone),
    customer_id: text(identity.customer_id),
  });
  const ids = new Set(found.map((p) => p.id));
  for (let i = 0; i < orderIds.length; i += 300) {
    const owners = await database.db
      .selectFrom('profile_orders')
      .select('profile_id')
      .where('workspace_id', '=', workspaceId)
      .where('order_id', 'in', orderIds.slice(i, i + 300))
      .execute();
    for (const o of owners) ids.add(o.profile_id);
  }
  await database.db.transaction().execute(async (trx) => {
    for (const id of ids) {
      const erased = await profiles.eraseWithin(trx, workspaceId, id, now);
      // Already erased (a merge or an earlier run took it): nothing left to do for it.
      if (!erased.ok && erased.error.code !== 'not_found') throw new Error(erased.error.message);
    }
    await profiles.eraseOrdersWithin(trx, workspaceId, orderIds, now);
    // The request may name identifiers no profile holds (yet or any more): their events still
    // in the log are dropped when applied, and their access requests go too.
    const identifiers = IDENTITY_KINDS.flatMap((kind) => {
      const raw = text(identity[kind]);
      const value = raw === undefined ? null : normalizeIdentifier(kind, raw);
      return value === null ? [] : [{ kind, value }];
    });
    await profiles.forgetIdentifiersWithin(trx, workspaceId, identifiers, now);
    await forgetDataRequestsOf(trx, workspaceId, identifiers);
    await forget(trx);
  });
}

/**
 * The job's payload names the person: it is forgotten in the transaction that carries the
 * erasure out, so the checkpoint after it leaves no copy (the runner's `forgetPayloadWhenDone`
 * would come one commit too late for that).
 */
const forgetJob = (jobId: number) => async (trx: Trx) => {
  await trx.updateTable('jobs').set({ payload: '{}' }).where('id', '=', jobId).execute();
};

/** The connectors' copies of an erased person: the access requests stores forwarded. */
export const dataRequestErasure: ErasureParticipant = (trx, person) =>
  forgetDataRequestsOf(trx, person.workspaceId, person.identifiers);

async function forgetDataRequestsOf(
  trx: Trx,
  workspaceId: string,
  identifiers: { kind: string; value: string }[],
): Promise<void> {
  if (!identifiers.length) return;
  const held = new Set(identifiers.map((i) => `${i.kind}:${i.value}`));
  const rows = await trx
    .selectFrom('data_requests')
    .select(['id', 'identifiers'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  const theirs = rows.filter((r) => {
    const named = readJsonObject(r.identifiers);
    return IDENTITY_KINDS.some((kind) => {
      const raw = text(named[kind]);
      const value = raw === undefined ? null : normalizeIdentifier(kind, raw);
      return value !== null && held.has(`${kind}:${value}`);
    });
  });
  for (const r of theirs) await trx.deleteFrom('data_requests').where('id', '=', r.id).execute();
}
