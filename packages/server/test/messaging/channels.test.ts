import { EmailChannel } from '../../src/modules/messaging/email-channel.js';
import { LocalChannel } from '../../src/modules/messaging/local-channel.js';
import type { Channel, OutgoingMessage } from '../../src/modules/messaging/channel.js';
import { channelContract, type ReceivedMessage } from './channel-contract.js';
import { startSmtpSink } from './smtp-sink.js';

channelContract('EmailChannel over SMTP', async () => {
  const sink = await startSmtpSink();
  const channel = new EmailChannel({
    smtpUrl: sink.url,
    from: 'Shop <news@shop.test>',
    messageIdDomain: 'shop.test',
  });
  let expected = 0;
  const counting: Channel = {
    kind: channel.kind,
    provider: channel.provider,
    send: async (m) => {
      const outcome = await channel.send(m);
      if (outcome.ok) expected++;
      return outcome;
    },
    close: () => channel.close(),
  };
  return {
    channel: counting,
    received: async () =>
      (await sink.waitFor(expected)).map((m): ReceivedMessage => ({
        key: m.messageId ?? '',
        to: m.envelopeTo.join(','),
        subject: m.parsed.subject ?? null,
        text: (m.parsed.text ?? '').trim(),
      })),
    close: async () => {
      await channel.close();
      await sink.close();
    },
  };
});

/**
 * The local channel delivers nowhere: the outbox row is what the marketer reads. Its receiving
 * end is therefore what it accepted, keyed by the provider id it returned.
 */
channelContract('LocalChannel', async () => {
  const channel = new LocalChannel('email');
  const accepted: ReceivedMessage[] = [];
  const recording: Channel = {
    kind: channel.kind,
    provider: channel.provider,
    send: async (m: OutgoingMessage) => {
      const outcome = await channel.send(m);
      if (outcome.ok)
        accepted.push({
          key: outcome.providerMessageId,
          to: m.to,
          subject: m.subject,
          text: m.text,
        });
      return outcome;
    },
    close: () => channel.close(),
  };
  return { channel: recording, received: async () => accepted, close: () => channel.close() };
});
