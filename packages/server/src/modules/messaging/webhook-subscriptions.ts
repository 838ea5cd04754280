import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Database, Db, Trx } from '../../platform/db/database.js';
import type {
  OutgoingDeliveryTable,
  WebhookSubscriptionTable,
} from '../../platform/db/schema-messaging.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { readJsonObject, readStringArray } from '../../platform/json.js';
import type { SecretBox } from '../../platform/secret-box.js';
import { olderThan, pageCursor, pageOf } from '../../platform/page-cursor.js';

/** What a subscription looks like to its owner (the secret is shown once, at creation). */
export interface WebhookSubscriptionView {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  createdAt: string;
  /** Set when disabled by hand or because the subscriber answered 410 Gone. */
  disabledAt: string | null;
}

export interface NewWebhookSubscription {
  url: string;
  eventTypes: string[];
  description?: string;
}

/** The types a subscription may name besides track event names (and `*`, everything). */
export const SEGMENT_ENTERED = 'Segment Entered';
export const SEGMENT_EXITED = 'Segment Exited';
export const ALL_EVENTS = '*';

export const MAX_SUBSCRIPTIONS_PER_WORKSPACE = 50;
export const MAX_EVENT_TYPES = 50;
const MAX_EVENT_TYPE_LENGTH = 200;
const MAX_URL_LENGTH = 2000;
const MAX_DESCRIPTION_LENGTH = 500;

/** The dispatcher's positions in the event log and in segment_changes (settings keys). */
export const EVENTS_CURSOR = 'webhook-cursor:events';
export const SEGMENTS_CURSOR = 'webhook-cursor:segments';
/** The processor's cursor: events up to it have their profile (event_profiles). */
export const PROCESSOR_CURSOR = 'profiles';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'cancelled';

/** One line of a subscription's delivery log. */
export interface DeliveryView {
  id: string;
  subscriptionId: string | null;
  eventType: string;
  url: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  payload: Record<string, unknown>;
}

type SubscriptionRow = Selectable<WebhookSubscriptionTable>;
type DeliveryRow = Selectable<OutgoingDeliveryTable>;

const iso = (t: number) => new Date(Number(t)).toISOString();
const newSubscriptionId = () => `whs_${randomBytes(12).toString('hex')}`;
const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;
/** Control characters (and lone surrogates) have no place in an event name or description. */
const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
  /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;

export function subscriptionView(r: SubscriptionRow): WebhookSubscriptionView {
  return {
    id: r.id,
    url: r.url,
    description: r.description,
    eventTypes: readStringArray(r.event_types),
    createdAt: iso(r.created_at),
    disabledAt: r.disabled_at === null ? null : iso(r.disabled_at),
  };
}

/** Whether a subscription for `types` wants an event of `type`. */
export const wants = (types: readonly string[], type: string) =>
  types.includes(ALL_EVENTS) || types.includes(type);

/**
 * Starts the dispatcher's cursors at the current heads when they do not exist yet, so the
 * first subscription receives what happens from now on, not the whole history. Idempotent and
 * race-safe (insert or nothing).
 */
export async function ensureWebhookCursors(db: Trx | Db): Promise<void> {
  const processor = await db
    .selectFrom('processor_cursors')
    .select('position')
    .where('name', '=', PROCESSOR_CURSOR)
    .executeTakeFirst();
  const segments = await db
    .selectFrom('segment_changes')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  for (const [key, value] of [
    [EVENTS_CURSOR, Number(processor?.position ?? 0)],
    [SEGMENTS_CURSOR, Number(segments?.seq ?? 0)],
  ] as const) {
    await db
      .insertInto('settings')
      .values({ key, value: String(value) })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
  }
}

function checkUrl(url: unknown): string | null {
  if (typeof url !== 'string' || url.length === 0 || url.length > MAX_URL_LENGTH) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  // http is allowed (an n8n on the shop's own network), https is what the guide recommends.
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  // Credentials in a URL end up in logs and delivery records: refused.
  if (parsed.username !== '' || parsed.password !== '' || parsed.hostname === '') return null;
  return parsed.toString();
}

