import type { ConsentChannel, ConsentStatus } from '@comeback/contracts';
import type { Database, Db, Trx } from '../../platform/db/database.js';
import { inMainFileTransaction } from '../../platform/db/main-file-transaction.js';
import { isRecord, readJsonObject } from '../../platform/json.js';
import type { Logger } from '../../platform/logger.js';
import { moveConsentOfMergedProfiles } from './consent-merges.js';
import { lockConsentWrites } from './consent-records.js';
import { writeConsentChange } from './consent-service.js';
import { anyOf } from '../../platform/db/bulk-write.js';

/** The processor's cursor: only applied events have a profile to give consent to. */
const PROCESSOR_CURSOR = 'profiles';
const CURSOR_KEY = 'consent-follower-cursor';
/** Identifies per transaction: it holds the connection, so appends wait for it (~25 ms). */
const BATCH = 250;

/** Traits stores and storefronts use for consent, and the channel each speaks for. */
const TRAIT_CHANNELS: Readonly<Record<string, ConsentChannel>> = {
  email_consent: 'email',
  email_marketing_consent: 'email',
  accepts_marketing: 'email',
  sms_consent: 'sms',
  sms_marketing_consent: 'sms',
  accepts_sms_marketing: 'sms',
  whatsapp_consent: 'whatsapp',
  push_consent: 'push',
};
const SUBSCRIBED = new Set(['true', 'subscribed', 'yes', 'opted_in', 'granted']);
const UNSUBSCRIBED = new Set([
  'false',
  'unsubscribed',
  'no',
  'opted_out',
  'not_subscribed',
  'denied',
  'revoked',
]);

/** `true`, `"subscribed"`, `{ "state": "subscribed" }` (Shopify's shape) -> a status. */
export function consentStatusOf(value: unknown): ConsentStatus | null {
  const raw = isRecord(value) ? (value.state ?? value.status) : value;
  if (typeof raw !== 'boolean' && typeof raw !== 'string') return null;
  const word = String(raw).trim().toLowerCase();
  if (SUBSCRIBED.has(word)) return 'subscribed';
  if (UNSUBSCRIBED.has(word)) return 'unsubscribed';
  if (word === 'pending') return 'pending';
  return null;
}

interface ConsentFromEvent {
  channel: ConsentChannel;
  status: ConsentStatus;
  source: string;
  proof: { ip?: string; userAgent?: string; form?: string };
}

/**
 * What one identify call says about consent (its traits), or nothing. `payload` is the call as
 * stored (the type is the log row's: a `/v1/identify` body has no `type` field).
 */
export function consentOfEvent(payload: Record<string, unknown>): ConsentFromEvent[] {
  const context = readJsonObject(payload.context);
  const source = readJsonObject(context.source);
  // Messaging records its own consent changes as events: following them would loop.
  if (source.kind === 'messaging') return [];
  const traits = readJsonObject(payload.traits);
  const found: ConsentFromEvent[] = [];
  const kind = typeof source.kind === 'string' ? source.kind : 'tracking';
  const platform = typeof source.platform === 'string' ? `:${source.platform}` : '';
  for (const [trait, channel] of Object.entries(TRAIT_CHANNELS)) {
    if (!Object.hasOwn(traits, trait)) continue;
    const status = consentStatusOf(traits[trait]);
    if (status === null || found.some((f) => f.channel === channel)) continue;
    found.push({
      channel,
      status,
      source: `${kind}${platform}: ${trait}`,
      proof: {
        ...(typeof context.ip === 'string' ? { ip: context.ip.slice(0, 100) } : {}),
        ...(typeof context.userAgent === 'string'
          ? { userAgent: context.userAgent.slice(0, 1000) }
          : {}),
        form: `identify trait ${trait}`,
      },
    });
  }
  return found;
}

/**
 * Consent that arrives with the store's data: an `identify` from the storefront, an import or a
 * connector carrying `email_consent`, `accepts_marketing` (Shopify, WooCommerce) and the like.
 * Follows the event log behind the processor (so each event has its profile), applies a change
 * only when it changes the status and is not older than the status it would replace (a stale
 * store sync never undoes a newer unsubscribe), and keeps its own cursor: replaying after a
 * crash changes nothing twice.
 *
 * It also follows the processor's merges: the consent of a profile merged away moves to the
 * survivor, the more recent choice standing and an opt-out winning a tie (consent-merges.ts).
 */
