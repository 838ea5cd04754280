import { z } from 'zod';
import { storableText } from '@comeback/contracts';
import type { Database } from '../../platform/db/database.js';
import { readJsonObject } from '../../platform/json.js';

/**
 * Who a workspace's messages come from, as templates and footers show it: the store's name,
 * its postal address (anti-spam laws such as CAN-SPAM require one in marketing email) and its
 * website. Kept in `settings` under `messaging:<workspace>`.
 */
export const senderSettingsSchema = z.strictObject({
  storeName: storableText().min(1).max(200).optional(),
  address: storableText().max(500).optional(),
  url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
});
export type SenderSettingsInput = z.infer<typeof senderSettingsSchema>;

export interface SenderSettingsView {
  storeName: string;
  address: string | null;
  url: string | null;
}

const keyOf = (workspaceId: string) => `messaging:${workspaceId}`;

export class SenderSettings {
  readonly #database: Database;
  constructor(database: Database) {
    this.#database = database;
  }

  /** The workspace's settings; the store name defaults to the workspace's name. */
  async get(workspaceId: string): Promise<SenderSettingsView> {
    const db = this.#database.db;
    const [row, workspace] = await Promise.all([
      db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', keyOf(workspaceId))
        .executeTakeFirst(),
      db.selectFrom('workspaces').select('name').where('id', '=', workspaceId).executeTakeFirst(),
    ]);
    const saved = senderSettingsSchema.safeParse(readJsonObject(row?.value ?? null));
    const s = saved.success ? saved.data : {};
    return {
      storeName: s.storeName ?? workspace?.name ?? 'our store',
      address: s.address ?? null,
      url: s.url ?? null,
    };
  }

  /** Replaces the settings (a field left out goes back to its default). */
  async set(workspaceId: string, input: SenderSettingsInput): Promise<SenderSettingsView> {
    const value = JSON.stringify(input);
    await this.#database.db
      .insertInto('settings')
      .values({ key: keyOf(workspaceId), value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
    return this.get(workspaceId);
  }
}
