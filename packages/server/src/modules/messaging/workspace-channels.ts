import type {
  ChannelKind,
  CredentialProvider,
  SmtpCredentials,
  TwilioCredentials,
  WhatsAppCredentials,
} from '@comeback/contracts';
import type { Logger } from '../../platform/logger.js';
import type { Channel, ChannelResolver, OutgoingMessage, SendOutcome } from './channel.js';
import type { ProviderAccount, ProviderCredentials } from './provider-credentials.js';

/** Builds a channel from one account's credentials (the same options as the instance's). */
export interface ChannelFactories {
  smtp(account: SmtpCredentials): Channel;
  twilio(account: TwilioCredentials): Channel;
  whatsapp(account: Pick<WhatsAppCredentials, 'accessToken' | 'phoneNumberId'>): Channel;
}

/** The channel kinds a workspace may send through an account of its own. */
const PROVIDER_OF: Partial<Record<ChannelKind, CredentialProvider>> = {
  email: 'smtp',
  sms: 'twilio',
  whatsapp: 'whatsapp',
};

/**
 * Resolves each message's channel: for email, SMS and WhatsApp the workspace's own account when
 * it saved one (the channel built once and kept while the credentials stay the same), else the
 * instance's channel. A channel is rebuilt when its credentials change (here at once, from
 * another process within the credentials' cache lifetime), and the old one closed.
 */
export class WorkspaceChannels implements ChannelResolver {
  readonly #credentials: ProviderCredentials;
  readonly #instance: ReadonlyMap<ChannelKind, Channel>;
  readonly #build: ChannelFactories;
  readonly #log: Logger;
  readonly #built = new Map<string, { fingerprint: string; channel: Channel }>();

  constructor(
    credentials: ProviderCredentials,
    instance: ReadonlyMap<ChannelKind, Channel>,
    build: ChannelFactories,
    logger: Logger,
  ) {
    this.#credentials = credentials;
    this.#instance = instance;
    this.#build = build;
    this.#log = logger;
  }

  async channelFor(workspaceId: string, kind: ChannelKind): Promise<Channel | undefined> {
    const provider = PROVIDER_OF[kind];
    if (provider === undefined) return this.#instance.get(kind);
    const saved = await this.#credentials.read(workspaceId, provider);
    const key = `${workspaceId}\u0000${provider}`;
    // From here on nothing awaits: concurrent sends of one workspace share one channel.
    const current = this.#built.get(key);
    if (saved === null) {
      if (current !== undefined) this.#retire(key, current.channel);
      return this.#instance.get(kind);
    }
    // Compared in memory only: the credentials themselves, so any change is a new channel.
    const fingerprint = saved.ok
      ? JSON.stringify(saved.account.credentials)
      : `unreadable:${saved.problem}`;
    if (current?.fingerprint === fingerprint) return current.channel;
    if (current !== undefined) this.#retire(key, current.channel);
    const channel = saved.ok
      ? this.#channelOf(saved.account)
      : new UnreadableCredentialsChannel(kind, provider, saved.problem);
    this.#built.set(key, { fingerprint, channel });
    return channel;
  }

  #channelOf(account: ProviderAccount): Channel {
    switch (account.provider) {
      case 'smtp':
        return this.#build.smtp(account.credentials);
      case 'twilio':
        return this.#build.twilio(account.credentials);
      case 'whatsapp':
        return this.#build.whatsapp(account.credentials);
    }
  }

  /**
   * Closes a channel whose credentials changed. A send still under way on it may fail and is
   * then retried like any transient failure.
   */
  #retire(key: string, channel: Channel): void {
    this.#built.delete(key);
    channel.close().catch((error: unknown) => {
      this.#log.warn(
        { err: error, provider: channel.provider },
        'closing a workspace channel failed',
      );
    });
  }

  /** Closes every workspace channel built (the instance's are closed by their owner). */
  async close(): Promise<void> {
    const channels = [...this.#built.values()].map((b) => b.channel);
    this.#built.clear();
    for (const channel of channels) await channel.close();
  }
}

/**
 * Stands in for a workspace's account whose saved credentials cannot be read: its messages are
 * retried (an owner may save the credentials again), never sent through another account.
 */
class UnreadableCredentialsChannel implements Channel {
  readonly kind: ChannelKind;
  readonly provider: string;
  readonly #problem: string;
  constructor(kind: ChannelKind, provider: CredentialProvider, problem: string) {
    this.kind = kind;
    this.provider = provider;
    this.#problem = problem;
  }
  send(_message: OutgoingMessage): Promise<SendOutcome> {
    return Promise.resolve({ ok: false, permanent: false, reason: this.#problem });
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
