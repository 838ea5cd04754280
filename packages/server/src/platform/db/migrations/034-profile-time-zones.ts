import { sql, type Kysely } from 'kysely';
import { readJsonObject } from '../../json.js';
import { ownZoneOf, workspaceZoneOr } from '../../time-zones.js';
import { storeZoneOffsets } from '../../zone-offsets.js';
import { DERIVED_SCHEMA } from '../database.js';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './index.js';

const PAGE = 1000;

/**
 * Dates in the profile's time zone (segments, ADR 0017), answered by SQL on both engines:
 * - `profiles.time_zone`: the zone the profile's own traits give (its timezone trait, else its
 *   country's zone; null: the workspace's zone applies), written with the profile; filled here
 *   for the profiles there are;
 * - `time_zone_offsets`: each stored zone's UTC offsets as periods (platform/zone-offsets.ts),
 *   beside the profiles (derived file on SQLite), filled here for the zones profiles and
 *   workspaces name now and UTC.
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const t = columnTypes(dialect);
  const derived = (name: string) =>
    dialect === 'sqlite' ? sql.raw(`${DERIVED_SCHEMA}.${name}`) : sql.raw(name);
  await sql`alter table ${derived('profiles')} add column time_zone text`.execute(db);
  await sql`create table ${derived('time_zone_offsets')} (
    zone text not null,
    starts_at ${t.big} not null,
    offset_ms ${t.big} not null,
    primary key (zone, starts_at))${t.keyed}`.execute(db);

  const zones = new Set<string>(['UTC']);
  for (let after = ''; ;) {
    const rows = (
      await sql<{ id: string; traits: unknown }>`select id, traits from profiles
        where id > ${after} order by id limit ${PAGE}`.execute(db)
    ).rows;
    for (const row of rows) {
      const zone = ownZoneOf(readJsonObject(row.traits));
      if (zone === null) continue;
      zones.add(zone);
      await sql`update profiles set time_zone = ${zone} where id = ${row.id}`.execute(db);
    }
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < PAGE) break;
    after = last.id;
  }
  const settings = await sql<{ value: string }>`select value from settings
    where key like 'journeys:%'`.execute(db);
  for (const row of settings.rows) zones.add(workspaceZoneOr(readJsonObject(row.value).timezone));
  await storeZoneOffsets(db, zones);
}
