/** In `TouchedProfile.calls`: one of the batch's calls for the profile carried traits. */
export const CARRIED_TRAITS = 'carried traits';
/** What a batch did to one profile, for those who react to it (segments, journeys). */
export interface TouchedProfile {
  /**
   * `track:<event name>` per track call, the type of every other call (`identify`...), and
   * CARRIED_TRAITS when a call set traits (an identify's, or a track's `context.traits`).
   */
  calls: Set<string>;
  /** The batch's last call for this profile: what a segment entry names as its cause. */
  lastMessageId: string;
  /**
   * The batch created this profile (or one merged into it): every condition is new to it,
   * whatever its calls (`traits.plan not_exists`, "never purchased" hold from the start).
   */
  created: boolean;
}
/** A batch's changes in one workspace, after merges (ids are the surviving profiles). */
export interface WorkspaceChanges {
  workspaceId: string;
  touched: Map<string, TouchedProfile>;
  /** Profiles merged away in this batch, with the profile each now lives on in. */
  merges: { from: string; into: string }[];
}
