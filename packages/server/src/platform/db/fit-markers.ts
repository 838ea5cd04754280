import type { Db, Trx } from './database.js';

/**
 * A model fit announces it has finished writing (every prediction, insight, neighbour) in the
 * `settings` table, so readers that must react to new fits (live segments) never act on a fit
 * whose rows are still being written: the run's own row is written before its rows.
 */
const PREFIX = 'fit-completed:';

export async function markFitCompleted(
  db: Db | Trx,
  model: string,
  workspaceId: string,
  runId: string | number,
): Promise<void> {
  const key = `${PREFIX}${model}:${workspaceId}`;
  await db
    .insertInto('settings')
    .values({ key, value: String(runId) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(runId) }))
    .execute();
}

/** Per workspace, a text that changes whenever any model fit of it completes. */
export async function completedFits(db: Db | Trx): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('settings')
    .select(['key', 'value'])
    .where('key', 'like', `${PREFIX}%`)
    .orderBy('key')
    .execute();
  const out = new Map<string, string>();
  for (const r of rows) {
    const rest = r.key.slice(PREFIX.length);
    const cut = rest.indexOf(':');
    if (cut < 0) continue;
    const workspaceId = rest.slice(cut + 1);
    out.set(workspaceId, `${out.get(workspaceId) ?? ''}${rest.slice(0, cut)}=${r.value};`);
  }
  return out;
}
