import { describe, expect, it } from 'vitest';
import type { Channel, OutgoingMessage } from '../../src/modules/messaging/channel.js';

/**
 * What a channel's receiving end saw: `key` is how it recognises one message (a Message-ID, an
 * idempotency key, the outbox id it carries).
 */
export interface ReceivedMessage {
  key: string;
  to: string;
  subject: string | null;
  text: string;
}

export interface ChannelHarness {
  channel: Channel;
  /**
   * What a message to this channel looks like (its `to`, and `extra` such as a webhook URL);
   * the default is an email address. `subject` is null for channels without one (SMS).
   */
  message?: Partial<OutgoingMessage>;
  /** Every message the receiving end got so far, in order. */
  received: () => Promise<ReceivedMessage[]>;
  close(): Promise<void>;
}

let seq = 0;
/** A fresh outbox-style id (`msg_` + 24 hex) for each message. */
export const testMessageId = () => `msg_${(0xc0ffee000000 + ++seq).toString(16).padStart(24, '0')}`;

export function outgoing(channel: Channel, over: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    id: testMessageId(),
    workspaceId: 'w1',
    channel: channel.kind,
    to: 'ada@example.test',
    subject: 'Your order has shipped',
    html: '<p>Your order has shipped.</p>',
    text: 'Your order has shipped.',
    unsubscribeUrl: null,
    extra: {},
    attempt: 1,
    ...over,
  };
}

/**
 * The behaviour every channel adapter shares, run against each of them: a send arrives with
 * its content, the same outbox id sent twice is recognisable as one message, close() closes.
 */
export function channelContract(name: string, makeChannel: () => Promise<ChannelHarness>) {
  describe(`channel contract: ${name}`, () => {
    it('names its kind and provider', async () => {
      const h = await makeChannel();
      try {
        expect(h.channel.kind).toMatch(/^(email|sms|whatsapp|push|inbox|webhook)$/);
        expect(h.channel.provider).toMatch(/^[a-z0-9-]+$/);
      } finally {
        await h.close();
      }
    });

    it('sends a message that arrives with its address, subject and text', async () => {
      const h = await makeChannel();
      try {
        const m = outgoing(h.channel, h.message);
        const outcome = await h.channel.send(m);
        expect(outcome).toEqual({ ok: true, providerMessageId: expect.any(String) });
        const got = await h.received();
        expect(got).toHaveLength(1);
        expect(got[0]).toEqual({
          key: expect.stringContaining(m.id),
          to: m.to,
          subject: m.subject,
          text: 'Your order has shipped.',
        });
      } finally {
        await h.close();
      }
    });

    it('a resend with the same id is recognisable as the same message; another id is not', async () => {
      const h = await makeChannel();
      try {
        const m = outgoing(h.channel, h.message);
        const first = await h.channel.send(m);
        const again = await h.channel.send({ ...m, attempt: 2 });
        const other = await h.channel.send(outgoing(h.channel, h.message));
        expect([first.ok, again.ok, other.ok]).toEqual([true, true, true]);
        const got = await h.received();
        expect(got).toHaveLength(3);
        expect(got[0]?.key).toBe(got[1]?.key);
        expect(got[2]?.key).not.toBe(got[0]?.key);
      } finally {
        await h.close();
      }
    });

    it('close() resolves, twice too', async () => {
      const h = await makeChannel();
      await h.channel.send(outgoing(h.channel, h.message));
      await expect(h.channel.close()).resolves.toBeUndefined();
      await expect(h.channel.close()).resolves.toBeUndefined();
      await h.close();
    });
  });
}
