import { createHash, randomBytes } from 'node:crypto';
import type { WorkspaceMembership } from '@comeback/contracts';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import type { Account, UserStore } from './user-store.js';

/** A session ends after this long without a request... */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** ...and this long after sign-in at the latest. */
export const SESSION_MAX_MS = 7 * 24 * 60 * 60 * 1000;
/** How long a resolved session is trusted in-process (other processes see a logout this late). */
export const SESSION_CACHE_TTL_MS = 5000;
/** `last_seen_at` is written at most this often per session and process. */
const LAST_SEEN_WRITE_INTERVAL_MS = 60_000;
const CACHE_LIMIT = 10_000;

/** A signed-in user as a request sees them. */
export interface ActiveSession {
  user: Account;
  /** Oldest first: the first is where the dashboard acts unless it names another. */
  memberships: WorkspaceMembership[];
  /** Every unsafe request of this session echoes it in `X-CSRF-Token`. */
  csrfToken: string;
  /** When it ends unless used again: the earlier of the idle and the absolute end. */
  expiresAt: number;
}

interface Stored {
  session: ActiveSession;
  lastSeenAt: number;
  absoluteEnd: number;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Sessions of the dashboard. The cookie carries a random token; the database keeps only its
 * hash. Resolved sessions are cached briefly by hash (the dashboard makes a burst of requests
 * per screen) and `forget()` drops the cache when a logout or a role change must hold at once.
 * Stored times come from the injected clock; the cache's lifetime is operational (`now`).
 */
export class SessionStore {
  readonly #db: Db;
  readonly #users: UserStore;
  readonly #clock: Clock;
  readonly #now: () => number;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, { stored: Stored | null; until: number }>();
  /** Moves on every `forget`: a lookup that began before a logout is not cached. */
  #generation = 0;

  constructor(db: Db, users: UserStore, clock: Clock, opts: { now: () => number; ttlMs?: number }) {
    this.#db = db;
    this.#users = users;
    this.#clock = clock;
    this.#now = opts.now;
    this.#ttlMs = opts.ttlMs ?? SESSION_CACHE_TTL_MS;
  }

  /** Starts a session: the token is returned once (for the cookie) and never stored. */
  async create(userId: string): Promise<{ token: string; session: ActiveSession }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.#clock.now();
    // Ended sessions are removed as new ones begin (there are few: one per sign-in).
    await this.#db
      .deleteFrom('sessions')
      .where((eb) =>
        eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', now - SESSION_IDLE_MS)]),
      )
      .execute();
    await this.#db
      .insertInto('sessions')
      .values({
        token_hash: hashToken(token),
        user_id: userId,
        csrf_token: randomBytes(32).toString('base64url'),
        created_at: now,
        expires_at: now + SESSION_MAX_MS,
        last_seen_at: now,
      })
      .execute();
    const session = await this.resolve(token);
    if (!session) throw new Error(`session of ${userId} vanished as it was created`);
    return { token, session };
  }

  /** The live session the token opens, or null (unknown, signed out, idle or too old). */
  async resolve(token: string): Promise<ActiveSession | null> {
    const hash = hashToken(token);
    const stored = await this.#stored(hash);
    if (!stored) return null;
    const now = this.#clock.now();
    if (now >= stored.absoluteEnd || now - stored.lastSeenAt >= SESSION_IDLE_MS) {
      await this.#db.deleteFrom('sessions').where('token_hash', '=', hash).execute();
      this.forget();
      return null;
    }
    if (now - stored.lastSeenAt >= LAST_SEEN_WRITE_INTERVAL_MS) {
      await this.#db
        .updateTable('sessions')
        .set({ last_seen_at: now })
        .where('token_hash', '=', hash)
        .execute();
      stored.lastSeenAt = now;
      stored.session.expiresAt = Math.min(stored.absoluteEnd, now + SESSION_IDLE_MS);
    }
    return stored.session;
  }

  async #stored(hash: string): Promise<Stored | null> {
    const now = this.#now();
    const hit = this.#cache.get(hash);
    if (hit && hit.until > now) return hit.stored;
    const generation = this.#generation;
    const row = await this.#db
      .selectFrom('sessions')
      .select(['user_id', 'csrf_token', 'expires_at', 'last_seen_at'])
      .where('token_hash', '=', hash)
      .executeTakeFirst();
    const user = row ? await this.#users.account(row.user_id) : null;
    const stored =
      row && user
        ? {
            session: {
              user,
              memberships: await this.#users.memberships(user.id),
              csrfToken: row.csrf_token,
              expiresAt: Math.min(row.expires_at, row.last_seen_at + SESSION_IDLE_MS),
            },
            lastSeenAt: row.last_seen_at,
            absoluteEnd: row.expires_at,
          }
        : null;
    if (generation === this.#generation) {
      if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
      this.#cache.set(hash, { stored, until: now + this.#ttlMs });
    }
    return stored;
  }

  /** Signs out: the token opens nothing from now on (in this process at once). */
  async delete(token: string): Promise<void> {
    await this.#db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
    this.forget();
  }

  /** Ends every session of a user (a new password; removal from the instance). */
  async deleteForUser(userId: string): Promise<void> {
    await this.#db.deleteFrom('sessions').where('user_id', '=', userId).execute();
    this.forget();
  }

  /** Drops every cached answer: after a role, membership or profile change. */
  forget(): void {
    this.#generation++;
    this.#cache.clear();
  }
}
