import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmailChannel } from '../../src/modules/messaging/index.js';
import { outgoing } from './channel-contract.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

/**
 * DKIM as a receiving mailbox checks it: a message our email channel signed, verified by
 * mailauth (the verifier of the EmailEngine/WildDuck family) against the public key published
 * for the selector; a changed body fails. mailauth needs Node >= 22.19, so on the machine's
 * Node 20 this file skips with a notice; CI runs it on Node 24 (.ci/node24).
 */
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const supported = major > 22 || (major === 22 && minor >= 19);
if (!supported)
  console.log(
    `dkim.test.ts skipped on Node ${process.versions.node}: mailauth needs Node >= 22.19 (CI runs it on Node 24)`,
  );

describe.runIf(supported)('DKIM-signed email verified as a receiver does', () => {
  let sink: SmtpSink;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const published = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
  // The DNS a receiver would ask: only the selector's TXT record exists.
  const resolver = (name: string, type: string) =>
    name === 'cb1._domainkey.shop.test' && type === 'TXT'
      ? Promise.resolve([[published]])
      : Promise.reject(Object.assign(new Error(`no ${type} for ${name}`), { code: 'ENOTFOUND' }));

  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => sink?.close());

  it('passes for the message as sent and fails once the body is changed', async () => {
    const channel = new EmailChannel({
      smtpUrl: sink.url,
      from: 'Shop <news@shop.test>',
      messageIdDomain: 'shop.test',
      dkim: {
        domainName: 'shop.test',
        keySelector: 'cb1',
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
    });
    try {
      const sent = await channel.send(
        outgoing(channel, { unsubscribeUrl: 'https://shop.test/unsubscribe/t1' }),
      );
      expect(sent.ok).toBe(true);
    } finally {
      await channel.close();
    }
    const [got] = await sink.waitFor(1);
    const raw = got?.raw ?? '';
    const { dkimVerify } = (await import('mailauth/lib/dkim/verify.js')) as {
      dkimVerify: (
        message: string,
        options: { resolver: typeof resolver },
      ) => Promise<{
        results: { status: { result: string; comment?: string }; signingDomain?: string }[];
      }>;
    };
    const verified = await dkimVerify(raw, { resolver });
    expect(verified.results.map((r) => r.status.result)).toEqual(['pass']);
    const tampered = raw.replace('Your order has shipped.', 'Your order has shipped!');
    expect(tampered).not.toBe(raw);
    const refused = await dkimVerify(tampered, { resolver });
    // mailauth reports a body that no longer matches its hash as neutral, not as a pass.
    expect(refused.results.map((r) => r.status)).toEqual([
      expect.objectContaining({ result: 'neutral', comment: 'body hash did not verify' }),
    ]);
  });
});
