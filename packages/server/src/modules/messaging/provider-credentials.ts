import {
  credentialProviders,
  smtpCredentialsSchema,
  twilioCredentialsSchema,
  whatsappCredentialsSchema,
  type CredentialProvider,
  type ProviderCredentialSummary,
  type SmtpCredentials,
  type TwilioCredentials,
  type WhatsAppCredentials,
} from '@comeback/contracts';
import type { z } from 'zod';
import type { Config } from '../../config/config.js';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/database.js';
import type { SecretBox } from '../../platform/secret-box.js';
import { LruCache } from './lru-cache.js';

/**
 * A workspace's own accounts at its providers (an agency runs one Twilio, Meta and SMTP account
 * per store): written by an owner, sealed at rest with the instance secret, never returned by
 * the API. Without them the workspace sends through the instance's accounts (environment).
 */

/** What the environment configures for the whole instance. */
export type InstanceProviders = Pick<
  Config,
  'smtpUrl' | 'emailFrom' | 'twilio' | 'whatsapp' | 'twilioApiUrl' | 'whatsappApiUrl'
>;

/**
 * Saved credentials: readable, or not (sealed under another COMEBACK_SECRET, or saved by a
 * version whose schema they no longer pass). Unreadable ones still count as the workspace's:
 * its messages must not go out through the instance's account instead.
 */
export type SavedCredentials =
  | { ok: true; account: ProviderAccount; updatedAt: number }
  | { ok: false; problem: string; updatedAt: number };

/** One account at one provider, tagged with the provider. */
export type ProviderAccount =
  | { provider: 'smtp'; credentials: SmtpCredentials }
  | { provider: 'twilio'; credentials: TwilioCredentials }
  | { provider: 'whatsapp'; credentials: WhatsAppCredentials };

/** `input` checked with `provider`'s schema (strict: no other fields). */
export function parseAccount(
  provider: CredentialProvider,
  input: unknown,
): { ok: true; account: ProviderAccount } | { ok: false; error: z.ZodError } {
  switch (provider) {
    case 'smtp': {
      const parsed = smtpCredentialsSchema.safeParse(input);
      return parsed.success
        ? { ok: true, account: { provider, credentials: parsed.data } }
        : { ok: false, error: parsed.error };
    }
    case 'twilio': {
      const parsed = twilioCredentialsSchema.safeParse(input);
      return parsed.success
        ? { ok: true, account: { provider, credentials: parsed.data } }
        : { ok: false, error: parsed.error };
    }
    case 'whatsapp': {
      const parsed = whatsappCredentialsSchema.safeParse(input);
      return parsed.success
        ? { ok: true, account: { provider, credentials: parsed.data } }
        : { ok: false, error: parsed.error };
    }
  }
}

/** The configuration a workspace effectively sends and verifies webhooks with. */
export interface EffectiveProviders {
  smtpUrl: string | undefined;
  emailFrom: string;
  twilio: Config['twilio'];
  whatsapp: Config['whatsapp'];
  sources: Record<CredentialProvider, ProviderCredentialSummary['source']>;
}

/** Another process's change is seen within this long (this process's at once). */
const CACHE_MS = 15_000;
const CACHE_ENTRIES = 10_000;

type Cached = { value: SavedCredentials | null; expiresAt: number };

export class ProviderCredentials {
  readonly #database: Database;
  readonly #box: SecretBox;
  readonly #clock: Clock;
  readonly #wallClock: Clock;
  readonly #cache = new LruCache<Cached>(CACHE_ENTRIES);

  /** `clock` dates the saves; the cache's lifetime is operational time (`wallClock`). */
  constructor(database: Database, box: SecretBox, clock: Clock, wallClock: Clock) {
    this.#database = database;
    this.#box = box;
    this.#clock = clock;
    this.#wallClock = wallClock;
  }

