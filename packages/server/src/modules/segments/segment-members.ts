import type { Db } from '../../platform/db/database.js';
import { readJsonObject } from '../../platform/json.js';

/**
 * A member as lists and exports show it: who they are and how they buy, without the whole
 * profile (GET /profiles/{id} has that). Read in bulk for a page of ids.
 */
export interface SegmentMember {
  id: string;
  email: string | null;
  userId: string | null;
  firstName: string | null;
  lastName: string | null;
  /** `traits.name`, else first and last name joined; null when the traits have neither. */
  name: string | null;
  orderCount: number;
  totalSpent: number;
  lastOrderAt: string | null;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const cents = (n: number) => Math.round(n * 100) / 100;

/** The members with these ids, in the order given (ids with no profile are left out). */
export async function memberViews(
  db: Db,
  workspaceId: string,
  ids: readonly string[],
): Promise<SegmentMember[]> {
  if (ids.length === 0) return [];
  const profiles = await db
    .selectFrom('profiles')
    .select(['id', 'traits', 'order_count', 'total_spent', 'last_order_at'])
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', [...ids])
    .execute();
  // Someone known by several emails or user ids is shown by the one seen last.
  const identifiers = await db
    .selectFrom('identifiers')
    .select(['profile_id', 'kind', 'value'])
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', 'in', [...ids])
    .where('kind', 'in', ['email', 'user_id'])
    .orderBy('created_at')
    .orderBy('value')
    .execute();
  const latest = new Map<string, string>();
  for (const i of identifiers) latest.set(`${i.profile_id}\u0000${i.kind}`, i.value);
  const byId = new Map(profiles.map((p) => [p.id, p]));
  return ids.flatMap((id) => {
    const p = byId.get(id);
    if (!p) return [];
    const traits = readJsonObject(p.traits);
    const firstName = text(traits.first_name) ?? text(traits.firstName);
    const lastName = text(traits.last_name) ?? text(traits.lastName);
    const joined = [firstName, lastName].filter((s) => s !== null).join(' ');
    return [
      {
        id,
        email: latest.get(`${id}\u0000email`) ?? null,
        userId: latest.get(`${id}\u0000user_id`) ?? null,
        firstName,
        lastName,
        name: text(traits.name) ?? (joined === '' ? null : joined),
        orderCount: Number(p.order_count),
        totalSpent: cents(Number(p.total_spent)),
        lastOrderAt:
          p.last_order_at === null ? null : new Date(Number(p.last_order_at)).toISOString(),
      },
    ];
  });
}

/** The columns of a members export, in order. */
export const MEMBER_CSV_HEADER = [
  'profile_id',
  'email',
  'user_id',
  'first_name',
  'last_name',
  'order_count',
  'total_spent',
  'last_order_at',
] as const;

/**
 * One CSV cell. Text a spreadsheet would run as a formula (starting with = + - @, or a tab or
 * carriage return that some programs skip before one) gets a leading apostrophe; quotes,
 * commas and line breaks are quoted as RFC 4180 says.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: readonly (string | number | null)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function memberCsvLine(m: SegmentMember): string {
  return csvLine([
    m.id,
    m.email,
    m.userId,
    m.firstName,
    m.lastName,
    m.orderCount,
    m.totalSpent,
    m.lastOrderAt,
  ]);
}
