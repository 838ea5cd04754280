import type { Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

/**
 * Messaging end to end over HTTP, with a real SMTP server receiving what is sent: templates
 * checked and versioned, the transactional API sent once per idempotency key, marketing refused
 * without consent at send time, one-click unsubscribe from a real parsed message honoured at
 * once (and in the timeline), and the send log explaining every message.
 */
const mjml = (text: string) =>
  `<mjml><mj-body><mj-section><mj-column><mj-text>${text}</mj-text></mj-column></mj-section></mj-body></mjml>`;

const marketing = {
  name: 'Spring offer',
  channel: 'email',
  kind: 'marketing',
  defaultLanguage: 'en',
  variants: {
    en: {
      subject: 'Spring offer for {{ profile.first_name | default: "you" }}',
      body: mjml('Hello {{ profile.first_name | default: "there" }}, 20% off at {{ store.name }}.'),
    },
    he: {
      subject: 'מבצע אביב ל{{ profile.first_name | default: "לך" }}',
      body: mjml('שלום {{ profile.first_name | default: "לך" }}, 20% הנחה ב-{{ store.name }}.'),
    },
  },
};
const confirmation = {
  name: 'Order confirmation',
  channel: 'email',
  kind: 'transactional',
  variants: {
    en: {
      subject: 'Order {{ order.number | default: "" }} confirmed',
      body: mjml(
        'Thank you {{ profile.first_name | default: "" }}: order {{ order.number | default: "" }}, {{ order.total | default: 0 | money: "EUR" }}.',
      ),
    },
  },
};

/** A header of a raw message as sent (unfolded), or null. */
function headerOf(raw: string, name: string): string | null {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (line.slice(0, colon).toLowerCase() === name) return line.slice(colon + 1).trim();
  }
  return null;
}

