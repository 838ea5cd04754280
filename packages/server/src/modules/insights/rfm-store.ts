import type { Database } from '../../platform/db/database.js';
import { bulkInsert, bulkTable } from '../../platform/db/bulk-write.js';
import type { Purchase } from './btyd/summaries.js';
import type { RfmInput, RfmScore } from './rfm.js';

const RFM = bulkTable({
  table: 'profile_rfm',
  columns: [
    { name: 'workspace_id', pgType: 'text' },
    { name: 'profile_id', pgType: 'text' },
    { name: 'recency_score', pgType: 'int4' },
    { name: 'frequency_score', pgType: 'int4' },
    { name: 'monetary_score', pgType: 'int4' },
    { name: 'rfm_group', pgType: 'text' },
    { name: 'computed_at', pgType: 'int8' },
  ],
});

/** Each customer's last order, number of orders and spend, from the fit's purchases. */
export function rfmInputs(purchases: ReadonlyMap<string, readonly Purchase[]>): RfmInput[] {
  const out: RfmInput[] = [];
  for (const [profileId, list] of purchases) {
    if (list.length === 0) continue;
    let lastOrderAt = -Infinity;
    let spent = 0;
    for (const p of list) {
      lastOrderAt = Math.max(lastOrderAt, p.at);
      spent += p.value;
    }
    out.push({ profileId, lastOrderAt, orders: list.length, spent });
  }
  return out;
}

/** Replaces the workspace's RFM rows in one transaction: readers never see half of them. */
export async function saveRfm(
  database: Database,
  workspaceId: string,
  scores: ReadonlyMap<string, RfmScore>,
  now: number,
): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('profile_rfm').where('workspace_id', '=', workspaceId).execute();
    await bulkInsert(
      database,
      trx,
      RFM,
      [...scores].map(([profileId, s]) => [
        workspaceId,
        profileId,
        s.recency,
        s.frequency,
        s.monetary,
        s.group,
        now,
      ]),
    );
  });
}
