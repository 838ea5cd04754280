import type { ChannelKind } from '@comeback/contracts';

/**
 * The port every channel adapter implements (email over SMTP, the local outbox, and later SMS,
 * WhatsApp, push, inbox, webhook). One shared contract suite
 * (test/messaging/channel-contract.ts) runs against each adapter.
 */
export interface OutgoingMessage {
  /** The outbox id: the Message-ID (and provider idempotency keys) derive from it. */
  id: string;
  workspaceId: string;
  channel: ChannelKind;
  /** Address in the channel's form: an email address, an E.164 phone number, ... */
  to: string;
  /** Email subject; push and inbox title. */
  subject: string | null;
  /** Email HTML body (null for other channels). */
  html: string | null;
  /** Plain text: the email's text part, the SMS body, ... */
  text: string;
  /** One-click unsubscribe URL (RFC 8058) for marketing email; null for transactional. */
  unsubscribeUrl: string | null;
  /** Channel-specific parts (extra headers, WhatsApp template parameters, push data). */
  extra: Record<string, unknown>;
  /** 1 for the first try; a retry after a crash sends again with the same id. */
  attempt: number;
}

export type SendOutcome =
  | { ok: true; providerMessageId: string }
  /**
   * `permanent`: retrying cannot help (address refused, template not approved); the message is
   * marked failed with `reason`, and `suppress` adds the address to the suppression list (a
   * hard bounce). Otherwise it is retried with backoff (at least `retryAfterMs` when given).
   */
  | { ok: false; permanent: boolean; reason: string; retryAfterMs?: number; suppress?: boolean };

export interface Channel {
  readonly kind: ChannelKind;
  /** `smtp`, `local`, `twilio`, ...: shown in the send log. */
  readonly provider: string;
  /**
   * True for a channel that only records the message in our own database (the local outbox):
   * it is marked sent in one step, with no committed 'sending' before a provider call.
   */
  readonly recordsOnly?: boolean;
  send(message: OutgoingMessage): Promise<SendOutcome>;
  close(): Promise<void>;
}

/**
 * Which channel sends a workspace's messages of a kind: the workspace's own provider account
 * when it saved one, else the instance's. Undefined: no provider for this kind.
 */
export interface ChannelResolver {
  channelFor(workspaceId: string, kind: ChannelKind): Promise<Channel | undefined>;
}

/** The same channels for every workspace (tests, and the instance's own set). */
export function channelsFromMap(channels: ReadonlyMap<ChannelKind, Channel>): ChannelResolver {
  return { channelFor: (_workspaceId, kind) => Promise.resolve(channels.get(kind)) };
}
