/** Journey tables (migration 021; in the main file on SQLite: what a marketer saved). */

/** A journey: its draft definition (JSON) and which frozen version runs, if any. */
export interface JourneyTable {
  id: string;
  workspace_id: string;
  /** The draft's name, kept in a column so it can be unique per workspace. */
  name: string;
  status: 'draft' | 'active' | 'paused' | 'archived';
  draft: unknown;
  active_version: number | null;
  created_at: number;
  updated_at: number;
}
/** A definition as it was activated: enrollments run on the version they entered. */
export interface JourneyVersionTable {
  journey_id: string;
  version: number;
  definition: unknown;
  activated_at: number;
}

/** One profile's passage through one journey version (migration 022). */
export interface JourneyEnrollmentTable {
  id: string;
  workspace_id: string;
  journey_id: string;
  version: number;
  profile_id: string;
  /** What let the profile in (`event:<messageId>`, `segment:<seq>`...): unique per journey. */
  entry_key: string;
  /** The log position of the event that triggered the entry (null for other triggers). */
  entry_seq: number | null;
  status: 'active' | 'completed' | 'converted' | 'exited';
  node: string | null;
  /** Steps executed so far: the number of the next journey_steps row. */
  visit: number;
  context: unknown;
  due_at: number | null;
  lease_until: number | null;
  /** The wait (or delayed send) under way at `armed_node`, and since when. */
  armed_node: string | null;
  armed_since: number | null;
  waiting_event: string | null;
  /** Bumped each time a matching event is seen for it: the runner's guard. */
  signal_seq: number;
  signal: unknown;
  holdout: number;
  entered_at: number;
  updated_at: number;
  ended_at: number | null;
  end_reason: string | null;
  last_message_id: string | null;
  last_message_at: number | null;
  converted_at: number | null;
  revenue: number | null;
}
/** One executed step of one enrollment. */
export interface JourneyStepTable {
  enrollment_id: string;
  visit: number;
  workspace_id: string;
  journey_id: string;
  node: string;
  step_type: string;
  outcome: string;
  next_node: string | null;
  reason: string | null;
  message_id: string | null;
  at: number;
  detail: unknown;
}
