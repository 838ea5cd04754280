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