export class ConsentFollower {
  readonly #database: Database;
  readonly #log: Logger;
  #running: Promise<number> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(database: Database, log: Logger) {
    this.#database = database;
    this.#log = log;
  }

  /**
   * Moves the consent of profiles merged since the last call, then applies every applied event
   * not yet followed; returns how many consents changed.
   */
  drain(): Promise<number> {
    this.#running ??= this.#drain().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #drain(): Promise<number> {
    const db = this.#database.db;
    let changed = await moveConsentOfMergedProfiles(this.#database);
    for (;;) {
      const after = await readCursor(db);
      const head = await db
        .selectFrom('processor_cursors')
        .select('position')
        .where('name', '=', PROCESSOR_CURSOR)
        .executeTakeFirst();
      const upTo = Number(head?.position ?? 0);
      if (upTo <= after) return changed;
      const rows = await db
        .selectFrom('events as e')
        .innerJoin('event_profiles as ep', 'ep.seq', 'e.seq')
        .select(['e.seq', 'e.workspace_id', 'e.timestamp', 'e.payload', 'ep.profile_id'])
        .where('e.seq', '>', after)
        .where('e.seq', '<=', upTo)
        .where('e.type', '=', 'identify')
        .orderBy('e.seq')
        .limit(BATCH)
        .execute();
      const next = rows.length === BATCH ? Number(rows[rows.length - 1]?.seq ?? upTo) : upTo;
      // Read outside the transaction, applied inside it with the cursor: one commit per batch
      // (one per change held the log's write lock thousands of times a second under a burst
      // of storefront identifies), and a batch is applied wholly or not at all.
      const found = rows.flatMap((row) => {
        const changes = consentOfStoredEvent(row.payload);
        return changes.length === 0 ? [] : [{ ...row, timestamp: Number(row.timestamp), changes }];
      });
      // Consent and its cursor live in the main file: on SQLite the batch takes no lock on the
      // derived file, so it never waits for the processor's batch.
      const applied = await inMainFileTransaction(this.#database, async (trx) => {
        await lockConsentWrites(trx, this.#database.dialect);
        // Another process took this batch meanwhile (PostgreSQL): read again.
        if ((await readCursor(trx, this.#database.dialect === 'postgres')) !== after) return 0;
        const n = await applyConsentOfEvents(trx, this.#database.dialect, found);
        await trx
          .insertInto('settings')
          .values({ key: CURSOR_KEY, value: String(next) })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(next) }))
          .execute();
        return n;
      });
      changed += applied;
    }
  }

  start(pollMs = 1000): void {
    const tick = () => {
      if (this.#stopped) return;
      this.drain()
        .catch((error: unknown) => this.#log.error({ err: error }, 'consent follower failed'))
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, pollMs);
        });
    };
    this.#timer = setTimeout(tick, pollMs);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }
}

/** The changes an identify's stored call carries; none for a row that is not a JSON object. */
function consentOfStoredEvent(payload: unknown): ConsentFromEvent[] {
  try {
    return consentOfEvent(readJsonObject(payload));
  } catch {
    return []; // the log holds only validated JSON; a broken row is no consent
  }
}

async function readCursor(db: Db | Trx, lock = false): Promise<number> {
  let q = db.selectFrom('settings').select('value').where('key', '=', CURSOR_KEY);
  if (lock) q = q.forUpdate();
  return Number((await q.executeTakeFirst())?.value ?? 0);
}

/**
 * A batch of identifies' consent, in log order, in the follower's transaction: a change is
 * applied only when it changes the status and is not older than the status it replaces (a
 * stale store sync never undoes a newer unsubscribe). The batch's merges and current records
 * are read with one statement each (the transaction holds the connection, which appends on the
 * same thread wait for); returns how many consents changed.
 */
async function applyConsentOfEvents(
  trx: Trx,
  dialect: Database['dialect'],
  rows: readonly {
    workspace_id: string;
    profile_id: string;
    timestamp: number;
    changes: ConsentFromEvent[];
  }[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const merged = await trx
    .selectFrom('profile_merges')
    .select(['workspace_id', 'from_profile_id', 'into_profile_id'])
    .where(anyOf(dialect, 'from_profile_id', [...new Set(rows.map((r) => r.profile_id))]))
    .execute();
  // A merge re-points earlier merges into the loser, so one row names the final survivor.
  const survivor = new Map(
    merged.map((m) => [`${m.workspace_id}|${m.from_profile_id}`, m.into_profile_id]),
  );
  const liveOf = (r: { workspace_id: string; profile_id: string }) =>
    survivor.get(`${r.workspace_id}|${r.profile_id}`) ?? r.profile_id;
  const current = new Map<string, { status: string; updatedAt: number }>();
  const stored = await trx
    .selectFrom('consents')
    .select(['workspace_id', 'profile_id', 'channel', 'status', 'updated_at'])
    .where(anyOf(dialect, 'profile_id', [...new Set(rows.map(liveOf))]))
    .execute();
  for (const c of stored)
    current.set(`${c.workspace_id}|${c.profile_id}|${c.channel}`, {
      status: c.status,
      updatedAt: Number(c.updated_at),
    });
  let changed = 0;
  for (const row of rows) {
    const live = liveOf(row);
    for (const change of row.changes) {
      const key = `${row.workspace_id}|${live}|${change.channel}`;
      const now = current.get(key);
      if (now?.status === change.status) continue;
      if (now !== undefined && now.updatedAt > row.timestamp) continue;
      // The identify that carried it is the timeline's record: no second event for it.
      await writeConsentChange(trx, row.workspace_id, live, change, row.timestamp);
      current.set(key, { status: change.status, updatedAt: row.timestamp });
      changed++;
    }
  }
  return changed;
}
