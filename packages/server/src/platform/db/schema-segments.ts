import type { Generated } from 'kysely';

/** Tables of live segment membership (migration 017; in the derived file on SQLite). */

/** That a profile is in a segment now, since when and why. */
export interface SegmentMembershipTable {
  workspace_id: string;
  segment_id: string;
  profile_id: string;
  entered_at: number;
  cause: string;
}
/** Every entry and exit, in order: the stream journeys start from, and the segment's history. */
export interface SegmentChangeTable {
  seq: Generated<number>;
  workspace_id: string;
  segment_id: string;
  profile_id: string;
  kind: 'entered' | 'exited';
  at: number;
  cause: string;
}
/** Per profile, the earliest instant a segment's answer can change with time alone. */
export interface SegmentProfileTimerTable {
  profile_id: string;
  workspace_id: string;
  due_at: number;
}
/** Which version of each segment's definition its stored membership reflects. */
export interface SegmentStateTable {
  segment_id: string;
  workspace_id: string;
  version: number;
  evaluated_at: number;
}
/**
 * How far the processor has re-checked stock crossings (migration 033; one row): the crossing
 * being worked off and the log range of its viewers still to read.
 */
export interface SegmentStockProgressTable {
  name: string;
  crossing_seq: number;
  after_event_seq: number;
  end_event_seq: number;
}
/** A profile changed outside the log, whose segments the processor is asked to re-check. */
export interface SegmentRecheckRequestTable {
  seq: Generated<number>;
  workspace_id: string;
  profile_id: string;
  cause: string;
}
