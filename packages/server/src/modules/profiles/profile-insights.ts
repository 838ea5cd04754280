import type { ProfileInsights } from '@comeback/contracts';
import type { Db, Trx } from '../../platform/db/database.js';

/**
 * A profile's replenishment, life-stage and replacement fields as the profile API shows them.
 * The insights module's daily fit computes and stores them (profile_insights); a profile only
 * reads its row.
 */
export async function insightsOf(
  db: Db | Trx,
  workspaceId: string,
  profileId: string,
): Promise<ProfileInsights | null> {
  return (await insightsOfMany(db, workspaceId, [profileId])).get(profileId) ?? null;
}

/** Profile ids per query: well within both engines' limits on bound parameters. */
const IDS_PER_QUERY = 500;

/** `insightsOf` for many profiles, one query per 500: the profiles that have a row. */
export async function insightsOfMany(
  db: Db | Trx,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<Map<string, ProfileInsights>> {
  const out = new Map<string, ProfileInsights>();
  const unique = [...new Set(profileIds)];
  const iso = (t: number | null) => (t === null ? null : new Date(Number(t)).toISOString());
  for (let i = 0; i < unique.length; i += IDS_PER_QUERY) {
    const rows = await db
      .selectFrom('profile_insights')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', unique.slice(i, i + IDS_PER_QUERY))
      .execute();
    for (const row of rows)
      out.set(row.profile_id, {
        next_replenishment_due_at: iso(row.next_replenishment_due_at),
        next_replenishment_product: row.next_replenishment_product,
        next_likely_category: row.next_likely_category,
        next_likely_category_probability:
          row.next_likely_category_probability === null
            ? null
            : Number(row.next_likely_category_probability),
        replacement_category: row.replacement_category,
        replacement_due_at: iso(row.replacement_due_at),
        computed_at: new Date(Number(row.computed_at)).toISOString(),
      });
  }
  return out;
}
