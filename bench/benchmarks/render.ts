import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { convert as htmlToText } from 'html-to-text';
import mjml2html from 'mjml';
import { starterLayouts } from '../../packages/server/dist/modules/messaging/starter-layouts.js';
import { liquidScope } from '../../packages/server/dist/modules/messaging/template-compiler.js';
import {
  TemplateEngine,
  type ParsedTemplate,
} from '../../packages/server/dist/modules/messaging/template-engine.js';
import {
  TemplateService,
  type RenderContext,
} from '../../packages/server/dist/modules/messaging/template-service.js';
import { ManualClock } from '../../packages/server/dist/platform/clock.js';
import { migrateToLatest, openDatabase } from '../../packages/server/dist/platform/db/database.js';
import type { Benchmark } from '../lib/benchmark.js';
import { removeDir, tempDir } from '../lib/cleanup.js';
import { Random } from '../lib/random.js';
import { resultRow } from '../lib/result.js';
import { intFromEnv } from '../lib/scale.js';
import { fmt } from '../lib/stats.js';

const NOW = Date.UTC(2026, 5, 1, 9);
const WORKSPACE = 'bench';
const FIRST_NAMES = ['Ada', 'Noa', 'Grace', 'Liam', 'Maya', 'Omar', 'Chloé', "O'Brien", null];
const HEBREW_NAMES = ['נועה', 'יונתן', 'מיכל', 'אביגיל', 'דוד', 'שירה', null];
const PRODUCTS = Array.from({ length: 12 }, (_, i) => ({
  title: i % 2 ? `מוצר ${i + 1}` : `Product ${i + 1} & more`,
  url: `https://shop.example/p/${i + 1}`,
  image_url: `https://cdn.shop.example/p/${i + 1}.jpg`,
  price: 9.5 + i * 7,
  currency: i % 3 ? 'ILS' : 'USD',
}));

/** 2,000 (BENCH_RENDER_RECIPIENTS) recipients, seeded: en and he, names, six products each. */
function recipients(n: number): RenderContext[] {
  const rng = new Random(20_261_206);
  return Array.from({ length: n }, (_, i) => {
    const hebrew = rng.next() < 0.5;
    const names = hebrew ? HEBREW_NAMES : FIRST_NAMES;
    const first = rng.int(PRODUCTS.length);
    return {
      profile: {
        id: `p${i}`,
        email: `r${i}@example.com`,
        phone: null,
        first_name: names[rng.int(names.length)] ?? null,
        last_name: null,
        language: hebrew ? 'he-IL' : 'en',
        timezone: hebrew ? 'Asia/Jerusalem' : 'Europe/London',
        traits: {},
        computed: {},
        predictions: null,
      },
      data: {
        products: Array.from({ length: 6 }, (_, k) => PRODUCTS[(first + k) % PRODUCTS.length]),
        intro: rng.next() < 0.3 ? `Picked for recipient ${i}` : undefined,
      },
      links: { unsubscribe: `https://shop.example/u/p${i}`, preferences: null },
      store: {
        name: 'Shop',
        address: 'Herzl 1, Tel Aviv',
        currency: 'USD',
        url: 'https://shop.example',
      },
      now: NOW,
    };
  });
}

interface NaiveParts {
  body: ParsedTemplate;
  subject: ParsedTemplate;
  preheader: ParsedTemplate;
}

/**
 * The naive path, for comparison: per recipient the MJML source is rendered with Liquid, then
 * compiled by MJML, then turned to text, which is what a sender without a compiled cache does.
 * The Liquid parse itself is done once per language (generous to the naive path).
 */
