import type { JourneyStep } from '@comeback/contracts';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import type { DefinitionCache } from './definition-cache.js';

export interface MigrationRequest {
  /** The version whose running enrollments move. */
  from: number;
  /** Steps renamed or removed: where their enrollments go in the active version. */
  map?: Record<string, string> | undefined;
}

export interface MigrationOutcome {
  from: number;
  to: number;
  moved: number;
  /** Per step of the old version: how many moved there, to where. */
  steps: { from: string; to: string; moved: number }[];
}

/**
 * Moves a journey's running enrollments from an older version onto the active one (issue 13's
 * explicit migration): each goes to the step of the same id, or to where `map` says. A step that
 * exists in neither is refused, naming it, and nothing moves. An enrollment keeps its wait
 * when the step it waits at is of the same type in the new version; otherwise it is due now
 * and starts that step afresh. Guarded per row (still active, still on `from`), so a pass that
 * moved an enrollment meanwhile is not overwritten.
 */
export async function migrateEnrollments(
  db: Db,
  definitions: DefinitionCache,
  journey: { id: string; activeVersion: number | null },
  request: MigrationRequest,
  now: number,
): Promise<Result<MigrationOutcome>> {
  const to = journey.activeVersion;
  if (to === null)
    return fail('conflict', 'the journey was never activated: there is no version to move to');
  if (request.from === to)
    return fail('validation_failed', `version ${to} is the active version`, [
      { field: 'from', message: 'must be an older version than the active one' },
    ]);
  const exists = await db
    .selectFrom('journey_versions')
    .select('version')
    .where('journey_id', '=', journey.id)
    .where('version', '=', request.from)
    .executeTakeFirst();
  if (!exists)
    return fail('validation_failed', `the journey has no version ${request.from}`, [
      { field: 'from', message: 'no such version' },
    ]);
  const oldSteps = (await definitions.get(journey.id, request.from)).steps;
  const newSteps = (await definitions.get(journey.id, to)).steps;
  const map = new Map(Object.entries(request.map ?? {}));
  const running = await db
    .selectFrom('journey_enrollments')
    .select(['node'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('journey_id', '=', journey.id)
    .where('version', '=', request.from)
    .where('status', '=', 'active')
    .groupBy('node')
    .execute();
  const plan: { from: string; to: string; keepWait: boolean; count: number }[] = [];
  const details: { field: string; message: string }[] = [];
  for (const r of running) {
    const node = r.node ?? '';
    const target = map.get(node) ?? node;
    const next: JourneyStep | undefined = newSteps.get(target);
    if (!next) {
      details.push({
        field: `map.${node}`,
        message: `${Number(r.n)} enrollment(s) are at ${node}, which version ${to} does not have: map it to a step`,
      });
      continue;
    }
    plan.push({
      from: node,
      to: target,
      keepWait: oldSteps.get(node)?.type === next.type,
      count: Number(r.n),
    });
  }
  const first = details[0];
  if (first) return fail('validation_failed', first.message, details);
  let moved = 0;
  const steps: MigrationOutcome['steps'] = [];
  await db.transaction().execute(async (trx) => {
    for (const p of plan) {
      const updated = await trx
        .updateTable('journey_enrollments')
        .set({
          version: to,
          node: p.to,
          updated_at: now,
          // A wait under way stays under way at the same step; anything else starts afresh.
          ...(p.keepWait
            ? {
                armed_node: sql<
                  string | null
                >`case when armed_node is null then null else ${p.to} end`,
              }
            : { armed_node: null, armed_since: null, waiting_event: null, due_at: now }),
        })
        .where('journey_id', '=', journey.id)
        .where('version', '=', request.from)
        .where('status', '=', 'active')
        .where('node', '=', p.from)
        .executeTakeFirst();
      const n = Number(updated.numUpdatedRows);
      moved += n;
      steps.push({ from: p.from, to: p.to, moved: n });
    }
  });
  return ok({ from: request.from, to, moved, steps });
}

/** The migration as the API offers it: bound to the database and the version cache. */
export class JourneyMigrations {
  readonly #db: Db;
  readonly #definitions: DefinitionCache;
  readonly #now: () => number;
  constructor(db: Db, definitions: DefinitionCache, now: () => number) {
    this.#db = db;
    this.#definitions = definitions;
    this.#now = now;
  }

  migrate(
    journey: { id: string; activeVersion: number | null },
    request: MigrationRequest,
  ): Promise<Result<MigrationOutcome>> {
    return migrateEnrollments(this.#db, this.#definitions, journey, request, this.#now());
  }
}