function checkEventTypes(value: unknown): string[] | string {
  if (!Array.isArray(value)) return 'must be a list of event types';
  if (value.length === 0 || value.length > MAX_EVENT_TYPES)
    return `must name 1 to ${MAX_EVENT_TYPES} event types`;
  const out: string[] = [];
  for (const t of value as unknown[]) {
    if (typeof t !== 'string') return 'each event type must be a string';
    const name = t.trim();
    if (name.length === 0 || name.length > MAX_EVENT_TYPE_LENGTH || UNPRINTABLE.test(name))
      return `each event type must be 1 to ${MAX_EVENT_TYPE_LENGTH} printable characters`;
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

/**
 * Zapier/Make/n8n-style subscriptions: every event of the listed types (track event names,
 * `identify`, `Segment Entered`, `Segment Exited`, or `*`) is POSTed to `url`, signed with
 * the subscription's own secret (see webhook-signing.ts). The secret is stored sealed and
 * shown once, when the subscription is created.
 */
export class WebhookSubscriptions {
  readonly #database: Database;
  readonly #box: SecretBox;
  constructor(database: Database, secretBox: SecretBox) {
    this.#database = database;
    this.#box = secretBox;
  }

  async create(
    workspaceId: string,
    input: NewWebhookSubscription,
    now: number,
  ): Promise<Result<WebhookSubscriptionView & { secret: string }>> {
    const url = checkUrl(input.url);
    if (url === null)
      return fail('validation_failed', 'url: must be an http(s) URL without credentials', [
        { field: 'url', message: 'must be an http(s) URL without credentials' },
      ]);
    const eventTypes = checkEventTypes(input.eventTypes);
    if (typeof eventTypes === 'string')
      return fail('validation_failed', `eventTypes: ${eventTypes}`, [
        { field: 'eventTypes', message: eventTypes },
      ]);
    const description = input.description?.trim() ?? '';
    if (description.length > MAX_DESCRIPTION_LENGTH || UNPRINTABLE.test(description))
      return fail('validation_failed', 'description: at most 500 printable characters', [
        { field: 'description', message: `at most ${MAX_DESCRIPTION_LENGTH} printable characters` },
      ]);
    const secret = newSecret();
    const row: SubscriptionRow = {
      id: newSubscriptionId(),
      workspace_id: workspaceId,
      url,
      description: description === '' ? null : description,
      event_types: JSON.stringify(eventTypes),
      secret: this.#box.seal(secret),
      created_at: now,
      disabled_at: null,
    };
    const created = await this.#database.db.transaction().execute(async (trx) => {
      const count = await trx
        .selectFrom('webhook_subscriptions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      if (Number(count?.n ?? 0) >= MAX_SUBSCRIPTIONS_PER_WORKSPACE) return false;
      await ensureWebhookCursors(trx);
      await trx.insertInto('webhook_subscriptions').values(row).execute();
      return true;
    });
    if (!created)
      return fail(
        'conflict',
        `a workspace has at most ${MAX_SUBSCRIPTIONS_PER_WORKSPACE} webhook subscriptions; remove one first`,
      );
    return ok({ ...subscriptionView(row), secret });
  }

  async list(workspaceId: string): Promise<WebhookSubscriptionView[]> {
    const rows = await this.#database.db
      .selectFrom('webhook_subscriptions')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(subscriptionView);
  }

  async get(workspaceId: string, id: string): Promise<WebhookSubscriptionView | null> {
    const row = await this.#database.db
      .selectFrom('webhook_subscriptions')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? subscriptionView(row) : null;
  }

  /**
   * Stops deliveries: nothing new is collected for it and what is still pending is cancelled.
   * False when there is no such subscription; disabling twice keeps the first instant.
   */
  async disable(workspaceId: string, id: string, now: number): Promise<boolean> {
    return this.#database.db.transaction().execute((trx) => disableIn(trx, workspaceId, id, now));
  }

  /** Deletes the subscription and its delivery log. */
  async remove(workspaceId: string, id: string): Promise<boolean> {
    const r = await this.#database.db
      .deleteFrom('webhook_subscriptions')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

/** Marks a subscription disabled and cancels its pending deliveries, inside `trx`. */
export async function disableIn(
  trx: Trx,
  workspaceId: string,
  id: string,
  now: number,
): Promise<boolean> {
  const row = await trx
    .selectFrom('webhook_subscriptions')
    .select('disabled_at')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return false;
  if (row.disabled_at === null)
    await trx
      .updateTable('webhook_subscriptions')
      .set({ disabled_at: now })
      .where('id', '=', id)
      .execute();
  await trx
    .updateTable('outgoing_deliveries')
    .set({ status: 'cancelled', updated_at: now, locked_by: null, locked_until: null })
    .where('subscription_id', '=', id)
    .where('status', '=', 'pending')
    .execute();
  return true;
}

/**
 * The secret the webhook CHANNEL signs with, one per workspace: created on first use (of two
 * processes creating it at once, the first insert wins and both read it back), sealed at rest
 * in `settings` under `webhook-secret:<workspaceId>`.
 */
export class WebhookSecrets {
  readonly #database: Database;
  readonly #box: SecretBox;
  readonly #known = new Map<string, string>();
  constructor(database: Database, secretBox: SecretBox) {
    this.#database = database;
    this.#box = secretBox;
  }

  async secretFor(workspaceId: string): Promise<string> {
    const known = this.#known.get(workspaceId);
    if (known !== undefined) return known;
    const key = `webhook-secret:${workspaceId}`;
    const db = this.#database.db;
    await db
      .insertInto('settings')
      .values({ key, value: this.#box.seal(newSecret()) })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const row = await db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    const secret = this.#box.open(row.value);
    this.#known.set(workspaceId, secret);
    return secret;
  }
}

const deliveryCursor = pageCursor(/^whd_[0-9a-f]{24}$/);

const narrowStatus = (s: string): DeliveryStatus => {
  if (s === 'pending' || s === 'delivered' || s === 'failed' || s === 'cancelled') return s;
  throw new Error(`delivery has an unknown status ${s}`);
};

function deliveryView(r: DeliveryRow): DeliveryView {
  const status = narrowStatus(r.status);
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    eventType: r.event_type,
    url: r.url,
    status,
    attempts: Number(r.attempts),
    nextAttemptAt: status === 'pending' ? iso(r.next_attempt_at) : null,
    lastStatusCode: r.last_status_code === null ? null : Number(r.last_status_code),
    lastError: r.last_error,
    createdAt: iso(r.created_at),
    deliveredAt: r.delivered_at === null ? null : iso(r.delivered_at),
    payload: readJsonObject(r.payload),
  };
}

/** A subscription's delivery log, newest first; null when there is no such subscription. */
export async function readDeliveryLog(
  database: Database,
  workspaceId: string,
  subscriptionId: string,
  page: { limit: number; cursor?: string },
): Promise<Result<{ data: DeliveryView[]; nextCursor: string | null } | null>> {
  const after = page.cursor === undefined ? undefined : deliveryCursor.decode(page.cursor);
  if (after === null)
    return fail('validation_failed', 'cursor: must be the nextCursor of a previous page', [
      { field: 'querystring.cursor', message: 'must be the nextCursor of a previous page' },
    ]);
  const db = database.db;
  const exists = await db
    .selectFrom('webhook_subscriptions')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', subscriptionId)
    .executeTakeFirst();
  if (!exists) return ok(null);
  const limit = Math.max(1, Math.min(500, Math.floor(page.limit)));
  let q = db
    .selectFrom('outgoing_deliveries')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('subscription_id', '=', subscriptionId);
  if (after) q = q.where(olderThan(after));
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const { shown, nextCursor } = pageOf(rows, limit, deliveryCursor);
  return ok({
    data: shown.map(deliveryView),
    nextCursor,
  });
}
