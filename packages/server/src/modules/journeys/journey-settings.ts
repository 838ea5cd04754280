import { journeySettingsSchema, type JourneySettings } from '@comeback/contracts';
import type { Db } from '../../platform/db/database.js';
import { workspaceZoneOr, workspaceZoneSettingKey } from '../../platform/time-zones.js';
import { storeZoneOffsets } from '../../platform/zone-offsets.js';

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

  async put(workspaceId: string, settings: JourneySettings): Promise<JourneySettings> {
    const value = JSON.stringify(settings);
    await this.#db
      .insertInto('settings')
      .values({ key: keyOf(workspaceId), value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
    // Segments read the workspace's zone in SQL, with the zone's stored offsets.
    await storeZoneOffsets(this.#db, [workspaceZoneOr(settings.timezone)]);
    this.#cache.delete(workspaceId);
    return settings;
  }
}
