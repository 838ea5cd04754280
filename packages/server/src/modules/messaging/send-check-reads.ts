import type { ChannelKind, ConsentChannel } from '@comeback/contracts';
import type { Database } from '../../platform/db/database.js';
import { consentStanding } from './consent-merges.js';

/**
 * What the gate reads, as two lookups: the suppression of a normalised address, and the consent
 * record that stands for a profile on a consent channel (see consentStanding). By default each
 * is read from the database when asked; a journey pass, which plans as of one instant, answers
 * them from its batch's reads (the sender asks again at send time).
 */
export interface SendCheckReads {
  suppression(
    workspaceId: string,
    channel: ChannelKind,
    address: string,
  ): Promise<{ reason: string } | undefined>;
  standing(
    workspaceId: string,
    profileId: string,
    channel: ConsentChannel,
  ): Promise<{ status: string; updated_at: number } | undefined>;
}

/** The gate's reads from the database, each when asked. */
export function directSendCheckReads(database: Database): SendCheckReads {
  return {
    suppression: (workspaceId, channel, address) =>
      database.db
        .selectFrom('suppressions')
        .select('reason')
        .where('workspace_id', '=', workspaceId)
        .where('channel', '=', channel)
        .where('address', '=', address)
        .executeTakeFirst(),
    standing: (workspaceId, profileId, channel) =>
      consentStanding(database.db, workspaceId, profileId, channel),
  };
}
