import {
  journeyDefinitionSchema,
  type JourneyDefinition,
  type JourneyStep,
} from '@comeback/contracts';
import type { Db, Trx } from '../../platform/db/database.js';

export interface LoadedVersion {
  definition: JourneyDefinition;
  steps: ReadonlyMap<string, JourneyStep>;
}

/** At most this many versions are kept parsed; versions never change, so nothing goes stale. */
const MAX_CACHED = 2000;

/** Journey versions, parsed once: they are immutable once activated. */
export class DefinitionCache {
  readonly #db: Db;
  readonly #versions = new Map<string, LoadedVersion>();
  constructor(db: Db) {
    this.#db = db;
  }

  async get(journeyId: string, version: number, trx?: Trx): Promise<LoadedVersion> {
    const key = `${journeyId}:${version}`;
    const cached = this.#versions.get(key);
    if (cached) return cached;
    const row = await (trx ?? this.#db)
      .selectFrom('journey_versions')
      .select('definition')
      .where('journey_id', '=', journeyId)
      .where('version', '=', version)
      .executeTakeFirstOrThrow();
    const raw = typeof row.definition === 'string' ? JSON.parse(row.definition) : row.definition;
    const definition = journeyDefinitionSchema.parse(raw);
    const loaded = { definition, steps: new Map(definition.steps.map((s) => [s.id, s])) };
    if (this.#versions.size >= MAX_CACHED) this.#versions.clear();
    this.#versions.set(key, loaded);
    return loaded;
  }
}
