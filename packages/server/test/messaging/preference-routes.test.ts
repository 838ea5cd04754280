/**
 * The public pages behind signed links, over real HTTP on a real Fastify app holding just this
 * plugin, with the real ConsentService on both engines; and the link signer on its own.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { preferenceRoutes } from '../../src/http/routes/preference-routes.js';
import {
  ConsentService,
  type ConsentChangeHook,
} from '../../src/modules/messaging/consent-service.js';
import { LinkSigner, MAX_TOKEN_LENGTH } from '../../src/modules/messaging/signed-links.js';
import { ManualClock } from '../../src/platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';

const SECRET = 'an-instance-secret-of-enough-length';
const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
type Change = Parameters<ConsentChangeHook>[0];

describe('LinkSigner', () => {
  const signer = new LinkSigner(SECRET, 'https://shop.example/c/');
  const payload = { w: 'w1', p: 'p1', c: 'email', m: 'msg_0123', l: 'he' };

  it('verifies its own tokens and builds the URLs', () => {
    const token = signer.sign('unsubscribe', payload);
    expect({ ...signer.verify('unsubscribe', token) }).toEqual(payload);
    expect(signer.url('unsubscribe', payload)).toBe(`https://shop.example/c/unsubscribe/${token}`);
    expect(signer.url('preferences', { w: 'w1', p: 'p1' })).toMatch(
      /^https:\/\/shop\.example\/c\/preferences\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/,
    );
    expect(signer.url('confirm', payload)).toMatch(/^https:\/\/shop\.example\/c\/confirm\//);
  });

  it('refuses another kind, another secret, a changed byte, junk and over-long tokens', () => {
    const token = signer.sign('unsubscribe', payload);
    expect(signer.verify('preferences', token)).toBeNull();
    expect(signer.verify('confirm', token)).toBeNull();
    expect(new LinkSigner(`${SECRET}-other`, 'x').verify('unsubscribe', token)).toBeNull();
    const [body = '', mac = ''] = token.split('.');
    const flip = (s: string, i: number) =>
      s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    expect(signer.verify('unsubscribe', `${flip(body, 5)}.${mac}`)).toBeNull();
    expect(signer.verify('unsubscribe', `${body}.${flip(mac, 5)}`)).toBeNull();
    expect(signer.verify('unsubscribe', `${body}.${mac}.x`)).toBeNull();
    expect(signer.verify('unsubscribe', `${body}.${mac.slice(0, -2)}`)).toBeNull();
    expect(signer.verify('unsubscribe', `${body}`)).toBeNull();
    expect(signer.verify('unsubscribe', '')).toBeNull();
    expect(signer.verify('unsubscribe', 'a'.repeat(MAX_TOKEN_LENGTH + 1))).toBeNull();
    expect(() => signer.sign('unsubscribe', { w: 'x'.repeat(MAX_TOKEN_LENGTH) })).toThrow(
      'too long',
    );
  });

  it('reads a payload into a null-prototype object of strings only', () => {
    const hostile = signer.sign('click', JSON.parse('{"__proto__":"x","u":"https://a.example"}'));
    const read = signer.verify('click', hostile);
    expect(read === null ? null : Object.getPrototypeOf(read)).toBeNull();
    expect(read && Object.keys(read)).toEqual(['__proto__', 'u']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe.each(engines)('preference pages on %s', (engine) => {
  let test: TestDatabase;
  let database: Database;
  let app: FastifyInstance;
  let base: string;
  let consent: ConsentService;
  let links: LinkSigner;
  const clock = new ManualClock(T0);
  let changes: Change[];
  let run = 0;
  let w: string;
  let p: string;

  beforeAll(async () => {
    test = await freshDatabase(engine);
    database = openDatabase(test.url);
    await migrateToLatest(database);
    consent = new ConsentService(database, {
      onChange: async (change) => {
        changes.push(change);
      },
    });
    // As the real app: tokens are longer than Fastify's default 100-character path segment.
    app = Fastify({ routerOptions: { maxParamLength: 512 } });
    // The server's address is only known once listening; links are checked, not followed.
    links = new LinkSigner(SECRET, 'http://placeholder.invalid');
    preferenceRoutes(app, {
      consent,
      links,
      clock,
      storeName: async () => 'Shop <&> "Q"',
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app.close();
    await database.close();
    await test.drop();
  });
  beforeEach(async () => {
    run += 1;
    w = `w${run}`;
    p = `p-${run}`;
    changes = [];
    await database.db
      .insertInto('workspaces')
      .values({ id: w, name: 'Shop', currency: 'USD', created_at: 0 })
      .execute();
    await consent.update(w, p, { channel: 'email', status: 'subscribed', source: 'form' }, T0);
    changes = [];
  });

  const pathOf = (
    kind: 'unsubscribe' | 'preferences' | 'confirm',
    payload: Record<string, string>,
  ) => `${base}/${kind}/${links.sign(kind, payload)}`;
  const unsubscribeUrl = () => pathOf('unsubscribe', { w, p, c: 'email', m: 'msg_1' });
  const emailGate = () =>
    consent.mayReceive({
      workspaceId: w,
      profileId: p,
      channel: 'email',
      kind: 'marketing',
      to: 'a@b.example',
    });

  it('unsubscribes at once on an RFC 8058 one-click POST, as a mailbox provider sends it', async () => {
    clock.advance(1000);
    const response = await fetch(unsubscribeUrl(), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'Mozilla/5.0 (compatible; Google-List-Unsubscribe)',
      },
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await response.text();
    expect(html).toContain(
      'You are unsubscribed from email messages of Shop &lt;&amp;&gt; &quot;Q&quot;.',
    );
    expect(html).not.toContain('<&>');
    const [state] = await consent.get(w, p);
    expect(state).toEqual({
      channel: 'email',
      status: 'unsubscribed',
      source: 'one-click',
      updatedAt: iso(clock.now()),
      proof: {
        ip: '127.0.0.1',
        userAgent: 'Mozilla/5.0 (compatible; Google-List-Unsubscribe)',
        form: 'List-Unsubscribe=One-Click (message msg_1)',
      },
    });
    expect(await emailGate()).toEqual({
      ok: false,
      reason: `no email marketing consent (unsubscribed since ${iso(clock.now())})`,
    });
    // Providers may send it again: still 200, no second change.
    const again = await fetch(unsubscribeUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(again.status).toBe(200);
    expect(changes).toEqual([
      {
        workspaceId: w,
        profileId: p,
        channel: 'email',
        status: 'unsubscribed',
        source: 'one-click',
        at: clock.now(),
      },
    ]);
  });

  it('takes the one-click body as multipart/form-data too', async () => {
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    const response = await fetch(unsubscribeUrl(), { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect((await consent.get(w, p))[0]?.source).toBe('one-click');
  });

  it('GET shows a button and changes nothing; the page form unsubscribes', async () => {
    const page = await fetch(unsubscribeUrl());
    expect(page.status).toBe(200);
    const html = await page.text();
    const token = unsubscribeUrl().split('/').at(-1) ?? '';
    expect(html).toContain(`<form method="post" action="${token}">`);
    expect(html).toContain('Stop receiving email messages from Shop &lt;&amp;&gt; &quot;Q&quot;?');
    expect(html).toContain('lang="en" dir="ltr"');
    expect((await consent.get(w, p))[0]?.status).toBe('subscribed');
    expect(await emailGate()).toEqual({ ok: true });

    const posted = await fetch(unsubscribeUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'confirm=yes',
    });
    expect(posted.status).toBe(200);
    expect((await consent.get(w, p))[0]).toMatchObject({
      status: 'unsubscribed',
      source: 'unsubscribe-page',
    });
    expect(changes.map((c) => c.source)).toEqual(['unsubscribe-page']);
  });

  it('answers a tampered or wrong-kind token with 400 and records nothing', async () => {
    const url = unsubscribeUrl();
    const token = url.split('/').at(-1) ?? '';
    const tampered = `${token.slice(0, 10)}${token[10] === 'x' ? 'y' : 'x'}${token.slice(11)}`;
    const wrongKind = links.sign('preferences', { w, p, c: 'email' });
    for (const bad of [tampered, wrongKind, 'junk', `${token}x`]) {
      const posted = await fetch(`${base}/unsubscribe/${bad}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect([bad, posted.status]).toEqual([bad, 400]);
      expect(await posted.text()).toContain('This link is not valid');
    }
    const confirm = await fetch(`${base}/confirm/${tampered}`);
    expect(confirm.status).toBe(400);
    const prefs = await fetch(`${base}/preferences/${tampered}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'submitted=yes',
    });
    expect(prefs.status).toBe(400);
    expect(await consent.history(w, p)).toHaveLength(1);
    expect(changes).toEqual([]);
  });

  it('refuses a body over 4 KB, recording nothing', async () => {
    const response = await fetch(unsubscribeUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `List-Unsubscribe=One-Click&pad=${'x'.repeat(5000)}`,
    });
    expect(response.status).toBe(413);
    expect(changes).toEqual([]);
  });

  it('speaks Hebrew, right to left, from the link or from Accept-Language', async () => {
    const fromLink = await fetch(pathOf('unsubscribe', { w, p, c: 'sms', l: 'he' }));
    const html = await fromLink.text();
    expect(html).toContain('<html lang="he" dir="rtl">');
    expect(html).toContain('להפסיק לקבל הודעות SMS מ-Shop &lt;&amp;&gt; &quot;Q&quot;?');
    const fromBrowser = await fetch(pathOf('preferences', { w, p }), {
      headers: { 'accept-language': 'he-IL,he;q=0.9,en-US;q=0.8,en;q=0.7' },
    });
    expect(await fromBrowser.text()).toContain('<html lang="he" dir="rtl">');
    const english = await fetch(pathOf('preferences', { w, p, l: 'en' }), {
      headers: { 'accept-language': 'he-IL' },
    });
    expect(await english.text()).toContain('<html lang="en" dir="ltr">');
    const bad = await fetch(`${base}/preferences/junk`, { headers: { 'accept-language': 'he' } });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('הקישור אינו תקין');
  });

  it('the preference form changes two channels and records only the changes', async () => {
    const url = pathOf('preferences', { w, p });
    const before = await (await fetch(url)).text();
    expect(before).toContain('<input type="checkbox" name="email" value="on" checked>');
    expect(before).toContain('<input type="checkbox" name="sms" value="on">');

    clock.advance(5000);
    const saved = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'submitted=yes&sms=on',
    });
    expect(saved.status).toBe(200);
    const html = await saved.text();
    expect(html).toContain('Your preferences are saved.');
    expect(html).toContain('<input type="checkbox" name="email" value="on">');
    expect(html).toContain('<input type="checkbox" name="sms" value="on" checked>');
    expect((await consent.get(w, p)).map((s) => [s.channel, s.status, s.source])).toEqual([
      ['email', 'unsubscribed', 'preference-center'],
      ['sms', 'subscribed', 'preference-center'],
    ]);
    expect(changes).toEqual([
      {
        workspaceId: w,
        profileId: p,
        channel: 'email',
        status: 'unsubscribed',
        source: 'preference-center',
        at: clock.now(),
      },
      {
        workspaceId: w,
        profileId: p,
        channel: 'sms',
        status: 'subscribed',
        source: 'preference-center',
        at: clock.now(),
      },
    ]);
    // A POST without the form's marker changes nothing.
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(changes).toHaveLength(2);
  });

  it('the confirm link subscribes (double opt-in), once', async () => {
    await consent.update(w, p, { channel: 'whatsapp', status: 'pending', source: 'checkout' }, T0);
    changes = [];
    clock.advance(1000);
    const url = pathOf('confirm', { w, p, c: 'whatsapp' });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(
      'Thank you: you will receive WhatsApp messages from Shop &lt;&amp;&gt; &quot;Q&quot;.',
    );
    expect((await consent.get(w, p)).find((s) => s.channel === 'whatsapp')).toMatchObject({
      status: 'subscribed',
      source: 'double-opt-in',
      updatedAt: iso(clock.now()),
    });
    expect(
      await consent.mayReceive({
        workspaceId: w,
        profileId: p,
        channel: 'whatsapp',
        kind: 'marketing',
        to: '+15550100199',
      }),
    ).toEqual({ ok: true });
    expect((await fetch(url)).status).toBe(200);
    expect(changes).toEqual([
      {
        workspaceId: w,
        profileId: p,
        channel: 'whatsapp',
        status: 'subscribed',
        source: 'double-opt-in',
        at: clock.now(),
      },
    ]);
  });
});
