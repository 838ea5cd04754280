import type { ChannelKind } from '@comeback/contracts';
import type { Channel, OutgoingMessage, SendOutcome } from './channel.js';

/**
 * The fresh-install default for a channel with no provider configured (no SMTP_URL yet): it
 * "sends" by succeeding without delivering anything, so each message stays in the outbox with
 * its rendered content and status 'sent' for the marketer to read. One instance per channel.
 */
export class LocalChannel implements Channel {
  readonly provider = 'local';
  readonly recordsOnly = true;
  readonly kind: ChannelKind;
  #closed = false;

  constructor(kind: ChannelKind) {
    this.kind = kind;
  }

  send(message: OutgoingMessage): Promise<SendOutcome> {
    if (this.#closed) throw new Error('the local channel is closed');
    // The outbox id is the identity: the same message sent again gets the same provider id.
    return Promise.resolve({ ok: true, providerMessageId: `local:${message.id}` });
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}
