import { generateKeyPairSync } from 'node:crypto';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import {
  EmailChannel,
  outcomeOfSmtpError,
  type EmailChannelOptions,
} from '../../src/modules/messaging/email-channel.js';
import { outgoing } from './channel-contract.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

/** The header block of a raw message, folded lines joined, as name (lower case) -> values. */
function rawHeaders(raw: string): Map<string, string[]> {
  const block = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string[]>();
  for (const line of block.split('\r\n')) {
    const i = line.indexOf(':');
    const name = line.slice(0, i).toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(i + 1).trim()]);
  }
  return headers;
}

describe('EmailChannel', () => {
  let sink: SmtpSink;
  let channel: EmailChannel;
  const make = (over: Partial<EmailChannelOptions> = {}) =>
    new EmailChannel({
      smtpUrl: sink.url,
      from: 'Shop <news@shop.test>',
      messageIdDomain: 'mail.shop.test',
      ...over,
    });

  beforeEach(async () => {
    sink = await startSmtpSink();
    channel = make();
  });
  afterEach(async () => {
    await channel.close();
    await sink.close();
  });

  it('marketing email: one-click unsubscribe headers, Message-ID from the outbox id, both parts', async () => {
    const m = outgoing(channel, {
      unsubscribeUrl: 'https://shop.test/u/abc?x=1',
      html: '<p>Hello <b>Ada</b></p>',
      text: 'Hello Ada',
      extra: { headers: { 'X-Campaign': 'spring' } },
    });
    const outcome = await channel.send(m);
    expect(outcome).toEqual({ ok: true, providerMessageId: 'Q000001' });
    const [got] = await sink.waitFor(1);
    const headers = rawHeaders(got?.raw ?? '');
    expect(headers.get('list-unsubscribe')).toEqual(['<https://shop.test/u/abc?x=1>']);
    expect(headers.get('list-unsubscribe-post')).toEqual(['List-Unsubscribe=One-Click']);
    expect(headers.get('message-id')).toEqual([`<${m.id}@mail.shop.test>`]);
    expect(headers.get('x-campaign')).toEqual(['spring']);
    expect(headers.get('from')).toEqual(['Shop <news@shop.test>']);
    expect(headers.get('content-type')?.[0]).toMatch(/^multipart\/alternative;/);
    expect(got?.parsed.subject).toBe('Your order has shipped');
    expect(got?.parsed.text?.trim()).toBe('Hello Ada');
    expect(got?.parsed.html).toBe('<p>Hello <b>Ada</b></p>');
    expect(got?.envelopeTo).toEqual(['ada@example.test']);
  });

  it('transactional email has no unsubscribe headers; a resend repeats the Message-ID', async () => {
    const m = outgoing(channel);
    await channel.send(m);
    await channel.send({ ...m, attempt: 2 });
    const got = await sink.waitFor(2);
    const headers = rawHeaders(got[0]?.raw ?? '');
    expect(headers.has('list-unsubscribe')).toBe(false);
    expect(headers.has('list-unsubscribe-post')).toBe(false);
    expect(sink.countByMessageId(`<${m.id}@mail.shop.test>`)).toBe(2);
  });

  it('550 on RCPT: a permanent failure that suppresses the address', async () => {
    sink.rejectRecipients.add('gone@example.test');
    const outcome = await channel.send(outgoing(channel, { to: 'gone@example.test' }));
    expect(outcome).toEqual({
      ok: false,
      permanent: true,
      suppress: true,
      reason: 'smtp RCPT TO 550 5.1.1 No such user here',
    });
    expect(sink.messages).toHaveLength(0);
  });

  it('451 on RCPT: transient, and the next try goes through', async () => {
    sink.failTemporarily(1);
    const m = outgoing(channel);
    expect(await channel.send(m)).toEqual({
      ok: false,
      permanent: false,
      reason: 'smtp RCPT TO 451 4.7.1 Greylisted, try again later',
    });
    expect(await channel.send({ ...m, attempt: 2 })).toEqual({
      ok: true,
      providerMessageId: 'Q000001',
    });
  });

  it('a server that cannot be reached is a transient failure', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const address = closed.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await new Promise<void>((r) => closed.close(() => r()));
    const unreachable = make({ smtpUrl: `smtp://127.0.0.1:${port}` });
    try {
      const outcome = await unreachable.send(outgoing(unreachable));
      expect(outcome.ok).toBe(false);
      expect(outcome.ok === false && outcome.permanent).toBe(false);
      expect(outcome.ok === false && outcome.reason).toMatch(/^smtp E[A-Z]+: /);
    } finally {
      await unreachable.close();
    }
  });

  it('refuses hostile input before talking to the server', async () => {
    const refusals = await Promise.all([
      channel.send(outgoing(channel, { to: 'a@x.test, b@y.test' })),
      channel.send(outgoing(channel, { to: 'a@x.test\r\nBcc: b@y.test' })),
      channel.send(outgoing(channel, { extra: { headers: { Bcc: 'b@y.test' } } })),
      channel.send(outgoing(channel, { extra: { headers: { 'X-A': 'one\r\nBcc: b@y.test' } } })),
      channel.send(outgoing(channel, { extra: { headers: ['X-A'] } })),
      channel.send(outgoing(channel, { unsubscribeUrl: 'https://x.test/u>\r\nBcc: b@y.test' })),
    ]);
    expect(refusals.map((r) => (r.ok ? 'sent' : r.permanent && !r.suppress))).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(refusals.map((r) => (r.ok ? '' : r.reason))).toEqual([
      'not a single email address: "a@x.test, b@y.test"',
      'not a single email address: "a@x.test\\r\\nBcc: b@y.test"',
      'extra.headers: "Bcc" is not an X- header',
      'extra.headers.X-A: must be one line of at most 1000 characters',
      'extra.headers must be an object of header names to values',
      'the unsubscribe URL must be an http(s) URL without spaces or <>',
    ]);
    expect(sink.messages).toHaveLength(0);
  });

  it('limits sends per recipient domain with a token bucket, deferring instead of sleeping', async () => {
    const clock = new ManualClock(1_000_000);
    await channel.close();
    channel = make({ perDomainPerSecond: 2, clock });
    const to = (d: string) => outgoing(channel, { to: `p@${d}` });
    const first = await Promise.all([channel.send(to('a.test')), channel.send(to('A.TEST'))]);
    expect(first.map((o) => o.ok)).toEqual([true, true]);
    // The bucket for a.test is empty: the third waits 500 ms for a token (2 a second).
    expect(await channel.send(to('a.test'))).toEqual({
      ok: false,
      permanent: false,
      reason: 'rate limit for a.test reached',
      retryAfterMs: 500,
    });
    // Another domain has its own bucket.
    expect((await channel.send(to('b.test'))).ok).toBe(true);
    clock.advance(200);
    // 0.4 of a token refilled: 0.6 more takes 300 ms.
    expect(await channel.send(to('a.test'))).toMatchObject({ ok: false, retryAfterMs: 300 });
    clock.advance(300);
    expect((await channel.send(to('a.test'))).ok).toBe(true);
    expect(sink.messages.map((m) => m.envelopeTo[0]?.toLowerCase()).sort()).toEqual([
      'p@a.test',
      'p@a.test',
      'p@a.test',
      'p@b.test',
    ]);
  });

  it('signs with DKIM when given a key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await channel.close();
    channel = make({
      dkim: {
        domainName: 'shop.test',
        keySelector: 'cb1',
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
    });
    await channel.send(outgoing(channel));
    const [got] = await sink.waitFor(1);
    const signature = rawHeaders(got?.raw ?? '').get('dkim-signature')?.[0] ?? '';
    expect(signature).toMatch(/\bd=shop\.test;/);
    expect(signature).toMatch(/\bs=cb1;/);
  });
});

