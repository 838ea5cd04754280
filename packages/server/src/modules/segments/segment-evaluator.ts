import { sql } from 'kysely';
import type { Database, Trx } from '../../platform/db/database.js';
import { idList } from '../../platform/db/bulk-write.js';
import { segmentFilter } from './segment-sql.js';
import type { SegmentQuery } from './segment-model.js';
import type { LoadedSegment, SegmentDefinitions } from './segment-definitions.js';

/** Profiles per evaluation query (one bound array each). */
const CHUNK = 2000;

/** Live segments' questions to the database: who of these profiles is in a segment now. */
export class SegmentEvaluator {
  readonly #dialect: Database['dialect'];
  readonly #definitions: SegmentDefinitions;
  constructor(dialect: Database['dialect'], definitions: SegmentDefinitions) {
    this.#dialect = dialect;
    this.#definitions = definitions;
  }

  /** Members of each of `segments` (one workspace) among `among`, one query per chunk. */
  async evaluateMany(
    trx: Trx,
    segments: readonly LoadedSegment[],
    now: number,
    among: readonly string[],
  ): Promise<Map<string, Set<string>>> {
    const out = new Map(segments.map((s) => [s.id, new Set<string>()]));
    const first = segments[0];
    if (!first) return out;
    const dialect = this.#dialect;
    for (let i = 0; i < among.length; i += CHUNK) {
      let q = trx
        .selectFrom(idList(dialect, among.slice(i, i + CHUNK)))
        .crossJoin('profiles as p')
        .whereRef('p.id', '=', 'j.value')
        .where('p.workspace_id', '=', first.workspaceId)
        .select('p.id');
      for (const [n, segment] of segments.entries()) {
        const filter = segmentFilter(dialect, this.#queryOf(segment, now));
        q = q.select(sql<number>`case when ${filter} then 1 else 0 end`.as(`s${n}`));
      }
      const rows: Record<string, unknown>[] = await q.execute();
      for (const row of rows) {
        for (const [n, segment] of segments.entries()) {
          if (Number(row[`s${n}`]) === 1) out.get(segment.id)?.add(String(row.id));
        }
      }
    }
    return out;
  }

  #queryOf(segment: LoadedSegment, now: number): SegmentQuery {
    return {
      workspaceId: segment.workspaceId,
      condition: segment.condition,
      references: this.#definitions.referencesOf(segment.workspaceId),
      at: now,
      customFields: this.#definitions.customFields(segment.workspaceId),
    };
  }

  /** Members of `segment` at `now`, among `among` when given (else the whole workspace). */
  async evaluate(
    trx: Trx,
    segment: LoadedSegment,
    now: number,
    among?: readonly string[],
  ): Promise<string[]> {
    const query = this.#queryOf(segment, now);
    const filter = segmentFilter(
      this.#dialect,
      query,
      among === undefined ? 'whole-workspace' : 'per-profile',
    );
    const q =
      among === undefined
        ? trx
            .selectFrom('profiles as p')
            .select('p.id')
            .where('p.workspace_id', '=', segment.workspaceId)
            .where(filter)
        : trx
            .selectFrom(idList(this.#dialect, among))
            .crossJoin('profiles as p')
            .whereRef('p.id', '=', 'j.value')
            .select('p.id')
            .where('p.workspace_id', '=', segment.workspaceId)
            .where(filter);
    return (await q.execute()).map((r) => r.id);
  }
}
