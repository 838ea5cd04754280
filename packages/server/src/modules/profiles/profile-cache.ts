import type { ProfileState } from './profile-state.js';

/**
 * Profiles and identifier owners kept from one processor batch to the next (ADR 0016), so a
 * returning shopper costs no reads: without it every batch reloaded (and re-parsed) each
 * profile it touched. It is write-behind: a batch changes the cached objects in memory and
 * writes them in its own transaction; the caller must `clear()` it whenever a batch fails
 * (its objects may hold changes that never committed) and whenever anyone else may have
 * written the derived state (an erasure, a source removal, another processor) - see
 * `Processor`, which checks that before every batch.
 */
export class ProfileCache {
  /** Per workspace, `${kind}:${value}` -> profile id, or null: nobody holds it. */
  readonly #owners = new Map<string, Map<string, string | null>>();
  #ownerCount = 0;
  readonly #profiles = new Map<string, ProfileState>();
  /** Profiles merged away -> the profile they merged into (owners may still name them). */
  readonly #mergedInto = new Map<string, string>();
  readonly #maxProfiles: number;

  constructor(maxProfiles: number) {
    this.#maxProfiles = maxProfiles;
  }

  get size(): number {
    return this.#profiles.size;
  }

  clear(): void {
    this.#owners.clear();
    this.#ownerCount = 0;
    this.#profiles.clear();
    this.#mergedInto.clear();
  }

  /** The live profile id for `id`, following merges. */
  resolve(id: string): string {
    let cur = id;
    for (let next = this.#mergedInto.get(cur); next; next = this.#mergedInto.get(cur)) cur = next;
    return cur;
  }

  /** undefined: not known here (read it); null: known to belong to nobody. */
  owner(workspaceId: string, key: string): string | null | undefined {
    const owner = this.#owners.get(workspaceId)?.get(key);
    return typeof owner === 'string' ? this.resolve(owner) : owner;
  }

  profile(id: string): ProfileState | undefined {
    return this.#profiles.get(this.resolve(id));
  }

  /**
   * Takes in what a committed batch learnt: owners it read or changed (not those it found
   * here), the profiles it read or made, merges.
   */
  remember(batch: {
    workspaceId: string;
    owners: Iterable<[key: string, profileId: string | null]>;
    profiles: Iterable<ProfileState>;
    merged: Iterable<[from: string, into: string]>;
  }): void {
    // A simple bound: past it, start again (the working set refills within a few batches).
    if (this.#profiles.size > this.#maxProfiles || this.#ownerCount > 4 * this.#maxProfiles) {
      this.clear();
    }
    for (const [from, into] of batch.merged) {
      this.#mergedInto.set(from, into);
      this.#profiles.delete(from);
    }
    let owners = this.#owners.get(batch.workspaceId);
    if (!owners) this.#owners.set(batch.workspaceId, (owners = new Map()));
    for (const [key, owner] of batch.owners) {
      const size = owners.size;
      owners.set(key, owner);
      this.#ownerCount += owners.size - size;
    }
    for (const p of batch.profiles) this.#profiles.set(p.id, p);
  }
}
