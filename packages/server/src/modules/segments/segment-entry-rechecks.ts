import type { SegmentCondition } from '@comeback/contracts';
import { entriesRead } from './segment-dependencies.js';

/** A membership change of one profile in one segment, as MembershipStore reports it. */
export type MembershipEvent = 'entered' | 'exited' | 'merged';

interface EntryReader {
  id: string;
  workspaceId: string;
  condition: SegmentCondition;
}

/** Rounds of re-checks one batch may take: each follows a "since entering" one level on. */
const MAX_ROUNDS = 20;

/**
 * "Since entering S" windows count items from the profile's stored entry into S, so S's
 * membership changing (an entry, an exit, a merge moving the entry) changes their answer with no
 * event of the kind they count. MembershipStore reports each change here; after the batch's own
 * evaluations LiveSegments drains them: the segments reading S's entries (also through segments
 * they reference) are re-checked for exactly those profiles, after S's change is written. A
 * re-check that changes a membership in turn is followed the same way; the checker refuses
 * cycles, so the rounds end.
 */
export class EntryRechecks {
  /** segment id -> profile id -> what happened (the first change of the batch names it). */
  #changed = new Map<string, Map<string, MembershipEvent>>();
  /** Which segments' entries each segment reads, for the definitions last drained with. */
  #reads: { of: ReadonlyMap<string, EntryReader>; reads: Map<string, Set<string>> } | null = null;

  note(segmentId: string, profileId: string, event: MembershipEvent): void {
    const profiles = this.#changed.get(segmentId) ?? new Map<string, MembershipEvent>();
    if (!profiles.has(profileId)) profiles.set(profileId, event);
    this.#changed.set(segmentId, profiles);
  }

  /** Forgets what a failed batch noted. */
  clear(): void {
    this.#changed = new Map();
  }

  /**
   * Re-checks, round by round, the segments that read the entries of a segment whose membership
   * changed, for the profiles it changed for.
   */
  async drain<S extends EntryReader>(
    byId: ReadonlyMap<string, S>,
    recheck: (
      segment: S,
      profileIds: string[],
      causeOf: (profileId: string) => string,
    ) => Promise<void>,
  ): Promise<void> {
    if (this.#changed.size === 0) return;
    const reads = this.#readsOf(byId);
    for (let round = 0; round < MAX_ROUNDS && this.#changed.size > 0; round++) {
      const changed = this.#changed;
      this.#changed = new Map();
      if (reads.size === 0) continue;
      for (const [readerId, read] of reads) {
        const reader = byId.get(readerId);
        if (!reader) continue;
        const causes = new Map<string, string>();
        for (const segmentId of read) {
          const source = byId.get(segmentId);
          if (source?.workspaceId !== reader.workspaceId) continue;
          for (const [profileId, event] of changed.get(segmentId) ?? []) {
            if (!causes.has(profileId)) causes.set(profileId, `segment ${segmentId} ${event}`);
          }
        }
        if (causes.size === 0) continue;
        await recheck(reader, [...causes.keys()], (id) => causes.get(id) ?? '');
      }
    }
    this.#changed = new Map();
  }

  /** Which segments' entries each segment reads (most read none), worked out once per set. */
  #readsOf(byId: ReadonlyMap<string, EntryReader>): Map<string, Set<string>> {
    if (this.#reads?.of === byId) return this.#reads.reads;
    const reads = new Map<string, Set<string>>();
    for (const s of byId.values()) {
      const lookup = (id: string) => {
        const target = byId.get(id);
        return target?.workspaceId === s.workspaceId ? target.condition : undefined;
      };
      const read = entriesRead(s.condition, lookup);
      if (read.size > 0) reads.set(s.id, read);
    }
    this.#reads = { of: byId, reads };
    return reads;
  }
}
