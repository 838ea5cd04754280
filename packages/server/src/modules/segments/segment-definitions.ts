import {
  customFieldTypes,
  segmentConditionSchema,
  type CustomField,
  type SegmentCondition,
} from '@comeback/contracts';
import type { Trx } from '../../platform/db/database.js';
import { oneOf, readStringArray } from '../../platform/json.js';
import type { Logger } from '../../platform/logger.js';

/** A saved segment as the processor evaluates it. */
export interface LoadedSegment {
  id: string;
  workspaceId: string;
  version: number;
  condition: SegmentCondition;
}

/**
 * The processor's copy of every workspace's segment definitions and custom fields (they live
 * in the main file; the API writes them). Read again only when some segment's version changed,
 * which one cheap query per batch tells.
 */
export class SegmentDefinitions {
  readonly #logger: Logger;
  #segments = new Map<string, LoadedSegment>();
  readonly #customFields = new Map<string, Map<string, CustomField>>();
  #signature = '';

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Every loaded segment, by id. */
  get all(): ReadonlyMap<string, LoadedSegment> {
    return this.#segments;
  }

  inWorkspace(workspaceId: string): LoadedSegment[] {
    return [...this.#segments.values()].filter((s) => s.workspaceId === workspaceId);
  }

  customFields(workspaceId: string): Map<string, CustomField> {
    return this.#customFields.get(workspaceId) ?? new Map();
  }

  /** A workspace's segment conditions by id, for references. */
  resolver(workspaceId: string) {
    return (id: string): SegmentCondition | undefined => {
      const target = this.#segments.get(id);
      return target?.workspaceId === workspaceId ? target.condition : undefined;
    };
  }

  referencesOf(workspaceId: string): Map<string, SegmentCondition> {
    const out = new Map<string, SegmentCondition>();
    for (const s of this.#segments.values()) {
      if (s.workspaceId === workspaceId) out.set(s.id, s.condition);
    }
    return out;
  }

  /** A batch that failed may have left the definitions half-read: read them afresh. */
  reset(): void {
    this.#signature = '';
    this.#segments = new Map();
    this.#customFields.clear();
  }

  async refresh(trx: Trx): Promise<void> {
    const rows = await trx
      .selectFrom('segments')
      .select(['id', 'workspace_id', 'version'])
      .orderBy('id')
      .execute();
    const signature = rows.map((r) => `${r.id}:${r.version}`).join(',');
    if (signature === this.#signature) return;
    const full = await trx
      .selectFrom('segments')
      .select(['id', 'workspace_id', 'version', 'definition'])
      .execute();
    const next = new Map<string, LoadedSegment>();
    for (const r of full) {
      const parsed = segmentConditionSchema.safeParse(jsonOf(r.definition));
      if (!parsed.success) {
        this.#logger.error({ segment: r.id }, 'stored segment definition no longer parses');
        continue;
      }
      next.set(r.id, {
        id: r.id,
        workspaceId: r.workspace_id,
        version: Number(r.version),
        condition: parsed.data,
      });
    }
    this.#segments = next;
    this.#customFields.clear();
    for (const workspaceId of new Set(full.map((r) => r.workspace_id))) {
      this.#customFields.set(workspaceId, await loadCustomFields(trx, workspaceId));
    }
    this.#signature = signature;
  }
}

/** A JSON column: text on SQLite, already parsed on PostgreSQL. */
function jsonOf(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

async function loadCustomFields(trx: Trx, workspaceId: string): Promise<Map<string, CustomField>> {
  const rows = await trx
    .selectFrom('custom_fields')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .execute();
  return new Map(
    rows.map((r) => [
      r.name,
      {
        name: r.name,
        type: oneOf(customFieldTypes, r.type) ?? 'string',
        ...(r.enum_values !== null ? { values: readStringArray(r.enum_values) } : {}),
      },
    ]),
  );
}
