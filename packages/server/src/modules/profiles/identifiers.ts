import { createHmac } from 'node:crypto';
import { asRecord, readJsonObject } from '../../platform/json.js';
import type { IdentifierKind } from '@comeback/contracts';
import type { EventTable } from '../../platform/db/schema.js';

/** A tracked call as the processor sees it: the stored row with its payload parsed. */
export interface LoggedEvent {
  seq: number;
  workspaceId: string;
  messageId: string;
  type: string;
  event: string | null;
  userId: string | null;
  anonymousId: string | null;
  timestamp: number;
  payload: Record<string, unknown>;
}

/** An `events` row as read for applying (the columns `loggedEventOf` needs). */
export type LoggedEventRow = Pick<
  EventTable,
  'workspace_id' | 'message_id' | 'type' | 'event' | 'user_id' | 'anonymous_id' | 'timestamp'
> & {
  /** A bigint on PostgreSQL, read as text or number depending on the driver's parser. */
  seq: number | string | bigint;
  payload: unknown;
};

/** The stored row as the processor sees it, payload parsed. */
export function loggedEventOf(r: LoggedEventRow): LoggedEvent {
  return {
    seq: Number(r.seq),
    workspaceId: r.workspace_id,
    messageId: r.message_id,
    type: r.type,
    event: r.event,
    userId: r.user_id,
    anonymousId: r.anonymous_id,
    timestamp: r.timestamp,
    payload: readJsonObject(r.payload),
  };
}

export interface Identifier {
  kind: IdentifierKind | 'alias';
  value: string;
}

export const identifierKey = (id: Identifier): string => `${id.kind}:${id.value}`;

export function normalizeEmail(raw: string): string | null {
  const email = raw.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(email) ? email : null;
}

/** Keeps a leading + and digits only, so "+1 (555) 010-0199" and "+15550100199" are one phone. */
export function normalizePhone(raw: string): string | null {
  const trimmed = raw.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length < 6) return null;
  return (trimmed.startsWith('+') ? '+' : '') + digits;
}

export function normalizeIdentifier(kind: IdentifierKind, raw: string): string | null {
  if (kind === 'email') return normalizeEmail(raw);
  if (kind === 'phone') return normalizePhone(raw);
  const value = raw.trim();
  return value === '' ? null : value;
}

const asId = (v: unknown): string | null =>
  typeof v === 'string' || typeof v === 'number' ? String(v) : null;

/** The traits a call carries: identify's own traits, and `context.traits` on any call. */
export function traitsOf(event: LoggedEvent): Record<string, unknown> {
  const context = asRecord(asRecord(event.payload).context);
  const own = event.type === 'identify' ? asRecord(event.payload.traits) : {};
  return { ...asRecord(context.traits), ...own };
}

/**
 * The identifiers a call links together, strongest first. Every user or anonymous id is also
 * looked up as an alias target, so `alias` works whichever order the calls arrive in.
 */
export function identifiersOf(event: LoggedEvent): { links: Identifier[]; lookups: Identifier[] } {
  const links: Identifier[] = [];
  const add = (kind: IdentifierKind | 'alias', raw: string | null) => {
    if (raw === null) return;
    const value = kind === 'alias' ? raw.trim() : normalizeIdentifier(kind, raw);
    if (value && !links.some((l) => l.kind === kind && l.value === value))
      links.push({ kind, value });
  };
  const traits = traitsOf(event);
  add('user_id', event.userId);
  add('customer_id', asId(traits.customer_id));
  add('email', asId(traits.email));
  add('phone', asId(traits.phone));
  add('anonymous_id', event.anonymousId);
  if (event.type === 'alias') add('alias', asId(event.payload.previousId));
  const lookups = [...links];
  for (const l of links) {
    if (l.kind === 'user_id' || l.kind === 'anonymous_id')
      lookups.push({ kind: 'alias', value: l.value });
    if (l.kind === 'alias') {
      lookups.push({ kind: 'user_id', value: l.value }, { kind: 'anonymous_id', value: l.value });
    }
  }
  return { links, lookups };
}

/**
 * What an erasure record keeps: a keyed one-way hash (HMAC with the instance secret), never the
 * identifier itself. Without the secret nobody can test whether an email was erased - so give
 * COMEBACK_SECRET from outside; a generated secret is stored in the same database.
 */
export function erasureHash(
  key: string,
  workspaceId: string,
  id: { kind: string; value: string },
): string {
  return createHmac('sha256', key)
    .update(`${workspaceId}\u0000${id.kind}\u0000${id.value}`)
    .digest('hex');
}

/** Kinds a profile holds at most one of: two different values mean two different people. */
export const STRONG_KINDS: ReadonlySet<string> = new Set(['user_id', 'customer_id']);

/** Whether two sets of identifier keys hold different values of a strong kind. */
export function conflicts(a: Set<string>, b: Set<string>): boolean {
  for (const kind of STRONG_KINDS) {
    const as = [...a].filter((k) => k.startsWith(`${kind}:`));
    const bs = [...b].filter((k) => k.startsWith(`${kind}:`));
    if (as.length && bs.length && !as.some((k) => bs.includes(k))) return true;
  }
  return false;
}
