import { identifierKinds, type Profile } from '@comeback/contracts';
import type { Db } from '../../platform/db/database.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { oneOf } from '../../platform/json.js';
import { insightsOfMany } from './profile-insights.js';
import { predictionsOfMany } from './profile-predictions.js';
import { computedOf } from './profile-state.js';
import type { ProfileStore } from './profile-store.js';

/** Profile ids per query: well within both engines' limits on bound parameters. */
const IDS_PER_QUERY = 500;

/** `rows` by the key `keyOf` gives, each list in the rows' order. */
function groupBy<R>(rows: readonly R[], keyOf: (row: R) => string): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = out.get(key);
    if (list) list.push(row);
    else out.set(key, [row]);
  }
  return out;
}

/** `ids` in slices of IDS_PER_QUERY, each read by `read`, the rows put together. */
async function inSlices<R>(ids: readonly string[], read: (slice: string[]) => Promise<R[]>) {
  const rows: R[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY)
    rows.push(...(await read(ids.slice(i, i + IDS_PER_QUERY))));
  return rows;
}

/**
 * Profiles as the admin API shows them, for any number of ids at once: one query per table for
 * the lot (a journey pass reads its whole batch so), the same answer per id as reading it alone.
 * A merged-away id answers with the profile it was merged into; an id of no profile in the
 * workspace, `not_found`. Every id given has an answer.
 */
export async function readProfiles(
  db: Db,
  store: ProfileStore,
  workspaceId: string,
  ids: readonly string[],
): Promise<Map<string, Result<Profile>>> {
  const unique = [...new Set(ids)];
  // A merge re-points earlier merges into the loser, so one row names the final survivor.
  const merges = await inSlices(unique, (slice) =>
    db
      .selectFrom('profile_merges')
      .select(['from_profile_id', 'into_profile_id'])
      .where('workspace_id', '=', workspaceId)
      .where('from_profile_id', 'in', slice)
      .execute(),
  );
  const liveOf = new Map<string, string>();
  for (const m of merges)
    if (!liveOf.has(m.from_profile_id)) liveOf.set(m.from_profile_id, m.into_profile_id);
  const live = [...new Set(unique.map((id) => liveOf.get(id) ?? id))];
  const states = await store.loadProfiles(db, live);
  const found = live.filter((id) => states.get(id)?.workspaceId === workspaceId);
  const identifiersOf = groupBy(
    await inSlices(found, (slice) =>
      db
        .selectFrom('identifiers')
        .select(['profile_id', 'kind', 'value'])
        .where('profile_id', 'in', slice)
        .where('kind', '!=', 'alias')
        .orderBy('profile_id')
        .orderBy('kind')
        .orderBy('value')
        .execute(),
    ),
    (i) => i.profile_id,
  );
  const mergedInto = groupBy(
    await inSlices(found, (slice) =>
      db
        .selectFrom('profile_merges')
        .select(['into_profile_id', 'from_profile_id'])
        .where('into_profile_id', 'in', slice)
        .orderBy('id')
        .execute(),
    ),
    (m) => m.into_profile_id,
  );
  const predictions = await predictionsOfMany(db, workspaceId, found);
  const insights = await insightsOfMany(db, workspaceId, found);

  const profiles = new Map<string, Profile>();
  for (const id of found) {
    const state = states.get(id);
    if (!state) continue;
    profiles.set(id, {
      id: state.id,
      createdAt: new Date(state.createdAt).toISOString(),
      updatedAt: new Date(state.updatedAt).toISOString(),
      traits: state.traits,
      identifiers: (identifiersOf.get(id) ?? []).flatMap((i) => {
        const kind = oneOf(identifierKinds, i.kind);
        return kind ? [{ kind, value: i.value }] : [];
      }),
      computed: computedOf(state),
      // Consent and segment membership arrive with their own issues; the shape is fixed now.
      consent: {},
      segments: [],
      mergedFrom: (mergedInto.get(id) ?? []).map((m) => m.from_profile_id),
      recreatedAfterErasure: state.recreatedAfterErasure,
      predictions: predictions.get(id) ?? null,
      insights: insights.get(id) ?? null,
    });
  }
  const out = new Map<string, Result<Profile>>();
  for (const id of unique) {
    const profile = profiles.get(liveOf.get(id) ?? id);
    out.set(id, profile ? ok(profile) : fail('not_found', `no profile ${id}`));
  }
  return out;
}
