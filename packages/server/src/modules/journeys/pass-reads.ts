import { budgetChannels, type ChannelKind, type ConsentChannel } from '@comeback/contracts';
import type { Database } from '../../platform/db/database.js';
import { oneOf } from '../../platform/json.js';
import { scoped, scopedMany } from '../../platform/read-scope.js';
import type { ConsentService } from '../messaging/index.js';
import { budgetLimitsOf, countedSendRows, countedSendTimes } from './budget-guard.js';
import type { JourneySettingsStore } from './journey-settings.js';

/*
 * What a pass's send steps ask per enrollment - consent, suppression, the budget's history -
 * read for its whole batch at once into the pass's read scope (platform/read-scope.ts), as the
 * profiles are. The pass plans as of one instant: an answer read at its start is the answer it
 * means, and the sender asks consent and suppression again when it sends. Nothing outlives the
 * pass. Outside a read scope every lookup reads the database.
 */

const CONSENT_SCOPE = 'journey-consent-standing';
const SUPPRESSIONS_SCOPE = 'journey-suppressions';
const BUDGET_SCOPE = 'journey-budget-history';
/** A suppression list up to this long is read whole once per pass; a longer one per address. */
const MAX_SUPPRESSION_LIST = 1000;

/** The consent gate's lookups for a pass (see ConsentService.mayReceive). */
export function passConsentReads(consent: ConsentService) {
  const load = (workspaceId: string) => (missing: string[]) =>
    consent.standings(workspaceId, missing);
  return {
    /** The standing consent of a batch's profiles, on every channel. */
    async prefetch(workspaceId: string, profileIds: readonly string[]): Promise<void> {
      await scopedMany(`${CONSENT_SCOPE}:${workspaceId}`, profileIds, load(workspaceId));
    },
    reads: {
      async standing(workspaceId: string, profileId: string, channel: ConsentChannel) {
        const found = await scopedMany(
          `${CONSENT_SCOPE}:${workspaceId}`,
          [profileId],
          load(workspaceId),
        );
        return found.get(profileId)?.get(channel);
      },
      async suppression(workspaceId: string, channel: ChannelKind, address: string) {
        const list = await scoped(`${SUPPRESSIONS_SCOPE}:${workspaceId}:${channel}`, () =>
          consent.suppressionList(workspaceId, channel, MAX_SUPPRESSION_LIST),
        );
        if (list === null) return consent.directReads.suppression(workspaceId, channel, address);
        const reason = list.get(address);
        return reason === undefined ? undefined : { reason };
      },
    },
  };
}

/** The budget's history for a pass (see countedSendTimes). */
export function passBudgetReads(database: Database, settings: JourneySettingsStore) {
  const db = database.db;
  const load = (workspaceId: string, since: number) => (missing: string[]) =>
    countedSendRows(db, workspaceId, missing, since);
  return {
    /**
     * The batch's profiles' counted messages on every channel since the longest window of the
     * workspace's budget before `now`: every send step of the pass asks for a later instant.
     */
    async prefetch(workspaceId: string, profileIds: readonly string[], now: number) {
      const budget = await settings.get(workspaceId);
      const windows = budgetChannels.flatMap((c) =>
        budgetLimitsOf(budget, c).map((l) => l.withinMs),
      );
      if (windows.length === 0) return;
      const since = now - Math.max(...windows);
      await scopedMany(`${BUDGET_SCOPE}:${workspaceId}`, profileIds, load(workspaceId, since));
    },
    async history(workspaceId: string, profileId: string, channel: ChannelKind, since: number) {
      const found = await scopedMany(
        `${BUDGET_SCOPE}:${workspaceId}`,
        [profileId],
        load(workspaceId, since),
      );
      const read = found.get(profileId);
      // Read from a later instant than asked (another `now`), or not a budget channel: ask.
      if (read === undefined || read.since > since || !oneOf(budgetChannels, channel))
        return countedSendTimes(db, workspaceId, profileId, channel, since);
      return read.rows
        .filter(
          (r) =>
            r.channel === channel && ((r.sentAt !== null && r.sentAt >= since) || r.next >= since),
        )
        .map((r) => r.sentAt ?? r.next);
    },
  };
}
