import { sql, type RawBuilder } from 'kysely';
import { isRecord } from '../../platform/json.js';
import type { OrderLine } from './ecommerce-facts.js';

/**
 * An order's lines as stored on its row (`profile_orders.lines`, migration 040, ADR 0025): a
 * JSON array in line order, each line an object named like the columns of the table it
 * replaced. Unknown members are left out, so a line costs only what it says.
 */
interface StoredLine {
  product_id?: string;
  variant_id?: string;
  sku?: string;
  name?: string;
  category?: string;
  price?: number;
  quantity: number;
}

/** The JSON written for `lines` (null when there are none: the stored lines are kept). */
export function encodeLines(lines: readonly OrderLine[]): string | null {
  if (lines.length === 0) return null;
  return JSON.stringify(
    lines.map((l) => {
      const out: StoredLine = { quantity: l.quantity };
      if (l.id !== null) out.product_id = l.id;
      if (l.variantId !== null) out.variant_id = l.variantId;
      if (l.sku !== null) out.sku = l.sku;
      if (l.name !== null) out.name = l.name;
      if (l.category !== null) out.category = l.category;
      if (l.price !== null) out.price = l.price;
      return out;
    }),
  );
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const finite = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? v : null;

/**
 * The lines of a stored `lines` value: text from SQLite, parsed from PostgreSQL's jsonb, null
 * for an order stored without lines. Read defensively: a member of the wrong type reads as
 * unknown, a line that is not an object is skipped.
 */
export function decodeLines(value: unknown): OrderLine[] {
  if (value === null || value === undefined) return [];
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (!Array.isArray(parsed)) return [];
  const out: OrderLine[] = [];
  for (const l of parsed as unknown[]) {
    if (!isRecord(l)) continue;
    out.push({
      id: text(l.product_id),
      variantId: text(l.variant_id),
      sku: text(l.sku),
      name: text(l.name),
      category: text(l.category),
      price: finite(l.price),
      quantity: finite(l.quantity) ?? 0,
    });
  }
  return out;
}

/**
 * SQL over the lines of the orders aliased `orders`: `from` names them as a table of JSON
 * objects aliased `alias`, `field` reads one member as text. The same `->>` reads a member
 * on both engines (SQLite takes a bare name as `$.name`).
 */
export function lineSql(dialect: 'sqlite' | 'postgres', orders: string, alias = 'l') {
  const column = sql.ref(`${orders}.lines`);
  return {
    from:
      dialect === 'sqlite'
        ? sql`json_each(${column}) as ${sql.raw(alias)}`
        : sql`jsonb_array_elements(${column}) as ${sql.raw(alias)}(value)`,
    field: (member: keyof StoredLine): RawBuilder<string | null> =>
      sql<string | null>`(${sql.raw(alias)}.value ->> ${sql.lit(member)})`,
  };
}
