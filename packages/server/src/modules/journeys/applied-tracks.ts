import type { Database, Db } from '../../platform/db/database.js';
import { anyOf } from '../../platform/db/bulk-write.js';
import { readJsonObject } from '../../platform/json.js';
import type { DefinitionCache } from './definition-cache.js';
import type { TriggerEvent } from './engine-types.js';

/** A mapping row whose log row was not read (no journey listens to its name). */
const NOT_READ = {
  workspace_id: null,
  message_id: null,
  timestamp: null,
  received_at: null,
  payload: null,
} as const;

/**
 * The applied track events in the log range (after, through], at most `limit`, from the
 * event-to-profile mapping (each row a few dozen bytes); the log's row (payload, message id,
 * time received) is read only for an event whose name some journey version listens to - as a
 * trigger, a goal or an awaited event - and is null for the others. Under a burst of tracking
 * most events are views no journey names, and reading every payload on the HTTP thread was the
 * trigger follower's main cost.
 */
export async function appliedTracks(
  db: Db,
  definitions: DefinitionCache,
  dialect: Database['dialect'],
  range: { after: number; through: number; limit: number },
) {
  const names = await listenedNames(db, definitions);
  const mapping = db
    .selectFrom('event_profiles as ep')
    .where('ep.seq', '>', range.after)
    .where('ep.seq', '<=', range.through)
    .where('ep.event', 'is not', null)
    .orderBy('ep.seq')
    .limit(range.limit);
  if (names.length === 0)
    return (await mapping.select(['ep.seq', 'ep.profile_id', 'ep.event']).execute()).map((r) => ({
      ...r,
      ...NOT_READ,
    }));
  return mapping
    .leftJoin('events as e', (join) =>
      join.onRef('e.seq', '=', 'ep.seq').on(anyOf(dialect, 'ep.event', names)),
    )
    .select(['ep.seq', 'ep.profile_id', 'ep.event'])
    .select(['e.workspace_id', 'e.message_id', 'e.timestamp', 'e.received_at', 'e.payload'])
    .execute();
}

/**
 * Every event name a journey version listens to (its trigger, goal and awaited events), of
 * every version: an enrollment still running on an older version reacts to its names.
 * Versions never change once written, and are parsed once (the definition cache).
 */
async function listenedNames(db: Db, definitions: DefinitionCache): Promise<string[]> {
  const versions = await db
    .selectFrom('journey_versions')
    .select(['journey_id', 'version'])
    .execute();
  const names = new Set<string>();
  for (const v of versions) {
    const { definition } = await definitions.get(v.journey_id, Number(v.version));
    if (definition.trigger.type === 'event') names.add(definition.trigger.event);
    if (definition.goal) names.add(definition.goal.event);
    for (const step of definition.steps) if (step.type === 'wait_for_event') names.add(step.event);
  }
  return [...names];
}

/**
 * A trigger event whose properties are parsed from the stored payload the first time they are
 * read: every reader matches the event's name first (triggers, goals, awaited events), so the
 * payloads of the many events no journey names are never parsed (parsing every one cost the
 * main thread about a tenth of its time under a burst of tracking). Serialized (an enrollment's
 * context) like a plain object.
 */
export function lazyProperties(
  name: string,
  messageId: string,
  at: number,
  payload: unknown,
): TriggerEvent {
  let properties: Record<string, unknown> | undefined;
  return {
    name,
    messageId,
    at,
    get properties() {
      properties ??= readJsonObject(readJsonObject(payload).properties);
      return properties;
    },
  };
}
