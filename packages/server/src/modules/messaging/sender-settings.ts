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

/**
 * Every message reads them while it is composed: kept this long (wall clock) so a busy send
 * reads them once per workspace, while a change made by another process shows within seconds.
 * This process's own changes show at once.
 */
const CACHE_MS = 5_000;

export class SenderSettings {
  readonly #database: Database;
  readonly #wallNow: (() => number) | undefined;
  readonly #cache = new Map<string, { value: SenderSettingsView; until: number }>();
  /** Without `wallNow` nothing is kept (one-off commands). */
  constructor(database: Database, wallNow?: () => number) {
    this.#database = database;
    this.#wallNow = wallNow;
  }

  /** The workspace's settings; the store name defaults to the workspace's name. */
  async get(workspaceId: string): Promise<SenderSettingsView> {
    const cached = this.#cache.get(workspaceId);
    if (cached !== undefined && this.#wallNow !== undefined && cached.until > this.#wallNow())
      return cached.value;
    const value = await this.#read(workspaceId);
    if (this.#wallNow !== undefined) {
      if (this.#cache.size >= 1_000) this.#cache.clear();
      this.#cache.set(workspaceId, { value, until: this.#wallNow() + CACHE_MS });
    }
    return value;
  }

  async #read(workspaceId: string): Promise<SenderSettingsView> {
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
    this.#cache.delete(workspaceId);
    return this.get(workspaceId);
  }
}
