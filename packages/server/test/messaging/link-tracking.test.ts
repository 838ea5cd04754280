/**
 * Click and open tracking: the HTML rewrite (exact bytes), UTM merging, the machine-activity
 * rules, and the public /click and /open routes over real HTTP on a real Fastify app.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { trackingLinkRoutes, TRANSPARENT_GIF } from '../../src/http/routes/tracking-link-routes.js';
import {
  campaignSlug,
  trackLinks,
  withUtm,
  type TrackingContext,
} from '../../src/modules/messaging/link-tracking.js';
import { classifyClick, classifyOpen } from '../../src/modules/messaging/machine-activity.js';
import { LinkSigner } from '../../src/modules/messaging/signed-links.js';
import type { TimelineEvent } from '../../src/modules/messaging/timeline.js';
import { ManualClock } from '../../src/platform/clock.js';

const SECRET = 'an-instance-secret-of-enough-length';
const BASE = 'https://t.shop.example';
const MESSAGE = 'msg_0123456789abcdef01234567';
const context: TrackingContext = {
  workspaceId: 'w1',
  profileId: 'p-1',
  messageId: MESSAGE,
  campaign: 'Welcome 1: Our Story',
};
const UTM = 'utm_source=comeback&utm_medium=email&utm_campaign=welcome-1-our-story';
const BROWSER =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

describe('trackLinks', () => {
  const signer = new LinkSigner(SECRET, BASE);
  const click = (u: string) => signer.url('click', { w: 'w1', p: 'p-1', m: MESSAGE, u });
  const pixel = `<img src="${signer.url('open', { w: 'w1', p: 'p-1', m: MESSAGE })}" width="1" height="1" alt="" style="display:none">`;

  it('rewrites exactly the web links and adds the pixel, leaving every other byte', () => {
    const unsubscribe = signer.url('unsubscribe', { w: 'w1', p: 'p-1', c: 'email' });
    const preferences = signer.url('preferences', { w: 'w1', p: 'p-1' });
    const head =
      '<!doctype html><html dir="rtl" lang="he"><head><title>מבצע &amp; הנחה</title>' +
      '<style>a{color:red}</style></head><body style="margin:0">';
    const html = [
      head,
      '<p class="x">שלום דנה, <b>20%</b> הנחה &mdash; רק היום!</p>',
      `<a data-x='1' HREF = 'https://shop.example/sale?a=1&amp;b=2#top' target="_blank">לקנייה</a>`,
      '<A href=http://shop.example/b>b</A>',
      '<a href="https://shop.example/עברית?utm_source=news&amp;x=%20">he</a>',
      '<a href="mailto:hello@shop.example">mail</a><a href="tel:+972501234567">tel</a>',
      `<a href="${unsubscribe}">הסרה</a><a href="${preferences}">העדפות</a>`,
      '<a href="/relative">rel</a><a name="anchor">no href</a><a href="#top">frag</a>',
      '<!--[if mso]><a href="https://shop.example/outlook">o</a><![endif]-->',
      '</body></html>',
    ];
    const out = trackLinks(html.join(''), context, signer);
    const expected = [
      head,
      html[1],
      `<a data-x='1' HREF = '${click(`https://shop.example/sale?a=1&b=2&${UTM}#top`)}' target="_blank">לקנייה</a>`,
      `<A href=${click(`http://shop.example/b?${UTM}`)}>b</A>`,
      `<a href="${click('https://shop.example/עברית?utm_source=news&x=%20&utm_medium=email&utm_campaign=welcome-1-our-story')}">he</a>`,
      html[5],
      html[6],
      html[7],
      html[8],
      `${pixel}</body></html>`,
    ];
    expect(out).toBe(expected.join(''));
  });

  it('appends the pixel when there is no </body>, and ignores one inside a comment', () => {
    expect(trackLinks('<p>hi</p><!-- </body> -->', context, signer)).toBe(
      `<p>hi</p><!-- </body> -->${pixel}`,
    );
    expect(trackLinks('<body>a</BODY >', context, signer)).toBe(`<body>a${pixel}</BODY >`);
  });

  it('leaves malformed and unusual markup as it was', () => {
    for (const html of [
      '<a href>x</a>',
      '<a href="">x</a>',
      '<a href="  ">x</a>',
      '<a href="javascript:alert(1)">x</a>',
      '<a href="https://">x</a>',
      '<a href="data:text/html,hi">x</a>',
      '<area href="https://shop.example/">',
      '<script>var a = \'<a href="https://shop.example/">\';</script>',
      '<textarea><a href="https://shop.example/">x</a></textarea>',
      '<a href="https://shop.example/',
      '<p>&nbsp;שלום</p>\r\n<br/>',
    ])
      expect(trackLinks(html, context, signer), html).toBe(`${html}${pixel}`);
    // Only the first href of an element counts, as in a browser.
    expect(
      trackLinks('<a href="https://a.example/" href="https://b.example/">x</a>', context, signer),
    ).toBe(
      `<a href="${click(`https://a.example/?${UTM}`)}" href="https://b.example/">x</a>${pixel}`,
    );
  });

  it('leaves a target too long for a token untracked, with its UTM parameters', () => {
    const long = `https://shop.example/p?q=${'x'.repeat(400)}`;
    expect(trackLinks(`<a href="${long}">x</a></body>`, context, signer)).toBe(
      `<a href="${long}&amp;${UTM.replaceAll('&', '&amp;')}">x</a>${pixel}</body>`,
    );
  });

  it('omits the profile from tokens of a message to a bare address', () => {
    const out = trackLinks(
      '<a href="https://a.example/">a</a>',
      { ...context, profileId: null },
      signer,
    );
    const u = `https://a.example/?${UTM}`;
    expect(out).toBe(
      `<a href="${signer.url('click', { w: 'w1', m: MESSAGE, u })}">a</a>` +
        `<img src="${signer.url('open', { w: 'w1', m: MESSAGE })}" width="1" height="1" alt="" style="display:none">`,
    );
  });

  it('merges UTM parameters, keeping the ones a link has', () => {
    expect(withUtm('https://a.example', 'c')).toBe(
      'https://a.example?utm_source=comeback&utm_medium=email&utm_campaign=c',
    );
    expect(withUtm('https://a.example/?', 'c')).toBe(
      'https://a.example/?utm_source=comeback&utm_medium=email&utm_campaign=c',
    );
    expect(withUtm('https://a.example/?utm_campaign=spring&utm_medium=sms#x', 'c')).toBe(
      'https://a.example/?utm_campaign=spring&utm_medium=sms&utm_source=comeback#x',
    );
    expect(withUtm('https://a.example/?utm_source=a&utm_medium=b&utm_campaign=c', 'z')).toBe(
      'https://a.example/?utm_source=a&utm_medium=b&utm_campaign=c',
    );
    expect(withUtm('https://a.example/', '')).toBe(
      'https://a.example/?utm_source=comeback&utm_medium=email',
    );
    expect(campaignSlug('Welcome 1: Our Story')).toBe('welcome-1-our-story');
    expect(campaignSlug('  מבצע קיץ!! 2026 ')).toBe('מבצע-קיץ-2026');
    expect(campaignSlug('---')).toBe('');
    expect(withUtm('https://a.example/', campaignSlug('מבצע קיץ'))).toBe(
      'https://a.example/?utm_source=comeback&utm_medium=email&utm_campaign=%D7%9E%D7%91%D7%A6%D7%A2-%D7%A7%D7%99%D7%A5',
    );
  });
});

describe('machine activity', () => {
  const open = { ip: '203.0.113.9', sentAt: 0, at: 3_600_000 };
  const click = { ...open, method: 'GET' };

  it('flags Apple Mail Privacy Protection and image proxies on opens', () => {
    expect(classifyOpen({ ...open, userAgent: 'Mozilla/5.0' })).toEqual({
      machine: true,
      reason: 'apple_mpp_user_agent',
    });
    expect(classifyOpen({ ...open, ip: '17.58.63.10', userAgent: BROWSER })).toEqual({
      machine: true,
      reason: 'apple_mpp_ip',
    });
    expect(classifyOpen({ ...open, ip: '::ffff:17.0.0.1', userAgent: BROWSER }).reason).toBe(
      'apple_mpp_ip',
    );
    expect(classifyOpen({ ...open, ip: '170.1.2.3', userAgent: BROWSER }).machine).toBe(false);
    expect(
      classifyOpen({
        ...open,
        userAgent:
          'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)',
      }).reason,
    ).toBe('google_image_proxy');
    expect(
      classifyOpen({ ...open, userAgent: 'YahooMailProxy; https://help.yahoo.com' }).reason,
    ).toBe('yahoo_mail_proxy');
    expect(classifyOpen({ ...open, userAgent: undefined }).reason).toBe('no_user_agent');
    expect(classifyOpen({ ...open, userAgent: BROWSER })).toEqual({ machine: false, reason: null });
  });

  it('flags link scanners, HEAD probes and clicks within 5 s of sending', () => {
    expect(classifyClick({ ...click, method: 'HEAD', userAgent: BROWSER }).reason).toBe(
      'head_request',
    );
    const scanner = (userAgent: string) => classifyClick({ ...click, userAgent }).reason;
    expect(scanner('Mozilla/5.0 (compatible; BingPreview/1.0b)')).toBe(
      'scanner:microsoft_safe_links',
    );
    expect(scanner('Barracuda Sentinel (EE)')).toBe('scanner:barracuda');
    expect(scanner('Mimecast-URL-Protect')).toBe('scanner:mimecast');
    expect(scanner('Proofpoint URL Defense')).toBe('scanner:proofpoint');
    expect(scanner('Symantec Link Following')).toBe('scanner:symantec');
    expect(scanner('python-requests/2.31')).toBe('scanner:http_library');
    expect(classifyClick({ ...click, at: 4_999, userAgent: BROWSER }).reason).toBe(
      'too_soon_after_send',
    );
    expect(classifyClick({ ...click, at: 5_000, userAgent: BROWSER }).machine).toBe(false);
    expect(classifyClick({ ...click, sentAt: null, at: 10, userAgent: BROWSER }).machine).toBe(
      false,
    );
  });
});

describe('tracking routes over HTTP', () => {
  const T0 = Date.UTC(2026, 5, 1, 9, 0, 0);
  const SENT = T0 - 60_000;
  const clock = new ManualClock(T0);
  let app: FastifyInstance;
  let base: string;
  let links: LinkSigner;
  let events: TimelineEvent[];
  let failTimeline = false;

  beforeAll(async () => {
    // Behind the test's "proxy" so a forwarded address stands for the reader's.
    app = Fastify({ routerOptions: { maxParamLength: 512 }, trustProxy: true });
    links = new LinkSigner(SECRET, 'http://placeholder.invalid');
    trackingLinkRoutes(app, {
      links,
      clock,
      timeline: async (event) => {
        if (failTimeline) throw new Error('the event log is down');
        events.push(event);
      },
      sentAt: async (w, m) =>
        w !== 'w1' ? null : m === MESSAGE ? SENT : m === 'msg_early' ? T0 - 2_000 : null,
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());
  beforeEach(() => {
    events = [];
    failTimeline = false;
  });

  const target = 'https://shop.example/מבצע?a=1&utm_source=comeback';
  const clickPath = (payload: Record<string, string> = {}) =>
    `${base}/click/${links.sign('click', { w: 'w1', p: 'p-1', m: MESSAGE, u: target, ...payload })}`;
  const openPath = () => `${base}/open/${links.sign('open', { w: 'w1', p: 'p-1', m: MESSAGE })}`;
  const get = (url: string, init: RequestInit = {}) =>
    fetch(url, {
      redirect: 'manual',
      ...init,
      headers: { 'user-agent': BROWSER, ...init.headers },
    });

  it('redirects a click to its target and records it once per second', async () => {
    const res = await get(clickPath());
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(
      'https://shop.example/%D7%9E%D7%91%D7%A6%D7%A2?a=1&utm_source=comeback',
    );
    await get(clickPath());
    expect(events).toHaveLength(2);
    expect(events[0]).toEqual({
      workspaceId: 'w1',
      profileId: 'p-1',
      event: 'Email Link Clicked',
      properties: { messageId: MESSAGE, url: target, machine: false, machineReason: null },
      messageId: expect.stringMatching(
        new RegExp(`^click:${MESSAGE}:[A-Za-z0-9_-]{16}:${Math.floor(T0 / 1000)}$`),
      ),
      at: T0,
    });
    // The same request within the second has the same event id: the log keeps one.
    expect(events[1]?.messageId).toBe(events[0]?.messageId);
    const other = await get(clickPath({ u: 'https://shop.example/other' }));
    expect(other.headers.get('location')).toBe('https://shop.example/other');
    expect(events[2]?.messageId).not.toBe(events[0]?.messageId);
  });

  it('answers HEAD without recording, and flags scanners and early clicks', async () => {
    const head = await fetch(clickPath(), { method: 'HEAD', redirect: 'manual' });
    expect(head.status).toBe(302);
    expect(events).toEqual([]);
    await get(clickPath(), { headers: { 'user-agent': 'Mimecast-URL-Protect/1.0' } });
    expect(events[0]?.properties).toEqual({
      messageId: MESSAGE,
      url: target,
      machine: true,
      machineReason: 'scanner:mimecast',
    });
    const early = `${base}/click/${links.sign('click', { w: 'w1', p: 'p-1', m: 'msg_early', u: target })}`;
    await get(early);
    expect(events[1]?.properties.machineReason).toBe('too_soon_after_send');
    // A message sentAt does not know gets no early-click rule.
    const unknown = `${base}/click/${links.sign('click', { w: 'w1', p: 'p-1', m: 'msg_x', u: target })}`;
    await get(unknown);
    expect(events[2]?.properties.machine).toBe(false);
  });

  it('serves the open pixel uncached and records the open', async () => {
    const res = await get(openPath());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    expect(res.headers.get('cache-control')).toBe(
      'no-store, no-cache, must-revalidate, private, max-age=0',
    );
    expect(Buffer.from(await res.arrayBuffer()).equals(TRANSPARENT_GIF)).toBe(true);
    expect(TRANSPARENT_GIF.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(events).toEqual([
      {
        workspaceId: 'w1',
        profileId: 'p-1',
        event: 'Email Opened',
        properties: { messageId: MESSAGE, machine: false, machineReason: null },
        messageId: `open:${MESSAGE}:${Math.floor(T0 / 1000)}`,
        at: T0,
      },
    ]);
    await get(openPath(), { headers: { 'user-agent': 'Mozilla/5.0' } });
    await get(openPath(), { headers: { 'x-forwarded-for': '17.142.160.59' } });
    expect(events.slice(1).map((e) => e.properties.machineReason)).toEqual([
      'apple_mpp_user_agent',
      'apple_mpp_ip',
    ]);
    const head = await fetch(openPath(), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(events).toHaveLength(3);
  });

  it('refuses tampered tokens and other kinds with 400, recording nothing', async () => {
    const token = links.sign('click', { w: 'w1', p: 'p-1', m: MESSAGE, u: target });
    const [body = '', mac = ''] = token.split('.');
    const flipped = `${body.slice(0, 10)}${body[10] === 'A' ? 'B' : 'A'}${body.slice(11)}.${mac}`;
    const openToken = links.sign('open', { w: 'w1', p: 'p-1', m: MESSAGE });
    for (const url of [
      `${base}/click/${flipped}`,
      `${base}/click/${openToken}`,
      `${base}/open/${token}`,
      `${base}/click/not-a-token`,
      `${base}/click/${links.sign('click', { w: 'w1', p: 'p-1', m: MESSAGE, u: 'javascript:alert(1)' })}`,
      `${base}/click/${links.sign('click', { w: 'w1', p: 'p-1', u: target })}`,
    ]) {
      const res = await get(url);
      expect(res.status, url).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toBe('This link is not valid.');
    }
    expect((await fetch(`${base}/click/${flipped}`, { method: 'HEAD' })).status).toBe(400);
    expect(events).toEqual([]);
  });

  it('still redirects and serves the pixel when recording fails', async () => {
    failTimeline = true;
    const res = await get(clickPath());
    expect(res.status).toBe(302);
    expect((await get(openPath())).status).toBe(200);
    expect(events).toEqual([]);
  });

  it('redirects without recording for a message to a bare address', async () => {
    const url = `${base}/click/${links.sign('click', { w: 'w1', m: MESSAGE, u: target })}`;
    expect((await get(url)).status).toBe(302);
    expect(events).toEqual([]);
  });
});