describe('outcomeOfSmtpError', () => {
  const smtp = (responseCode: number, command: string, response: string) =>
    Object.assign(new Error(response), { code: 'EENVELOPE', responseCode, command, response });

  it('maps SMTP replies to bounce, give up, or retry', () => {
    expect(outcomeOfSmtpError(smtp(551, 'RCPT TO', '551 User not local'))).toMatchObject({
      permanent: true,
      suppress: true,
    });
    // A policy refusal (spam block) is not proof the mailbox is gone: no suppression.
    expect(outcomeOfSmtpError(smtp(550, 'RCPT TO', '550 5.7.1 Blocked'))).toEqual({
      ok: false,
      permanent: true,
      reason: 'smtp RCPT TO 550 5.7.1 Blocked',
    });
    expect(outcomeOfSmtpError(smtp(552, 'RCPT TO', '552 Mailbox full'))).not.toHaveProperty(
      'suppress',
    );
    expect(outcomeOfSmtpError(smtp(554, 'DATA', '554 Rejected'))).toMatchObject({
      permanent: true,
    });
    expect(outcomeOfSmtpError(smtp(503, 'DATA', '503 Bad sequence'))).toMatchObject({
      permanent: false,
    });
    expect(outcomeOfSmtpError(smtp(421, 'MAIL FROM', '421 Try later'))).toMatchObject({
      permanent: false,
    });
    expect(outcomeOfSmtpError(Object.assign(new Error('boom'), { code: 'ETIMEDOUT' }))).toEqual({
      ok: false,
      permanent: false,
      reason: 'smtp ETIMEDOUT: boom',
    });
  });
});