for (const engine of engines) {
  describe(`messaging over HTTP (${engine})`, () => {
    let t: TestServer;
    let sink: SmtpSink;
    let profileId: string;

    const send = async (body: unknown) => {
      const res = await t.api('/api/v1/messages', { method: 'POST', body });
      expect(res.status).toBe(202);
      return json<{ id: string; duplicate: boolean }>(res);
    };
    const message = async (id: string) =>
      json<{ status: string; lastError: string | null; history: { status: string }[] }>(
        await t.api(`/api/v1/messages/${id}`),
      );

    beforeAll(async () => {
      sink = await startSmtpSink();
      t = await startTestServer(engine, {
        background: false,
        config: { smtpUrl: sink.url, emailFrom: 'Lens Shop <shop@lens.example>' },
      });
      for (const body of [marketing, confirmation]) {
        const res = await t.api('/api/v1/templates', { method: 'POST', body });
        expect(res.status).toBe(201);
      }
      await t.send('/v1/identify', {
        userId: 'u-ana',
        traits: { email: 'Ana@Example.com', first_name: 'Ana', language: 'he' },
      });
      await t.settle();
      const found = await json<{ data: Profile[] }>(
        await t.api('/api/v1/profiles?email=ana@example.com'),
      );
      profileId = found.data[0]!.id;
    }, 60_000);
    afterAll(async () => {
      await t?.stop();
      await sink?.close();
    });

    it('refuses a broken template with the variant and line, and saves nothing', async () => {
      const res = await t.api('/api/v1/templates', {
        method: 'POST',
        body: {
          ...marketing,
          name: 'Broken',
          variants: {
            en: { subject: 'x', body: '<mjml><mj-body>\n<mj-colum></mj-colum></mj-body></mjml>' },
          },
        },
      });
      expect(res.status).toBe(400);
      const body = await json<{ error: { details: { field: string; message: string }[] } }>(res);
      expect(body.error.details[0]!.field).toBe('variants.en.body');
      expect(body.error.details[0]!.message).toMatch(/^line 2/);
      const list = await json<{ data: { name: string }[] }>(await t.api('/api/v1/templates'));
      expect(list.data.map((x) => x.name).sort()).toEqual(['Order confirmation', 'Spring offer']);
    });

    it("previews in the profile's language, right to left", async () => {
      const res = await t.api('/api/v1/templates/Spring offer/preview', {
        method: 'POST',
        body: { profileId },
      });
      expect(res.status).toBe(200);
      const preview = await json<{
        language: string;
        direction: string;
        subject: string;
        html: string;
      }>(res);
      expect(preview.language).toBe('he');
      expect(preview.direction).toBe('rtl');
      expect(preview.subject).toBe('מבצע אביב לAna');
      expect(preview.html).toContain('dir="rtl"');
    });

    it('shows the store as its settings say: name, postal address, website', async () => {
      const put = await t.api('/api/v1/messaging/settings', {
        method: 'PUT',
        body: { storeName: 'Lens Shop', address: 'Herzl 1, Tel Aviv', url: 'https://lens.example' },
      });
      expect(put.status).toBe(200);
      const footer = await t.api('/api/v1/templates', {
        method: 'POST',
        body: {
          name: 'Footer',
          channel: 'sms',
          variants: { en: { body: '{{ store.name }} | {{ store.address }} | {{ store.url }}' } },
        },
      });
      expect(footer.status).toBe(201);
      const preview = await json<{ text: string }>(
        await t.api('/api/v1/templates/Footer/preview', { method: 'POST', body: {} }),
      );
      expect(preview.text).toBe('Lens Shop | Herzl 1, Tel Aviv | https://lens.example');
      const bad = await t.api('/api/v1/messaging/settings', {
        method: 'PUT',
        body: { url: 'javascript:alert(1)' },
      });
      expect(bad.status).toBe(400);
      // Back to the defaults: the workspace's name, no address.
      await t.api('/api/v1/messaging/settings', { method: 'PUT', body: {} });
      expect(await json(await t.api('/api/v1/messaging/settings'))).toEqual({
        storeName: 'Default store',
        address: null,
        url: null,
      });
      await t.api('/api/v1/templates/Footer', { method: 'DELETE' });
    });

    it('sends a transactional message once per idempotency key, without unsubscribe headers', async () => {
      const request = {
        template: 'Order confirmation',
        profileId,
        data: { order: { number: '1042', total: 59.9 } },
        idempotencyKey: 'order-1042',
      };
      const first = await send(request);
      const again = await send(request);
      expect(again).toEqual({ id: first.id, duplicate: true });
      await t.server.services.sender.drain();
      expect(sink.messages).toHaveLength(1);
      const mail = sink.messages[0]!;
      expect(mail.envelopeTo).toEqual(['ana@example.com']);
      expect(mail.parsed.subject).toBe('Order 1042 confirmed');
      expect(mail.messageId).toBe(`<${first.id}@lens.example>`);
      expect(mail.parsed.headers.has('list-unsubscribe')).toBe(false);
      expect(mail.parsed.text).toContain('1042');
      const sent = await message(first.id);
      expect(sent.status).toBe('sent');
      expect(sent.history.map((h) => h.status)).toEqual(['queued', 'sending', 'sent']);
    });

    it('refuses marketing without consent at send time; one click from the real message unsubscribes', async () => {
      const refused = await send({ template: 'Spring offer', profileId });
      await t.server.services.sender.drain();
      const r = await message(refused.id);
      expect(r.status).toBe('suppressed');
      expect(r.lastError).toMatch(/no email marketing consent \(never given\)/);
      expect(sink.messages).toHaveLength(1);

      const consent = await t.api(`/api/v1/profiles/${profileId}/consent`, {
        method: 'PUT',
        body: {
          channel: 'email',
          status: 'subscribed',
          source: 'checkout',
          proof: { form: 'checkout' },
        },
      });
      expect(consent.status).toBe(200);
      const allowed = await send({ template: 'Spring offer', profileId });
      const sender = t.server.services.sender;
      await sender.drain();
      expect(sink.messages).toHaveLength(2);
      const mail = sink.messages[1]!;
      expect(mail.messageId).toBe(`<${allowed.id}@lens.example>`);
      expect(mail.parsed.subject).toBe('מבצע אביב לAna');
      expect(headerOf(mail.raw, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      const header = headerOf(mail.raw, 'list-unsubscribe') ?? '';
      const url = new URL(/<([^>]+)>/.exec(header)![1]!);
      expect(url.pathname).toMatch(/^\/unsubscribe\//);

      // Queued while subscribed; the person unsubscribes before it goes: the send-time check wins.
      const pending = await send({ template: 'Spring offer', profileId, language: 'en' });
      // RFC 8058: the mailbox provider POSTs exactly this body to the URL.
      const click = await fetch(`${t.url}${url.pathname}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(click.status).toBe(200);
      const state = await json<{
        data: { channel: string; status: string; source: string }[];
        history: unknown[];
      }>(await t.api(`/api/v1/profiles/${profileId}/consent`));
      expect(state.data).toEqual([
        expect.objectContaining({ channel: 'email', status: 'unsubscribed', source: 'one-click' }),
      ]);
      expect(state.history).toHaveLength(2);
      await sender.drain();
      const refusedLate = await message(pending.id);
      expect(refusedLate.status).toBe('suppressed');
      expect(refusedLate.lastError).toMatch(/unsubscribed since/);
      expect(sink.messages).toHaveLength(2);

      // The opt-out is in the profile's timeline.
      await t.settle();
      const events = await json<{ data: { event: string | null }[] }>(
        await t.api(`/api/v1/profiles/${profileId}/events`),
      );
      expect(events.data.map((e) => e.event)).toContain('Unsubscribed');
    });

    it('double opt-in: pending, a confirmation email, and the link subscribes', async () => {
      await t.send('/v1/identify', {
        userId: 'u-cy',
        traits: { email: 'cy@example.com', first_name: 'Cy' },
      });
      await t.settle();
      const cy = (
        await json<{ data: Profile[] }>(await t.api('/api/v1/profiles?email=cy@example.com'))
      ).data[0]!.id;
      const res = await t.api(`/api/v1/profiles/${cy}/consent/double-opt-in`, {
        method: 'POST',
        body: { source: 'footer form', proof: { ip: '203.0.113.7' } },
      });
      expect(res.status).toBe(202);
      const started = await json<{ messageId: string; status: string }>(res);
      expect(started.status).toBe('pending');
      const before = sink.messages.length;
      await t.server.services.sender.drain();
      const mail = sink.messages[before]!;
      expect(mail.envelopeTo).toEqual(['cy@example.com']);
      expect(mail.parsed.subject).toBe('Please confirm your subscription to Default store');
      const link = /https?:\/\/[^\s"<>]+\/confirm\/[A-Za-z0-9._-]+/.exec(
        mail.parsed.html || '',
      )![0];
      const marketingBefore = await send({ template: 'Spring offer', profileId: cy });
      await t.server.services.sender.drain();
      expect((await message(marketingBefore.id)).lastError).toMatch(/awaiting confirmation/);
      const confirm = await fetch(`${t.url}${new URL(link).pathname}`);
      expect(confirm.status).toBe(200);
      const state = await json<{ data: { status: string; source: string }[] }>(
        await t.api(`/api/v1/profiles/${cy}/consent`),
      );
      expect(state.data).toEqual([
        expect.objectContaining({ status: 'subscribed', source: 'double-opt-in' }),
      ]);
      const marketing = await send({ template: 'Spring offer', profileId: cy });
      await t.server.services.sender.drain();
      expect((await message(marketing.id)).status).toBe('sent');
    });

    it('lists the send log per profile, newest first, with the status filter', async () => {
      const all = await json<{ data: { status: string }[] }>(
        await t.api(`/api/v1/profiles/${profileId}/messages`),
      );
      expect(all.data.map((m) => m.status)).toEqual(['suppressed', 'sent', 'suppressed', 'sent']);
      const suppressed = await json<{ data: unknown[] }>(
        await t.api('/api/v1/messages?status=suppressed'),
      );
      expect(suppressed.data).toHaveLength(3);
    });
  });
}