async function naiveRender(
  engine: TemplateEngine,
  parsed: Map<string, NaiveParts>,
  context: RenderContext,
): Promise<{ subject: string; html: string; text: string }> {
  const language = context.profile.language?.startsWith('he') ? 'he' : 'en';
  const p = parsed.get(language);
  if (!p) throw new Error(`no ${language} variant`);
  const settings = (mode: 'html' | 'text') => ({
    mode,
    language,
    timezone: context.profile.timezone,
    currency: context.store.currency,
    now: context.now,
    workspaceId: null,
  });
  const scope = liquidScope(context);
  const unwrap = (r: { ok: true; value: string } | { ok: false; error: { message: string } }) => {
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  const source = unwrap(await engine.render(p.body, scope, settings('html')));
  const preheader = unwrap(await engine.render(p.preheader, scope, settings('text')));
  const subject = unwrap(await engine.render(p.subject, scope, settings('text')));
  const dir = language === 'he' ? 'rtl' : 'ltr';
  const withRoot = source
    .replace('<mjml>', `<mjml lang="${language}" dir="${dir}">`)
    .replace('<mj-head>', `<mj-head><mj-preview>${preheader}</mj-preview>`);
  const { html } = await mjml2html(withRoot, { validationLevel: 'strict', ignoreIncludes: true });
  const text = htmlToText(html, { wordwrap: 78 });
  return { subject, html, text };
}

/**
 * Personalised MJML emails per second on one core: TemplateService (MJML once per template
 * version and language, then Liquid on the compiled HTML per recipient) against the naive path
 * (Liquid on the MJML, then MJML, per recipient), same template, same recipients, same run.
 */
export const renderBenchmark: Benchmark = {
  name: 'render',
  summary:
    'personalised MJML emails/s (starter newsletter, 6 products, 2,000 en+he recipients): ' +
    'TemplateService (compiled once) vs Liquid-then-MJML per recipient; target ratio >= 10',
  async run({ log }) {
    const n = intFromEnv('BENCH_RENDER_RECIPIENTS', 2_000);
    const people = recipients(n);
    const dir = tempDir('render');
    const database = openDatabase(`sqlite:${path.join(dir, 'comeback.db')}`);
    try {
      await migrateToLatest(database);
      await database.db
        .insertInto('workspaces')
        .values({ id: WORKSPACE, name: WORKSPACE, currency: 'USD', created_at: 0 })
        .execute();
      const clock = new ManualClock(NOW);
      const saved = await new TemplateService(database, clock).create(
        WORKSPACE,
        starterLayouts.newsletter,
      );
      if (!saved.ok)
        throw new Error(`the starter newsletter does not save: ${saved.error.message}`);
      // A new service: its cache is empty, so the timed run includes the one compile per language.
      let compiles = 0;
      const service = new TemplateService(database, clock, { onCompile: () => compiles++ });
      const template = saved.value;

      let oursBytes = 0;
      let lastHtml = '';
      const t0 = performance.now();
      for (const context of people) {
        const r = await service.render(template, context);
        if (!r.ok) throw new Error(`render failed: ${r.error.message}`);
        lastHtml = r.value.html ?? '';
        oursBytes += lastHtml.length + r.value.text.length;
      }
      const oursS = (performance.now() - t0) / 1000;
      // Where our time goes: the text part is derived from each recipient's HTML.
      const t2 = performance.now();
      for (let i = 0; i < 100; i++) htmlToText(lastHtml, { wordwrap: 78 });
      const textMs = (performance.now() - t2) / 100;
      log(`ours: ${fmt(n)} emails in ${fmt(oursS, 2)} s (${compiles} compiles)`);

      const engine = new TemplateEngine();
      const parsed = new Map<string, NaiveParts>();
      for (const [language, variant] of Object.entries(template.variants)) {
        const parse = (s: string) => {
          const r = engine.parse(s);
          if (!r.ok) throw new Error(`${language}: ${r.issue.message}`);
          return r.value;
        };
        parsed.set(language, {
          body: parse(variant.body),
          subject: parse(variant.subject ?? ''),
          preheader: parse(variant.preheader ?? ''),
        });
      }
      let naiveBytes = 0;
      const t1 = performance.now();
      for (const context of people) {
        const r = await naiveRender(engine, parsed, context);
        naiveBytes += r.html.length + r.text.length;
      }
      const naiveS = (performance.now() - t1) / 1000;
      log(`naive: ${fmt(n)} emails in ${fmt(naiveS, 2)} s`);

      const ours = n / oursS;
      const naive = n / naiveS;
      return [
        resultRow({
          name: 'render',
          metric: 'emails_per_s',
          unit: 'emails/s',
          ours,
          baseline: naive,
          target: { ratioAtLeast: 10 },
          notes:
            `${fmt(n)} recipients (en + he, seeded names, 6 of 12 products each), one core, ` +
            `sequential: TemplateService.render (${compiles} MJML compiles in the timed run) ` +
            `${fmt(ours)}/s vs Liquid then mjml2html then html-to-text per recipient ` +
            `${fmt(naive)}/s; output ${fmt(oursBytes / n / 1000, 1)} kB vs ` +
            `${fmt(naiveBytes / n / 1000, 1)} kB a message (html + text); ours takes ` +
            `${fmt((oursS * 1000) / n, 1)} ms a message, where converting each message's HTML ` +
            `to text would alone take ${fmt(textMs, 1)} ms (the text part is a template made ` +
            `once per version)`,
        }),
      ];
    } finally {
      await database.close();
      removeDir(dir);
    }
  },
};
