import type { Db } from '../../platform/db/database.js';
import { hashKey, type Principal } from './api-keys.js';

/** How long a looked-up key (or its absence) is trusted: a revocation made by another process
 * takes effect within this time; in this process, at once (`forget`). */
export const KEY_CACHE_TTL_MS = 5000;
/** `last_used_at` is written at most this often per key and process. */
export const KEY_USE_WRITE_INTERVAL_MS = 60_000;

const CACHE_LIMIT = 10_000;

/**
 * Resolves a presented key to its workspace and scope. Cached by hash: tracking calls arrive
 * thousands of times a second, and an unauthenticated flood must cost a map lookup, not a
 * query, per request. Also notes when each key was last used, without a write per request.
 */
export class KeyResolver {
  readonly #db: Db;
  readonly #cache = new Map<string, { principal: Principal | null; until: number }>();
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #stampNow: () => number;
  readonly #onError: (error: unknown) => void;
  /** Per key: when (operational time) its last use was queued for writing. */
  readonly #lastNoted = new Map<string, number>();
  /** Uses waiting to be written: key id -> time to record. */
  #pendingUse = new Map<string, number>();
  #writing: Promise<void> | undefined;
  #closed = false;
  /** Moves on every `forget`: a lookup that began before a revocation is not cached. */
  #generation = 0;

  /**
   * `now` keeps the cache's and the throttle's operational time (the wall clock); `stampNow`
   * is the time recorded as last use (the injected clock).
   */
  constructor(
    db: Db,
    now: () => number,
    opts: { ttlMs?: number; stampNow?: () => number; onError?: (error: unknown) => void } = {},
  ) {
    this.#db = db;
    this.#now = now;
    this.#ttlMs = opts.ttlMs ?? KEY_CACHE_TTL_MS;
    this.#stampNow = opts.stampNow ?? now;
    this.#onError = opts.onError ?? (() => undefined);
  }

  async resolve(key: string): Promise<Principal | null> {
    const hash = hashKey(key);
    const now = this.#now();
    const hit = this.#cache.get(hash);
    let principal: Principal | null;
    if (hit && hit.until > now) principal = hit.principal;
    else {
      const generation = this.#generation;
      const row = await this.#db
        .selectFrom('api_keys')
        .select(['id', 'workspace_id', 'scope'])
        .where('key_hash', '=', hash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      principal = row ? { workspaceId: row.workspace_id, scope: row.scope, keyId: row.id } : null;
      if (generation === this.#generation) {
        if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
        this.#cache.set(hash, { principal, until: now + this.#ttlMs });
      }
    }
    if (principal) this.#noteUse(principal.keyId, now);
    return principal;
  }

  /** Drops every cached answer: call after revoking, so the revocation holds at once. */
  forget(): void {
    this.#generation++;
    this.#cache.clear();
  }

  #noteUse(keyId: string, now: number): void {
    const last = this.#lastNoted.get(keyId);
    if (this.#closed || (last !== undefined && now - last < KEY_USE_WRITE_INTERVAL_MS)) return;
    this.#lastNoted.set(keyId, now);
    this.#pendingUse.set(keyId, this.#stampNow());
    // Written after the request has moved on, never awaited by it.
    this.#writing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
      this.#writeUses(),
    );
  }

  async #writeUses(): Promise<void> {
    try {
      while (this.#pendingUse.size) {
        const uses = this.#pendingUse;
        this.#pendingUse = new Map();
        for (const [id, at] of uses) {
          await this.#db
            .updateTable('api_keys')
            .set({ last_used_at: at })
            .where('id', '=', id)
            .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
            .execute();
        }
      }
    } catch (error) {
      // A lost "last used" stamp is harmless; the next use (a minute later) writes it again.
      this.#onError(error);
      this.#pendingUse.clear();
    } finally {
      this.#writing = undefined;
    }
  }

  /** Resolves once every noted use is written (tests; shutdown). */
  async flushUses(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  /** Writes what is noted and stops noting (before the database closes). */
  async close(): Promise<void> {
    await this.flushUses();
    this.#closed = true;
  }
}