  /** Saves (or replaces) the workspace's account at its provider (see `parseAccount`). */
  async save(workspaceId: string, account: ProviderAccount): Promise<number> {
    const { provider, credentials } = account;
    const sealed = this.#box.seal(JSON.stringify(credentials));
    const updatedAt = this.#clock.now();
    await this.#database.db
      .insertInto('provider_credentials')
      .values({ workspace_id: workspaceId, provider, sealed, updated_at: updatedAt })
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'provider']).doUpdateSet({ sealed, updated_at: updatedAt }),
      )
      .execute();
    this.#cache.delete(keyOf(workspaceId, provider));
    return updatedAt;
  }

  /** Forgets the workspace's account at `provider`; false when none was saved. */
  async remove(workspaceId: string, provider: CredentialProvider): Promise<boolean> {
    const result = await this.#database.db
      .deleteFrom('provider_credentials')
      .where('workspace_id', '=', workspaceId)
      .where('provider', '=', provider)
      .executeTakeFirst();
    this.#cache.delete(keyOf(workspaceId, provider));
    return Number(result.numDeletedRows) > 0;
  }

  /** The saved credentials, or null when the workspace has none at `provider`. */
  async read(workspaceId: string, provider: CredentialProvider): Promise<SavedCredentials | null> {
    const key = keyOf(workspaceId, provider);
    const now = this.#wallClock.now();
    const cached = this.#cache.get(key);
    if (cached !== undefined && cached.expiresAt > now) return cached.value;
    const row = await this.#database.db
      .selectFrom('provider_credentials')
      .select(['sealed', 'updated_at'])
      .where('workspace_id', '=', workspaceId)
      .where('provider', '=', provider)
      .executeTakeFirst();
    const value =
      row === undefined ? null : this.#open(provider, row.sealed, Number(row.updated_at));
    this.#cache.set(key, { value, expiresAt: now + CACHE_MS });
    return value;
  }

  #open(provider: CredentialProvider, sealed: string, updatedAt: number): SavedCredentials {
    let json: unknown;
    try {
      json = JSON.parse(this.#box.open(sealed));
    } catch {
      return {
        ok: false,
        problem: `the ${provider} credentials cannot be opened (saved under another COMEBACK_SECRET?): save them again`,
        updatedAt,
      };
    }
    const parsed = parseAccount(provider, json);
    return parsed.ok
      ? { ok: true, account: parsed.account, updatedAt }
      : {
          ok: false,
          problem: `the saved ${provider} credentials are no longer valid: save them again`,
          updatedAt,
        };
  }

  /**
   * What the workspace sends and verifies webhooks with: its own account per provider when
   * saved, else the instance's. Unreadable saved credentials leave the provider unconfigured
   * (nothing is sent through another account, no webhook verifies).
   */
  async effective(workspaceId: string, instance: InstanceProviders): Promise<EffectiveProviders> {
    const [smtp, twilio, whatsapp] = await Promise.all([
      this.read(workspaceId, 'smtp'),
      this.read(workspaceId, 'twilio'),
      this.read(workspaceId, 'whatsapp'),
    ]);
    const sourceOf = (saved: SavedCredentials | null, configured: boolean) =>
      saved !== null ? 'workspace' : configured ? 'instance' : 'none';
    const own = (saved: SavedCredentials | null) => (saved?.ok === true ? saved.account : null);
    const [mine, twilioOwn, whatsappOwn] = [own(smtp), own(twilio), own(whatsapp)];
    return {
      smtpUrl:
        smtp === null
          ? instance.smtpUrl
          : mine?.provider === 'smtp'
            ? mine.credentials.url
            : undefined,
      emailFrom: mine?.provider === 'smtp' ? mine.credentials.from : instance.emailFrom,
      twilio:
        twilio === null
          ? instance.twilio
          : twilioOwn?.provider === 'twilio'
            ? {
                ...twilioOwn.credentials,
                apiUrl: instance.twilio?.apiUrl ?? instance.twilioApiUrl,
              }
            : undefined,
      whatsapp:
        whatsapp === null
          ? instance.whatsapp
          : whatsappOwn?.provider === 'whatsapp'
            ? {
                ...whatsappOwn.credentials,
                apiUrl: instance.whatsapp?.apiUrl ?? instance.whatsappApiUrl,
              }
            : undefined,
      sources: {
        smtp: sourceOf(smtp, instance.smtpUrl !== undefined),
        twilio: sourceOf(twilio, instance.twilio !== undefined),
        whatsapp: sourceOf(whatsapp, instance.whatsapp !== undefined),
      },
    };
  }

  /** One summary per provider, for the API: never a password, token or secret. */
  async summaries(
    workspaceId: string,
    instance: InstanceProviders,
  ): Promise<ProviderCredentialSummary[]> {
    return Promise.all(credentialProviders.map((p) => this.summary(workspaceId, p, instance)));
  }

  async summary(
    workspaceId: string,
    provider: CredentialProvider,
    instance: InstanceProviders,
  ): Promise<ProviderCredentialSummary> {
    const saved = await this.read(workspaceId, provider);
    if (saved !== null) {
      const hints = saved.ok ? hintsOf(saved.account) : null;
      return {
        provider,
        source: 'workspace',
        updatedAt: new Date(saved.updatedAt).toISOString(),
        sender: hints?.sender ?? null,
        account: hints?.account ?? null,
      };
    }
    const fromInstance = instanceCredentials(provider, instance);
    const hints = fromInstance === null ? null : hintsOf(fromInstance);
    return {
      provider,
      source: hints === null ? 'none' : 'instance',
      updatedAt: null,
      sender: hints?.sender ?? null,
      account: hints?.account ?? null,
    };
  }
}

const keyOf = (workspaceId: string, provider: CredentialProvider) =>
  `${workspaceId}\u0000${provider}`;

/** The parts of an account that hints are made of (never a secret among them). */
type Tagged =
  | { provider: 'smtp'; credentials: { url: string; from: string } }
  | { provider: 'twilio'; credentials: { accountSid: string; from: string } }
  | { provider: 'whatsapp'; credentials: { phoneNumberId: string } };

function instanceCredentials(provider: CredentialProvider, i: InstanceProviders): Tagged | null {
  if (provider === 'smtp')
    return i.smtpUrl === undefined
      ? null
      : { provider, credentials: { url: i.smtpUrl, from: i.emailFrom } };
  if (provider === 'twilio')
    return i.twilio === undefined ? null : { provider, credentials: i.twilio };
  return i.whatsapp === undefined ? null : { provider, credentials: i.whatsapp };
}

/** Who people see as the sender, and a hint of the account that tells two apart. */
function hintsOf(t: Tagged): { sender: string; account: string | null } {
  switch (t.provider) {
    case 'smtp':
      return { sender: t.credentials.from, account: smtpHost(t.credentials.url) };
    case 'twilio':
      return { sender: t.credentials.from, account: maskTail(t.credentials.accountSid, 4) };
    case 'whatsapp':
      return { sender: t.credentials.phoneNumberId, account: null };
  }
}

/** `host[:port]` of an SMTP URL: never its user name or password. */
export function smtpHost(url: string): string | null {
  if (!URL.canParse(url)) return null;
  const { hostname, port } = new URL(url);
  return hostname === '' ? null : port === '' ? hostname : `${hostname}:${port}`;
}

/** `AC0123…cdef` -> `AC…cdef`: enough to tell accounts apart, not to use one. */
export function maskTail(value: string, visible: number): string {
  return value.length <= visible + 2 ? '…' : `${value.slice(0, 2)}…${value.slice(-visible)}`;
}
