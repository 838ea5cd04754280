import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/modules/messaging/index.js';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';

/**
 * Through the whole server: a subscriber follows a segment (ad audiences, Zapier) and an event
 * type. A profile entering the segment and an order arrive signed, once each, with the
 * segment's name; a webhook-channel message arrives signed with the workspace's channel secret.
 */
interface Got {
  path: string;
  body: Record<string, unknown>;
  signature: string;
  raw: string;
}

async function startSubscriber() {
  const got: Got[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      got.push({
        path: req.url ?? '',
        raw,
        body: JSON.parse(raw) as Record<string, unknown>,
        signature: String(req.headers['comeback-signature'] ?? ''),
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    got,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

for (const engine of engines) {
  describe(`outgoing webhooks through the server (${engine})`, () => {
    let t: TestServer;
    let sub: Awaited<ReturnType<typeof startSubscriber>>;
    let secret: string;

    beforeAll(async () => {
      sub = await startSubscriber();
      t = await startTestServer(engine, { background: false });
      const segment = await t.api('/api/v1/segments', {
        method: 'POST',
        body: {
          name: 'Buyers',
          condition: { type: 'field', field: 'computed.order_count', operator: 'gte', value: 1 },
        },
      });
      expect(segment.status).toBe(201);
      const res = await t.api('/api/v1/webhook-subscriptions', {
        method: 'POST',
        body: { url: `${sub.url}/audience`, eventTypes: ['Segment Entered', 'Order Completed'] },
      });
      expect(res.status).toBe(201);
      secret = (await json<{ secret: string }>(res)).secret;
    });
    afterAll(async () => {
      await t?.stop();
      await sub?.close();
    });

    it('delivers the order and the segment entry, signed, once each', async () => {
      const now = t.server.services.clock.now();
      await t.send('/v1/track', {
        userId: 'u-dee',
        event: 'Order Completed',
        messageId: 'order-d1',
        properties: { order_id: 'D1', total: 30, currency: 'EUR' },
      });
      await t.settle();
      await t.server.services.webhookDispatcher.drain();
      await t.server.services.webhookDispatcher.drain();
      const types = sub.got
        .map((g) => (g.body.type === 'track' ? g.body.event : g.body.type))
        .sort();
      expect(types).toEqual(['Order Completed', 'Segment Entered']);
      for (const g of sub.got) expect(verifyWebhook(secret, g.signature, g.raw, now).ok).toBe(true);
      const entry = sub.got.find((g) => g.body.type === 'Segment Entered')!;
      expect(entry.body.segment).toEqual({ id: expect.stringMatching(/^seg_/), name: 'Buyers' });
      const order = sub.got.find((g) => g.body.event === 'Order Completed')!;
      expect(order.body.profileId).toBe(entry.body.profileId);
      const subs = await json<{ data: { id: string }[] }>(
        await t.api('/api/v1/webhook-subscriptions'),
      );
      const log = await json<{ data: { status: string }[] }>(
        await t.api(`/api/v1/webhook-subscriptions/${subs.data[0]!.id}/deliveries`),
      );
      expect(log.data.map((d) => d.status)).toEqual(['delivered', 'delivered']);
    });

    it('sends a webhook-channel message signed with the channel secret', async () => {
      const created = await t.api('/api/v1/templates', {
        method: 'POST',
        body: {
          name: 'CRM note',
          channel: 'webhook',
          kind: 'transactional',
          webhookUrl: `${sub.url}/crm`,
          variants: {
            en: { body: '{"note": "{{ order.number | default: "" }} for {{ profile.id }}"}' },
          },
        },
      });
      expect(created.status).toBe(201);
      const res = await t.api('/api/v1/messages', {
        method: 'POST',
        body: { template: 'CRM note', to: 'crm', data: { order: { number: 'D1' } } },
      });
      expect(res.status).toBe(202);
      await t.server.services.sender.drain();
      const got = sub.got.find((g) => g.path === '/crm')!;
      expect(got.body).toEqual({ note: 'D1 for ' });
      const channel = await json<{ secret: string }>(await t.api('/api/v1/webhook-channel/secret'));
      expect(
        verifyWebhook(channel.secret, got.signature, got.raw, t.server.services.clock.now()).ok,
      ).toBe(true);
    });
  });
}
