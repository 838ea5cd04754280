import { customFieldTypes, type CustomField, type ErrorDetail } from '@comeback/contracts';
import type { Db } from '../../platform/db/database.js';
import { oneOf, readStringArray } from '../../platform/json.js';
import { fail, ok, type Result } from '../../platform/errors.js';

/**
 * The typed custom-field schema of a workspace. Declared fields are validated and coerced at the
 * edge ("42" becomes 42 for a number field); undeclared traits pass through as sent, as with
 * Segment. The registry caches each workspace's schema briefly for the ingest hot path.
 */
export class CustomFieldRegistry {
  readonly #db: Db;
  readonly #now: () => number;
  readonly #cache = new Map<string, { fields: Map<string, CustomField>; until: number }>();

  constructor(db: Db, now: () => number) {
    this.#db = db;
    this.#now = now;
  }

  async list(workspaceId: string): Promise<CustomField[]> {
    const rows = await this.#db
      .selectFrom('custom_fields')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('name')
      .execute();
    return rows.map((r) => ({
      name: r.name,
      type: oneOf(customFieldTypes, r.type) ?? 'string',
      ...(r.enum_values !== null ? { values: readStringArray(r.enum_values) } : {}),
      ...(r.description !== null ? { description: r.description } : {}),
    }));
  }

  async fieldsOf(workspaceId: string): Promise<Map<string, CustomField>> {
    const hit = this.#cache.get(workspaceId);
    if (hit && hit.until > this.#now()) return hit.fields;
    const fields = new Map((await this.list(workspaceId)).map((f) => [f.name, f]));
    this.#cache.set(workspaceId, { fields, until: this.#now() + 2000 });
    return fields;
  }

  /** Declares a field; declaring the same definition again is a no-op, a different one a conflict. */
  async declare(
    workspaceId: string,
    field: CustomField,
    now: number,
  ): Promise<Result<CustomField>> {
    // Insert first, then compare with what is stored: two concurrent conflicting declarations
    // cannot both succeed.
    await this.#db
      .insertInto('custom_fields')
      .values({
        workspace_id: workspaceId,
        name: field.name,
        type: field.type,
        enum_values: field.values ? JSON.stringify(field.values) : null,
        description: field.description ?? null,
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['workspace_id', 'name']).doNothing())
      .execute();
    this.#cache.delete(workspaceId);
    const stored = (await this.fieldsOf(workspaceId)).get(field.name);
    const same = (a: CustomField) =>
      a.type === field.type &&
      JSON.stringify(a.values ?? null) === JSON.stringify(field.values ?? null);
    if (!stored || !same(stored)) {
      return fail(
        'conflict',
        `custom field ${field.name} already exists as ${stored?.type ?? '?'}`,
        [{ field: 'name', message: 'delete the field first to change its type' }],
      );
    }
    return ok(stored);
  }

  async remove(workspaceId: string, name: string): Promise<boolean> {
    const r = await this.#db
      .deleteFrom('custom_fields')
      .where('workspace_id', '=', workspaceId)
      .where('name', '=', name)
      .executeTakeFirst();
    this.#cache.delete(workspaceId);
    return Number(r.numDeletedRows) > 0;
  }
}

/** Coerces `traits` against the declared fields; errors name `${path}.${field}`. */
export function coerceTraits(
  fields: Map<string, CustomField>,
  traits: Record<string, unknown>,
  path: string,
): Result<Record<string, unknown>> {
  if (fields.size === 0) return ok(traits);
  const out: Record<string, unknown> = { ...traits };
  const details: ErrorDetail[] = [];
  for (const [name, value] of Object.entries(traits)) {
    const field = fields.get(name);
    if (!field || value === null) continue;
    const coerced = coerceValue(field, value);
    if (coerced.ok) out[name] = coerced.value;
    else details.push({ field: `${path}.${name}`, message: coerced.message });
  }
  if (details.length) {
    return fail(
      'validation_failed',
      `trait ${details[0]?.field} does not fit its declared type`,
      details,
    );
  }
  return ok(out);
}

type Coerced = { ok: true; value: unknown } | { ok: false; message: string };

function coerceValue(field: CustomField, value: unknown): Coerced {
  const bad = (what: string): Coerced => ({ ok: false, message: `expected ${what}` });
  switch (field.type) {
    case 'string':
      return typeof value === 'string' || typeof value === 'number'
        ? { ok: true, value: String(value) }
        : bad('a string');
    case 'number': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      return typeof n === 'number' && Number.isFinite(n) ? { ok: true, value: n } : bad('a number');
    }
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 'true' || value === 1 || value === '1') return { ok: true, value: true };
      if (value === 'false' || value === 0 || value === '0') return { ok: true, value: false };
      return bad('a boolean');
    case 'date': {
      const t = typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
      return t && !Number.isNaN(t.getTime())
        ? { ok: true, value: t.toISOString() }
        : bad('a date (ISO-8601)');
    }
    case 'enum':
      return typeof value === 'string' && (field.values ?? []).includes(value)
        ? { ok: true, value }
        : bad(`one of ${(field.values ?? []).join(', ')}`);
    case 'list': {
      const items = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
      return Array.isArray(items) &&
        items.every((i) => typeof i === 'string' || typeof i === 'number')
        ? { ok: true, value: items.map(String) }
        : bad('a list of strings');
    }
  }
}
