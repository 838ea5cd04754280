/**
 * TemplateService on both engines: versions, lookups by id or name, validation that stores
 * nothing, name conflicts, the compiled cache (MJML once per version and language), language
 * fallback, and the starter layouts.
 */
import type { TemplateDefinition } from '@comeback/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { starterLayouts } from '../../src/modules/messaging/starter-layouts.js';
import {
  TemplateService,
  type RenderContext,
} from '../../src/modules/messaging/template-service.js';
import { ManualClock } from '../../src/platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';

const T0 = Date.UTC(2026, 0, 10, 9, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

const mjml = (text: string) =>
  `<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n<mj-text>${text}</mj-text>\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>`;

function email(name: string, over: Partial<TemplateDefinition> = {}): TemplateDefinition {
  return {
    name,
    channel: 'email',
    kind: 'marketing',
    defaultLanguage: 'en',
    variants: {
      en: {
        subject: 'Hello {{ store.name }}',
        body: mjml('Hi {{ profile.first_name | default: "there" }}'),
      },
      he: {
        subject: 'שלום {{ store.name }}',
        body: mjml('שלום {{ profile.first_name | default: "לך" }}'),
      },
      pt: { subject: 'Olá', body: mjml('Olá {{ profile.first_name | default: "amigo" }}') },
    },
    ...over,
  };
}

const context = (language: string | null): RenderContext => ({
  profile: {
    id: 'p1',
    email: 'a@example.com',
    phone: null,
    first_name: 'Ana',
    last_name: null,
    language,
    timezone: null,
    traits: {},
    computed: {},
    predictions: null,
  },
  data: {
    products: [
      {
        title: 'Mug',
        price: 12,
        url: 'https://s.example/mug',
        image_url: 'https://s.example/mug.png',
      },
    ],
  },
  links: { unsubscribe: 'https://s.example/u/1', preferences: null },
  store: { name: 'Shop', address: 'Herzl 1', currency: 'USD', url: 'https://s.example' },
  now: T0,
});

describe.each(engines)('templates on %s', (engine) => {
  let test: TestDatabase;
  let database: Database;
  let clock: ManualClock;
  let compiles: string[];
  let templates: TemplateService;
  let run = 0;
  let w: string;

  beforeAll(async () => {
    test = await freshDatabase(engine);
    database = openDatabase(test.url);
    await migrateToLatest(database);
    clock = new ManualClock(T0);
  });
  afterAll(async () => {
    await database.close();
    await test.drop();
  });
  beforeEach(async () => {
    run += 1;
    w = `w${run}`;
    await database.db
      .insertInto('workspaces')
      .values({ id: w, name: w, currency: 'USD', created_at: 0 })
      .execute();
    compiles = [];
    templates = new TemplateService(database, clock, { onCompile: (key) => compiles.push(key) });
  });

  const storedRows = async () => ({
    templates: (
      await database.db
        .selectFrom('message_templates')
        .selectAll()
        .where('workspace_id', '=', w)
        .execute()
    ).length,
    versions: (
      await database.db
        .selectFrom('message_template_versions')
        .innerJoin(
          'message_templates',
          'message_templates.id',
          'message_template_versions.template_id',
        )
        .select('message_template_versions.version')
        .where('workspace_id', '=', w)
        .execute()
    ).length,
  });

  it('creates version 1, saves new versions, and still reads the old one', async () => {
    const created = await templates.create(w, email('Welcome'));
    if (!created.ok) throw new Error(created.error.message);
    const t1 = created.value;
    expect(t1.id).toMatch(/^tpl_[0-9a-f]{20}$/);
    expect(t1).toMatchObject({
      name: 'Welcome',
      version: 1,
      channel: 'email',
      kind: 'marketing',
      description: null,
      warnings: [],
      createdAt: iso(T0),
      updatedAt: iso(T0),
    });

    clock.advance(60_000);
    const changed = email('Welcome back', { description: 'v2' });
    changed.variants.en = {
      subject: 'New {{ store.name }}',
      body: mjml('Hey {{ profile.first_name }}'),
    };
    const updated = await templates.update(w, 'Welcome', changed);
    if (!updated.ok) throw new Error(updated.error.message);
    expect(updated.value).toMatchObject({
      id: t1.id,
      name: 'Welcome back',
      version: 2,
      description: 'v2',
      createdAt: iso(T0),
      updatedAt: iso(T0 + 60_000),
    });
    // Saved with a warning, not refused.
    expect(updated.value.warnings).toEqual([
      {
        field: 'variants.en.body',
        line: 5,
        column: 17,
        message: 'profile.first_name has no fallback: add | default: ...',
      },
    ]);

    const byName = await templates.get(w, 'Welcome back');
    const byId = await templates.get(w, t1.id);
    expect(byName).toEqual(byId);
    expect(byId.ok && byId.value).toMatchObject({
      version: 2,
      variants: { en: changed.variants.en },
    });
    expect((await templates.get(w, 'Welcome')).ok).toBe(false);

    const old = await templates.getVersion(w, t1.id, 1);
    if (!old.ok) throw new Error(old.error.message);
    expect(old.value).toMatchObject({
      version: 1,
      name: 'Welcome back',
      updatedAt: iso(T0),
      warnings: [],
    });
    expect(old.value.variants.en).toEqual(email('x').variants.en);
    expect((await templates.getVersion(w, t1.id, 3)).ok).toBe(false);
    expect(await storedRows()).toEqual({ templates: 1, versions: 2 });

    // Another workspace sees none of it.
    const other = `${w}-other`;
    await database.db
      .insertInto('workspaces')
      .values({ id: other, name: other, currency: 'USD', created_at: 0 })
      .execute();
    expect(await templates.list(other)).toEqual([]);
    expect((await templates.get(other, t1.id)).ok).toBe(false);
  });

  it('refuses invalid Liquid or MJML with the field and line, storing nothing', async () => {
    const bad = email('Broken');
    bad.variants.he = { subject: 'שלום {{ store.name', body: mjml('x') };
    bad.variants.pt = { subject: 'Olá', body: mjml('{% if x %}olá') };
    const refused = await templates.create(w, bad);
    expect(refused).toEqual({
      ok: false,
      error: {
        code: 'validation_failed',
        message: 'variants.he.subject: line 1, column 6: output "{{ store.name" not closed',
        details: [
          {
            field: 'variants.he.subject',
            message: 'line 1, column 6: output "{{ store.name" not closed',
          },
          { field: 'variants.pt.body', message: 'line 5, column 10: tag {% if x %} not closed' },
        ],
      },
    });
    const badMjml = email('Broken');
    badMjml.variants.en = {
      subject: 'S',
      body: '<mjml>\n<mj-body>\n<mj-section>\n<mj-text>x</mj-text>\n</mj-section>\n</mj-body>\n</mjml>',
    };
    const refusedMjml = await templates.create(w, badMjml);
    expect(!refusedMjml.ok && refusedMjml.error.details).toEqual([
      {
        field: 'variants.en.body',
        message:
          'line 4, column 0: mj-text: mj-text cannot be used inside mj-section, only inside: mj-attributes, mj-column, mj-hero',
      },
    ]);
    expect(await storedRows()).toEqual({ templates: 0, versions: 0 });

    // An update that does not compile leaves the saved version as it was.
    const saved = await templates.create(w, email('Kept'));
    if (!saved.ok) throw new Error(saved.error.message);
    expect((await templates.update(w, saved.value.id, badMjml)).ok).toBe(false);
    expect(await storedRows()).toEqual({ templates: 1, versions: 1 });
    expect((await templates.get(w, 'Kept')).ok && (await templates.get(w, 'Kept'))).toMatchObject({
      value: { version: 1, name: 'Kept' },
    });
  });

  it('refuses a changed channel, a duplicate name, and an unknown template', async () => {
    const a = await templates.create(w, email('A'));
    if (!a.ok) throw new Error(a.error.message);
    const asSms: TemplateDefinition = {
      ...email('A'),
      channel: 'sms',
      variants: { en: { body: 'hi' } },
    };
    const channel = await templates.update(w, a.value.id, asSms);
    expect(!channel.ok && channel.error).toMatchObject({
      code: 'validation_failed',
      details: [{ field: 'channel', message: 'cannot change from email: create another template' }],
    });

    const duplicate = await templates.create(w, email('A'));
    expect(!duplicate.ok && duplicate.error).toMatchObject({
      code: 'conflict',
      details: [{ field: 'name' }],
    });
    const b = await templates.create(w, email('B'));
    if (!b.ok) throw new Error(b.error.message);
    const rename = await templates.update(w, 'B', email('A'));
    expect(!rename.ok && rename.error.code).toBe('conflict');
    expect(await storedRows()).toEqual({ templates: 2, versions: 2 });

    expect(!(await templates.get(w, 'tpl_00000000000000000000')).ok).toBe(true);
    const missing = await templates.update(w, 'Nope', email('Nope'));
    expect(!missing.ok && missing.error.code).toBe('not_found');
    expect(await templates.remove(w, 'A')).toEqual({ ok: true, value: { removed: a.value.id } });
    expect(!(await templates.remove(w, 'A')).ok).toBe(true);
    expect((await templates.list(w)).map((t) => t.name)).toEqual(['B']);
    expect(await storedRows()).toEqual({ templates: 1, versions: 1 });
  });

  it('compiles once per version and language, and falls back through languages', async () => {
    const created = await templates.create(w, email('Cached'));
    if (!created.ok) throw new Error(created.error.message);
    // Saving compiles each variant once, and the result is what rendering uses.
    expect(compiles).toEqual([':unsaved:en', ':unsaved:he', ':unsaved:pt']);
    const t = created.value;
    for (let i = 0; i < 3; i++) expect((await templates.render(t, context('en'))).ok).toBe(true);
    expect(compiles).toHaveLength(3);

    // Another process (a fresh service) compiles on first render, then never again.
    const seen: string[] = [];
    const fresh = new TemplateService(database, clock, { onCompile: (k) => seen.push(k) });
    const saved = await fresh.get(w, t.id);
    if (!saved.ok) throw new Error(saved.error.message);
    const chosen = async (asked: string | undefined, profileLanguage: string | null) => {
      const out = await fresh.render(saved.value, context(profileLanguage), asked);
      if (!out.ok) throw new Error(out.error.message);
      return [out.value.language, out.value.direction, out.value.subject, out.value.text];
    };
    expect(await chosen('he', 'en')).toEqual(['he', 'rtl', 'שלום Shop', 'שלום Ana']);
    expect(await chosen(undefined, 'pt-BR')).toEqual(['pt', 'ltr', 'Olá', 'Olá Ana']);
    expect(await chosen(undefined, 'PT_br')).toEqual(['pt', 'ltr', 'Olá', 'Olá Ana']);
    expect(await chosen('fr', 'he-IL')).toEqual(['he', 'rtl', 'שלום Shop', 'שלום Ana']);
    expect(await chosen('fr', null)).toEqual(['en', 'ltr', 'Hello Shop', 'Hi Ana']);
    expect(await chosen('he', null)).toEqual(['he', 'rtl', 'שלום Shop', 'שלום Ana']);
    expect(seen).toEqual([`${t.id}:1:he`, `${t.id}:1:pt`, `${t.id}:1:en`]);

    // Concurrent first renders of a version share one compile.
    const third = new TemplateService(database, clock, { onCompile: (k) => seen.push(k) });
    seen.length = 0;
    const outs = await Promise.all(
      Array.from({ length: 5 }, () => third.render(saved.value, context('en'))),
    );
    expect(outs.map((o) => o.ok && o.value.subject)).toEqual(Array(5).fill('Hello Shop'));
    expect(seen).toEqual([`${t.id}:1:en`]);

    // A new version is compiled anew; the old version's entry is still its own.
    const v2 = await fresh.update(w, t.id, email('Cached', { defaultLanguage: 'pt' }));
    if (!v2.ok) throw new Error(v2.error.message);
    seen.length = 0;
    const out = await fresh.render(v2.value, context('de'));
    expect(out.ok && out.value.language).toBe('pt');
    expect(seen).toEqual([]);
    const v1 = await fresh.getVersion(w, t.id, 1);
    if (!v1.ok) throw new Error(v1.error.message);
    expect((await fresh.render(v1.value, context('pt'))).ok).toBe(true);
    expect(seen).toEqual([]);
  });

  it('saves the starter layouts without errors or warnings, and renders them', async () => {
    const created = await templates.create(w, starterLayouts.newsletter);
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    expect(created.value.warnings).toEqual([]);
    expect(Object.keys(created.value.variants).sort()).toEqual(['en', 'he']);
    const he = await templates.render(created.value, context('he'));
    if (!he.ok) throw new Error(he.error.message);
    expect(he.value.subject).toBe('חדש ב-Shop');
    expect(he.value.html).toMatch(/<html lang="he" dir="rtl"/);
    expect(he.value.html).toContain('href="https://s.example/u/1"');
    expect(he.value.text).toContain('שלום Ana,');
    expect(he.value.text).toContain('Mug');
    expect(he.value.text).toContain('Mug\n\u200f12.00\u00a0\u200f$');
    const en = await templates.render(created.value, { ...context(null), data: {} });
    if (!en.ok) throw new Error(en.error.message);
    expect(en.value.text).toContain('Hi Ana,');
    expect(en.value.text).toContain('Here is what is new this week.');
    expect(en.value.text).toContain('Shop · Herzl 1');
  });
});
