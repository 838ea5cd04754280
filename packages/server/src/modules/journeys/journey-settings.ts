import { journeySettingsSchema, type JourneySettings } from '@comeback/contracts';
import type { Db } from '../../platform/db/database.js';
import { workspaceZoneOr, workspaceZoneSettingKey } from '../../platform/time-zones.js';
import { storeZoneOffsets } from '../../platform/zone-offsets.js';
import { readJsonObject } from '../../platform/json.js';
import { requestZoneRechecks } from '../segments/index.js';

const keyOf = workspaceZoneSettingKey;
/** Settings change rarely and are read at every send step: kept this long (wall clock). */
const CACHE_MS = 5_000;

/**
 * The workspace's sending rules for journeys (frequency budget, quiet hours, default time
 * zone), kept in `settings` under `journeys:<workspace>`. Defaults: no budget, no quiet hours,
 * UTC.
 */
export class JourneySettingsStore {
  readonly #db: Db;
  readonly #cache = new Map<string, { value: JourneySettings; until: number }>();
  readonly #wallNow: () => number;
  constructor(db: Db, wallNow: () => number) {
    this.#db = db;
    this.#wallNow = wallNow;
  }

  async get(workspaceId: string): Promise<JourneySettings> {
    const cached = this.#cache.get(workspaceId);
    if (cached && cached.until > this.#wallNow()) return cached.value;
    const row = await this.#db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', keyOf(workspaceId))
      .executeTakeFirst();
    const parsed = journeySettingsSchema.safeParse(row ? JSON.parse(row.value) : {});
    // Only checked settings are stored; a row that no longer parses falls back to the defaults.
    const value = parsed.success ? parsed.data : journeySettingsSchema.parse({});
    this.#cache.set(workspaceId, { value, until: this.#wallNow() + CACHE_MS });
    return value;
  }

  /**
   * Saves the settings. When the workspace's zone changes, the profiles that have no zone of
   * their own are asked about their segments again in the same transaction (dates compared in
   * the profile's zone now fall on other days for them): the processor writes the entries and
   * exits with the cause, so no stored membership keeps the old zone's answer.
   */
  async put(workspaceId: string, settings: JourneySettings): Promise<JourneySettings> {
    const value = JSON.stringify(settings);
    await this.#db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('settings')
        .select('value')
        .where('key', '=', keyOf(workspaceId))
        .executeTakeFirst();
      const was = workspaceZoneOr(
        before ? readJsonObject(JSON.parse(before.value)).timezone : null,
      );
      const zone = workspaceZoneOr(settings.timezone);
      await trx
        .insertInto('settings')
        .values({ key: keyOf(workspaceId), value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
      // Segments read the workspace's zone in SQL, with the zone's stored offsets.
      await storeZoneOffsets(trx, [zone]);
      if (zone !== was)
        await requestZoneRechecks(
          trx,
          workspaceId,
          `time zone: the workspace's changed from ${was} to ${zone}`,
        );
    });
    this.#cache.delete(workspaceId);
    return settings;
  }
}
