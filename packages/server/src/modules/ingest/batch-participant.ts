import type { Trx } from '../../platform/db/database.js';
import type { WorkspaceChanges } from '../profiles/index.js';

/**
 * What else a batch does in its transaction once its profile changes are written: segment
 * membership (and later journey triggers). Called for every batch, and with no changes when
 * there were no events (so a new segment definition is taken in while the log is quiet).
 */
export interface BatchParticipant {
  /**
   * `slots`: on PostgreSQL, the processor slots the batch holds (ADR 0027): work not announced
   * by the batch's events (timers, consent changes, new definitions) is done for those slots'
   * workspaces only. Undefined: every workspace (SQLite's one cursor).
   */
  afterApply(
    trx: Trx,
    changes: readonly WorkspaceChanges[],
    now: number,
    slots?: readonly number[],
  ): Promise<void>;
  /** The batch failed: drop anything kept from its transaction. */
  reset(): void;
}
