import type { ChannelKind } from '@comeback/contracts';
import type { Database } from '../../platform/db/database.js';

/** WhatsApp's customer-service window: free-form messages are allowed this long after theirs. */
export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;
const MAX_ADDRESS = 32;

/**
 * The form addresses are kept in: `+` and the digits (WhatsApp's `wa_id` has no `+`, the
 * outbox's E.164 numbers do); the same form ConsentService compares phones in. Empty when there
 * are no digits.
 */
export function phoneAddress(raw: string): string {
  const digits = raw.slice(0, MAX_ADDRESS * 2).replace(/\D/g, '');
  return digits === '' ? '' : `+${digits.slice(0, MAX_ADDRESS)}`;
}

/**
 * When each person last wrote to us on a channel. WhatsApp allows free-form messages only
 * within 24 hours of the person's last message; outside it, only approved templates.
 */
export class ConversationWindows {
  readonly #database: Database;
  constructor(database: Database) {
    this.#database = database;
  }

  /**
   * Records a message from `address` at `at` (epoch ms). Forward-only: a late or repeated
   * webhook carrying an older message never moves the window back.
   */
  async recordInbound(
    workspaceId: string,
    channel: ChannelKind,
    address: string,
    at: number,
  ): Promise<void> {
    const normalised = phoneAddress(address);
    if (normalised === '') throw new Error('a conversation window needs a phone address');
    if (!Number.isSafeInteger(at) || at < 0) throw new Error('a conversation window needs a time');
    await this.#database.db
      .insertInto('conversation_windows')
      .values({ workspace_id: workspaceId, channel, address: normalised, last_inbound_at: at })
      .onConflict((oc) =>
        oc
          .columns(['workspace_id', 'channel', 'address'])
          .doUpdateSet({ last_inbound_at: at })
          .where('conversation_windows.last_inbound_at', '<', at),
      )
      .execute();
  }

  /** When `address` last wrote to us on `channel` (epoch ms), or null if never. */
  async lastInbound(
    workspaceId: string,
    channel: ChannelKind,
    address: string,
  ): Promise<number | null> {
    const normalised = phoneAddress(address);
    if (normalised === '') return null;
    const row = await this.#database.db
      .selectFrom('conversation_windows')
      .select('last_inbound_at')
      .where('workspace_id', '=', workspaceId)
      .where('channel', '=', channel)
      .where('address', '=', normalised)
      .executeTakeFirst();
    return row === undefined ? null : Number(row.last_inbound_at);
  }

  /** True while less than 24 hours have passed since the person's last message. */
  async isOpen(
    workspaceId: string,
    channel: ChannelKind,
    address: string,
    now: number,
  ): Promise<boolean> {
    const last = await this.lastInbound(workspaceId, channel, address);
    return last !== null && now - last < CUSTOMER_SERVICE_WINDOW_MS;
  }
}
