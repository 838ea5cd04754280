/**
 * Every flow of the library, built with its defaults: the journey validates, each template it
 * sends is one of its own, each template saves with no warning (every variable has a fallback)
 * and renders in English, Hebrew and Serbian for a customer with a name and one without, with
 * no "undefined", no empty greeting and no Liquid left over. This checks content, not storage
 * (the flow service's tests run on both engines), so it runs on SQLite only.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  journeyDefinitionSchema,
  templateInputSchema,
  type JourneyDefinition,
  type RecommendationItem,
} from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultParams } from '../../src/modules/flows/flow-params.js';
import { flowLibrary } from '../../src/modules/flows/library/index.js';
import { TemplateService, type RenderContext } from '../../src/modules/messaging/index.js';
import { ensureWorkspace } from '../../src/modules/workspaces/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { freshDatabase, type TestDatabase } from '../support/engines.js';
import { REPO_ROOT } from '../process/harness.js';

const T0 = Date.UTC(2026, 5, 10, 9, 0, 0);
const picks: RecommendationItem[] = [
  {
    productId: 'p-tea',
    title: 'Green tea 100 g',
    url: 'https://shop.example/p/tea',
    imageUrl: null,
    price: 9.5,
    score: 1,
    strategy: 'also_bought',
    reason: 'customers who bought Mug also bought this',
    reasonCode: 'also_bought',
    reasonParams: { product: 'Mug' },
  },
];
const line = {
  product_id: 'p-mug',
  name: 'Stoneware mug',
  price: 14,
  quantity: 2,
  category: 'Kitchen',
  url: 'https://shop.example/p/mug',
  image_url: 'https://shop.example/mug.png',
};
const event = {
  order_id: 'o-1',
  total: 28,
  currency: 'USD',
  products: [line],
  ...line,
  title: line.name,
};

const context = (language: string, firstName: string | null): RenderContext => ({
  workspaceId: 'w',
  profile: {
    id: 'p1',
    email: 'dana@example.com',
    phone: '+972501234567',
    first_name: firstName,
    last_name: null,
    language,
    timezone: 'Asia/Jerusalem',
    traits: {},
    computed: { order_count: 1 },
    predictions: null,
  },
  event,
  links: { unsubscribe: 'https://shop.example/u/1', preferences: 'https://shop.example/p/1' },
  store: {
    name: 'Olive & Rye',
    address: 'Herzl 1, Tel Aviv',
    currency: 'USD',
    url: 'https://shop.example',
  },
  now: T0,
});

let test: TestDatabase;
let database: Database;
let templates: TemplateService;

beforeAll(async () => {
  test = await freshDatabase('sqlite');
  database = openDatabase(test.url);
  await migrateToLatest(database);
  templates = new TemplateService(database, new ManualClock(T0));
  templates.registerFilter('recommendations', () => picks);
});
afterAll(async () => {
  await database.close();
  await test.drop();
});

describe('the flow library', () => {
  it('has at least the twenty flows the issue names, each id once', () => {
    const ids = flowLibrary.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(20);
  });

  it('is described, flow by flow, in docs/guides/flows.md', () => {
    const guide = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'guides', 'flows.md'), 'utf8');
    for (const f of flowLibrary) expect(guide, f.id).toContain(`(\`${f.id}\`)`);
  });

  describe.each(flowLibrary.map((f) => [f.id, f] as const))('%s', (_id, flow) => {
    const built = flow.build(defaultParams(flow));

    it('is a valid journey that sends only its own templates', () => {
      const parsed = journeyDefinitionSchema.safeParse(built.journey);
      expect(parsed.error?.issues ?? []).toEqual([]);
      const journey = parsed.data as JourneyDefinition;
      expect(journey.name).toBe(flow.name);
      const own = new Set(built.templates.map((t) => t.name));
      const sent = journey.steps.flatMap((s) => (s.type === 'send' ? [s.template] : []));
      expect(sent.length).toBeGreaterThan(0);
      for (const t of sent) expect(own, `${t} is not among the flow's templates`).toContain(t);
      for (const t of own) expect(sent, `${t} is never sent`).toContain(t);
    });

    it('keeps each holdout in the journey as long as the treated, so it can convert', () => {
      const journey = journeyDefinitionSchema.parse(built.journey);
      const byId = new Map(journey.steps.map((s) => [s.id, s]));
      for (const s of journey.steps)
        if (s.type === 'random_split')
          for (const arm of s.arms.filter((a) => a.holdout))
            expect(byId.get(arm.next)?.type, `${s.id}: the holdout arm waits`).toBe('wait');
    });

    it('saves every template without warnings and renders it in en, he and sr', async () => {
      const ws = `w-${flow.id}`;
      await ensureWorkspace(database.db, { id: ws, name: ws, now: T0 });
      for (const input of built.templates) {
        const parsed = templateInputSchema.safeParse(input);
        expect(parsed.error?.issues ?? []).toEqual([]);
        expect(Object.keys(parsed.data?.variants ?? {}).sort()).toEqual(['en', 'he', 'sr']);
        const saved = await templates.create(ws, parsed.data!);
        if (!saved.ok) throw new Error(`${input.name}: ${JSON.stringify(saved.error)}`);
        expect(saved.value.warnings, input.name).toEqual([]);
        for (const language of ['en', 'he', 'sr'])
          for (const name of ['Dana', null]) {
            const r = await templates.render(saved.value, context(language, name));
            if (!r.ok) throw new Error(`${input.name} ${language}: ${JSON.stringify(r.error)}`);
            const text = [r.value.subject, r.value.text, r.value.html].filter(Boolean).join('\n');
            expect(text, `${input.name} ${language}`).not.toMatch(/undefined|\bnull\b|{{|{%|NaN/);
            expect(text).not.toMatch(/(Hi|שלום|Zdravo)\s*,/);
            expect(r.value.language).toBe(language);
            if (language === 'he') expect(r.value.direction).toBe('rtl');
          }
      }
    });
  });
});
