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

/**
 * Per surviving profile, what the batch's calls did to it: `assignments` (event seq -> the
 * profile it was assigned to, maybe merged away since), `calls` (seq -> the call's name, its
 * message id and whether it carried traits), `created` (profiles the batch made).
 */
export function touchedProfiles(
  assignments: readonly (readonly [number, string, ...unknown[]])[],
  calls: ReadonlyMap<number, { call: string; messageId: string; traits: boolean }>,
  created: ReadonlySet<string>,
  resolve: (profileId: string) => string,
): Map<string, TouchedProfile> {
  const touched = new Map<string, TouchedProfile>();
  for (const [seq, pid] of assignments) {
    const call = calls.get(seq);
    if (!call) continue;
    const id = resolve(pid);
    const entry = touched.get(id);
    const names = entry?.calls ?? new Set<string>();
    names.add(call.call);
    if (call.traits) names.add(CARRIED_TRAITS);
    if (entry) entry.lastMessageId = call.messageId;
    else touched.set(id, { calls: names, lastMessageId: call.messageId, created: false });
  }
  for (const id of created) {
    const entry = touched.get(resolve(id));
    if (entry) entry.created = true;
  }
  return touched;
}
