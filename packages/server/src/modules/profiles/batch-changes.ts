/** What a batch did to one profile, for those who react to it (segments, journeys). */
export interface TouchedProfile {
  /** `track:<event name>` per track call, and the type of every other call (`identify`...). */
  calls: Set<string>;
  /** The batch's last call for this profile: what a segment entry names as its cause. */
  lastMessageId: string;
}
/** A batch's changes in one workspace, after merges (ids are the surviving profiles). */
export interface WorkspaceChanges {
  workspaceId: string;
  touched: Map<string, TouchedProfile>;
  /** Profiles merged away in this batch, with the profile each now lives on in. */
  merges: { from: string; into: string }[];
}
