/**
 * The Hebrew starter newsletter as a reader sees it: rendered by TemplateService on a fresh
 * SQLite database, opened in headless Chromium, checked for right-to-left layout (computed
 * direction, right-aligned text) and the visual order of a mixed Hebrew + English + number
 * sentence, and saved as a screenshot (test-artifacts/rtl-email-he.png) for a person to look
 * at. Skipped, with a note, where playwright-core or /usr/bin/chromium is not installed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { starterLayouts } from '../../src/modules/messaging/starter-layouts.js';
import { TemplateService } from '../../src/modules/messaging/template-service.js';
import { ManualClock } from '../../src/platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { freshDatabase, type TestDatabase } from '../support/engines.js';
import { REPO_ROOT } from '../process/harness.js';
import { CHROMIUM, loadPlaywright } from '../support/chromium.js';

const SCREENSHOT = path.join(REPO_ROOT, 'test-artifacts', 'rtl-email-he.png');
/** Logical order: Hebrew, Hebrew, an English run of two words, Hebrew, a number, Hebrew. */
const MIXED = 'המבצע של Comeback Shop נמשך 3 ימים';
const WORDS = ['המבצע', 'של', 'Comeback', 'Shop', 'נמשך', '3', 'ימים'];

const playwright = await loadPlaywright();
if (!playwright) console.warn(`rtl-email-browser: skipped (needs playwright-core and ${CHROMIUM})`);

/** Runs in the page: what the layout checks need, measured by the browser itself. */
const MEASURE = `(() => {
  const innermost = (text) => {
    let best = null;
    for (const el of document.querySelectorAll('body *')) {
      if (el.children.length === 0 && el.textContent.includes(text)) best = el;
    }
    return best;
  };
  const block = (text) => {
    const el = innermost(text);
    if (!el) return null;
    const s = getComputedStyle(el);
    return { direction: s.direction, textAlign: s.textAlign };
  };
  const mixed = innermost(${JSON.stringify(MIXED)});
  const node = mixed && [...mixed.childNodes].find((n) => n.nodeType === 3 && n.data.includes(${JSON.stringify(MIXED)}));
  const words = {};
  if (node) {
    let from = 0;
    for (const word of ${JSON.stringify(WORDS)}) {
      const at = node.data.indexOf(word, from);
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + word.length);
      const r = range.getBoundingClientRect();
      words[word] = { left: r.left, right: r.right, top: r.top };
      from = at + word.length;
    }
  }
  return {
    html: { lang: document.documentElement.lang, dir: document.documentElement.dir },
    body: getComputedStyle(document.body).direction,
    greeting: block('שלום נועה'),
    intro: block(${JSON.stringify(MIXED)}),
    product: block('ספל קפה'),
    words,
  };
})()`;

interface Measured {
  html: { lang: string; dir: string };
  body: string;
  greeting: { direction: string; textAlign: string } | null;
  intro: { direction: string; textAlign: string } | null;
  product: { direction: string; textAlign: string } | null;
  words: Record<string, { left: number; right: number; top: number }>;
}

describe('the Hebrew newsletter in a browser', () => {
  let test: TestDatabase;
  let database: Database;
  let html = '';

  beforeAll(async () => {
    test = await freshDatabase('sqlite');
    database = openDatabase(test.url);
    await migrateToLatest(database);
    await database.db
      .insertInto('workspaces')
      .values({ id: 'w1', name: 'one', currency: 'ILS', created_at: 0 })
      .execute();
    const clock = new ManualClock(Date.UTC(2026, 5, 1, 9));
    const templates = new TemplateService(database, clock);
    const saved = await templates.create('w1', starterLayouts.newsletter);
    if (!saved.ok) throw new Error(saved.error.message);
    const rendered = await templates.render(saved.value, {
      profile: {
        id: 'p1',
        email: 'noa@example.com',
        phone: null,
        first_name: 'נועה',
        last_name: null,
        language: 'he-IL',
        timezone: 'Asia/Jerusalem',
        traits: {},
        computed: {},
        predictions: null,
      },
      // No image URLs: the page must not reach the network.
      data: {
        intro: MIXED,
        products: [
          { title: 'ספל קפה', url: 'https://shop.example/p/1', price: 49.9, currency: 'ILS' },
          { title: 'Tea pot', url: 'https://shop.example/p/2', price: 120, currency: 'ILS' },
        ],
      },
      links: { unsubscribe: 'https://shop.example/u/p1', preferences: null },
      store: { name: 'החנות', address: 'הרצל 1', currency: 'ILS', url: 'https://shop.example' },
      now: clock.now(),
    });
    if (!rendered.ok) throw new Error(rendered.error.message);
    expect(rendered.value).toMatchObject({ language: 'he', direction: 'rtl' });
    html = rendered.value.html ?? '';
  });
  afterAll(async () => {
    await database.close();
    await test.drop();
  });

  it('marks the document right-to-left in the HTML itself', () => {
    expect(html).toMatch(/<html lang="he" dir="rtl"/);
    expect(html).toMatch(/<body dir="rtl"/);
    expect(html).toContain(`>${MIXED}</div>`);
  });

  it.skipIf(!playwright)(
    'lays it out right-to-left in Chromium, and saves a screenshot',
    async () => {
      if (!playwright) return;
      const browser = await playwright.chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
      try {
        const page = await browser.newPage();
        await page.setViewportSize({ width: 800, height: 1200 });
        await page.setContent(html, { waitUntil: 'load' });
        const m = (await page.evaluate(MEASURE)) as Measured;
        expect(m.html).toEqual({ lang: 'he', dir: 'rtl' });
        expect(m.body).toBe('rtl');
        expect(m.greeting).toEqual({ direction: 'rtl', textAlign: 'right' });
        expect(m.intro).toEqual({ direction: 'rtl', textAlign: 'right' });
        // Product cells are centred by the layout, but still read right to left.
        expect(m.product).toEqual({ direction: 'rtl', textAlign: 'center' });

        // One line, read right to left: each logical word sits left of the one before it,
        // except inside the English run, which keeps its own left-to-right order.
        const w = (word: string) => {
          const box = m.words[word];
          if (!box) throw new Error(`${word} not measured`);
          return box;
        };
        expect(new Set(WORDS.map((x) => w(x).top)).size).toBe(1);
        expect(w('של').right).toBeLessThanOrEqual(w('המבצע').left);
        expect(w('Shop').right).toBeLessThanOrEqual(w('של').left);
        expect(w('Comeback').right).toBeLessThanOrEqual(w('Shop').left);
        expect(w('נמשך').right).toBeLessThanOrEqual(w('Comeback').left);
        expect(w('3').right).toBeLessThanOrEqual(w('נמשך').left);
        expect(w('ימים').right).toBeLessThanOrEqual(w('3').left);

        fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
        await page.screenshot({ path: SCREENSHOT, fullPage: true });
        expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
      } finally {
        await browser.close();
      }
    },
  );
});
