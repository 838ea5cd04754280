/**
 * The Liquid engine and the compiler without a database: locale filters, the lint, error
 * positions, bounds on hostile templates, data keys that try to reach prototypes, and Hebrew
 * (right-to-left) emails compiled by MJML.
 */
import { describe, expect, it } from 'vitest';
import {
  compileVariant,
  liquidScope,
  renderCompiled,
  type CompiledVariant,
} from '../../src/modules/messaging/template-compiler.js';
import {
  TemplateEngine,
  type RenderContext,
  type RenderSettings,
} from '../../src/modules/messaging/template-engine.js';

const NOW = Date.UTC(2026, 2, 15, 22, 30, 0);

function contextFor(
  over: Partial<RenderContext> = {},
  profile: Partial<RenderContext['profile']> = {},
): RenderContext {
  return {
    profile: {
      id: 'p1',
      email: 'dana@example.com',
      phone: null,
      first_name: 'Dana',
      last_name: null,
      language: 'en',
      timezone: null,
      traits: {},
      computed: {},
      predictions: null,
      ...profile,
    },
    links: { unsubscribe: 'https://shop.example/u?t=a&b=1', preferences: null },
    store: {
      name: 'Shop & Co',
      address: 'Herzl 1, Tel Aviv',
      currency: 'ILS',
      url: 'https://shop.example',
    },
    now: NOW,
    ...over,
  };
}

const settings = (over: Partial<RenderSettings> = {}): RenderSettings => ({
  mode: 'text',
  language: 'en',
  timezone: null,
  currency: 'USD',
  now: NOW,
  workspaceId: null,
  ...over,
});

async function renderText(
  engine: TemplateEngine,
  source: string,
  scope: Record<string, unknown> = {},
  over: Partial<RenderSettings> = {},
): Promise<string> {
  const parsed = engine.parse(source);
  if (!parsed.ok) throw new Error(parsed.issue.message);
  const out = await engine.render(parsed.value, scope, settings(over));
  if (!out.ok) throw new Error(out.error.message);
  return out.value;
}

async function compiled(
  engine: TemplateEngine,
  language: string,
  body: string,
  extra: { subject?: string; preheader?: string; text?: string } = {},
): Promise<CompiledVariant> {
  const outcome = await compileVariant(engine, 'email', language, { subject: 'S', ...extra, body });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.issues));
  return outcome.compiled;
}

const mjml = (inner: string, root = '<mjml>') =>
  `${root}<mj-body><mj-section><mj-column>${inner}</mj-column></mj-section></mj-body></mjml>`;

describe('Liquid filters', () => {
  const engine = new TemplateEngine();

  it('formats money with Intl in the render language, the store currency by default', async () => {
    expect(await renderText(engine, '{{ 1234.5 | money }}', {}, { language: 'en' })).toBe(
      '$1,234.50',
    );
    expect(await renderText(engine, '{{ 1234.5 | money: "EUR" }}', {}, { language: 'en' })).toBe(
      '€1,234.50',
    );
    expect(
      await renderText(engine, '{{ 1234.5 | money }}', {}, { language: 'he', currency: 'ILS' }),
    ).toBe('\u200f1,234.50\u00a0\u200f₪');
    expect(await renderText(engine, '{{ "12" | money: "NOPE1" }}', {}, { language: 'en' })).toBe(
      '12.00 NOPE1',
    );
    expect(await renderText(engine, '[{{ missing | money }}]')).toBe('[]');
    // Formatters are kept per language and currency: the same filter again, in another.
    expect(await renderText(engine, '{{ 2 | money }} {{ 2 | money: "EUR" }}')).toBe('$2.00 €2.00');
    // A language Intl refuses falls back instead of failing the message (and stays so).
    for (let i = 0; i < 2; i++)
      expect(
        await renderText(
          engine,
          '{{ 3 | money }}',
          {},
          { language: 'not a tag!', currency: 'EUR' },
        ),
      ).toBe('3.00 EUR');
  });

  it('formats numbers and dates in the language and the profile time zone', async () => {
    expect(await renderText(engine, '{{ 1234567.891 | number: 2 }}', {}, { language: 'de' })).toBe(
      '1.234.567,89',
    );
    // 22:30 UTC on 15 March is already 16 March in Jerusalem.
    expect(
      await renderText(engine, '{{ now | local_date }}', { now: new Date(NOW).toISOString() }),
    ).toBe('March 15, 2026');
    expect(
      await renderText(engine, '{{ t | local_date }}', { t: NOW }, { timezone: 'Asia/Jerusalem' }),
    ).toBe('March 16, 2026');
    expect(
      await renderText(
        engine,
        '{{ t | local_date: "short" }}',
        { t: NOW },
        { language: 'he', timezone: 'Asia/Jerusalem' },
      ),
    ).toBe('16.3.2026');
    // An unknown zone is UTC, not a failed send.
    expect(
      await renderText(engine, '{{ t | local_datetime }}', { t: NOW }, { timezone: 'Mars/Base' }),
    ).toBe('March 15, 2026 at 10:30 PM');
    // The built-in date filter: 'now' is the injected instant, not the machine's clock.
    expect(await renderText(engine, '{{ "now" | date: "%Y-%m-%d %H:%M" }}')).toBe(
      '2026-03-15 22:30',
    );
  });

  it('takes filters registered later, and refuses unknown ones when parsing', async () => {
    const local = new TemplateEngine();
    const before = local.parse('{{ x | shout }}');
    expect(before.ok).toBe(false);
    if (!before.ok)
      expect(before.issue).toEqual({ line: 1, column: 1, message: 'undefined filter: shout' });
    local.registerFilter('shout', (v) => `${String(v).toUpperCase()}!`);
    expect(await renderText(local, '{{ x | shout }}', { x: 'hi' })).toBe('HI!');
    expect(() => local.registerFilter('Bad Name', () => 1)).toThrow('invalid Liquid filter name');
  });
});

describe('lint', () => {
  const engine = new TemplateEngine();
  const lint = (source: string) => {
    const parsed = engine.parse(source);
    if (!parsed.ok) throw new Error(parsed.issue.message);
    return engine.lint(parsed.value, 'variants.en.body');
  };

  it('warns for each output of a name that may be missing and has no default', () => {
    expect(
      lint('Hi {{ profile.first_name }},\n  {{ order.lines[0].title }} {{ event["sku code"] }}'),
    ).toEqual([
      {
        field: 'variants.en.body',
        line: 1,
        column: 7,
        message: 'profile.first_name has no fallback: add | default: ...',
      },
      {
        field: 'variants.en.body',
        line: 2,
        column: 6,
        message: 'order.lines[0].title has no fallback: add | default: ...',
      },
      {
        field: 'variants.en.body',
        line: 2,
        column: 33,
        message: 'event["sku code"] has no fallback: add | default: ...',
      },
    ]);
  });

  it('does not warn for defaults, always-present names, literals and loop or assigned names', () => {
    expect(
      lint(
        '{{ profile.first_name | default: "there" | upcase }} {{ store.name }} {{ store.currency }} ' +
          '{{ profile.id }} {{ now }} {{ links.unsubscribe }} {{ links.anything }} {{ "x" }} {{ 3 }} ' +
          '{% for p in products %}{{ p.title }}{{ forloop.index }}{% endfor %}' +
          '{% assign n = 1 %}{{ n }}{% capture c %}x{% endcapture %}{{ c }}' +
          '{% if x %}{% assign inner = 2 %}{% endif %}{{ inner }}',
      ),
    ).toEqual([]);
    // Only store.name and store.currency of the store are always there.
    expect(lint('{{ store.address }}').map((w) => w.message)).toEqual([
      'store.address has no fallback: add | default: ...',
    ]);
    // A loop variable outside its loop is a missing name again.
    expect(lint('{% for p in ps %}{% endfor %}{{ p.title }}').map((w) => w.column)).toEqual([33]);
  });
});

describe('errors and bounds', () => {
  const engine = new TemplateEngine({ renderMs: 300, memory: 1_000_000, outputChars: 100_000 });

  it('gives the line and column of a parse error', () => {
    const cases: [string, { line: number; column: number; message: string }][] = [
      ['a\nb\n  {% if x %}', { line: 3, column: 3, message: 'tag {% if x %} not closed' }],
      ['ok\n {{ x | nope }}', { line: 2, column: 2, message: 'undefined filter: nope' }],
      ['{% frobnicate %}', { line: 1, column: 1, message: 'tag "frobnicate" not found' }],
      ['\n\n\n    {{ a', { line: 4, column: 5, message: 'output "{{ a" not closed' }],
    ];
    for (const [source, issue] of cases) {
      const parsed = engine.parse(source);
      expect(parsed.ok ? null : parsed.issue, source).toEqual(issue);
    }
  });

  it('refuses tags that read files', () => {
    for (const tag of [
      '{% include "x" %}',
      '{% render "../../etc/passwd" %}',
      '{% layout "a" %}',
    ]) {
      const parsed = engine.parse(`x\n ${tag}`);
      expect(parsed.ok ? null : parsed.issue).toEqual({
        line: 2,
        column: 2,
        message: `the ${tag.split(' ')[1]} tag is not available: templates cannot read files`,
      });
    }
  });

  it('stops hostile templates with a failure instead of hanging or growing', async () => {
    const hostile = [
      '{% for i in (1..100000000) %}x{% endfor %}',
      '{% for a in (1..900) %}{% for b in (1..900) %}{% for c in (1..900) %}{{ c }}{% endfor %}{% endfor %}{% endfor %}',
      '{% assign s = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s }}',
      '{% for a in (1..1000) %}{% for b in (1..1000) %}yyyyyyyyyy{% endfor %}{% endfor %}',
    ];
    for (const source of hostile) {
      const parsed = engine.parse(source);
      expect(parsed.ok, source).toBe(true);
      if (!parsed.ok) continue;
      const started = performance.now();
      const out = await engine.render(parsed.value, {}, settings());
      expect(performance.now() - started, source).toBeLessThan(3000);
      expect(out.ok, source).toBe(false);
      if (!out.ok) expect(out.error.code).toBe('validation_failed');
    }
    const tooLong = engine.parse('x'.repeat(11_000_000));
    expect(new TemplateEngine({ parseChars: 1000 }).parse('x'.repeat(1001)).ok).toBe(false);
    expect(tooLong.ok).toBe(false);
  });

  it('keeps __proto__ and prototype names of data harmless', async () => {
    const data = JSON.parse(
      '{"__proto__": {"polluted": "yes"}, "order": {"__proto__": {"total": 99}, "id": "o1"}, "profile": "not the profile"}',
    ) as Record<string, unknown>;
    const scope = liquidScope(contextFor({ data }));
    const out = await renderText(
      engine,
      '[{{ polluted }}][{{ order.total }}][{{ order.id }}][{{ order.constructor }}][{{ profile.first_name }}][{{ store.constructor.name }}][{{ profile.toString }}][{{ __proto__.polluted }}]',
      scope,
    );
    expect(out).toBe('[][][o1][][Dana][][][yes]');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(scope)).toBeNull();
    expect(Object.keys(scope).sort()).toEqual([
      '__proto__',
      'event',
      'links',
      'now',
      'order',
      'profile',
      'store',
    ]);
  });
});

describe('email compile and render', () => {
  const engine = new TemplateEngine();

  it('HTML-escapes outputs in the HTML but not in the subject or text', async () => {
    const variant = await compiled(
      engine,
      'en',
      mjml(
        '<mj-text>Hi {{ name }} from {{ store.name }}</mj-text><mj-button href="{{ links.unsubscribe }}">Stop</mj-button>',
      ),
      { subject: '{{ name }} & {{ store.name }}\r\nBcc: x@y', text: 'Hi {{ name }}' },
    );
    const out = await renderCompiled(
      engine,
      variant,
      contextFor({ data: { name: '<b>Dana</b>' } }),
    );
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.value.html).toContain('Hi &lt;b&gt;Dana&lt;/b&gt; from Shop &amp; Co');
    expect(out.value.html).toContain('href="https://shop.example/u?t=a&amp;b=1"');
    expect(out.value.subject).toBe('<b>Dana</b> & Shop & Co Bcc: x@y');
    expect(out.value.text).toBe('Hi <b>Dana</b>');
    expect(out.value.direction).toBe('ltr');
  });

  it('generates the text part from the HTML, links kept, preheader left out', async () => {
    const variant = await compiled(
      engine,
      'en',
      mjml(
        '<mj-text>Hello {{ profile.first_name }}. <a href="{{ links.unsubscribe }}">Unsubscribe</a></mj-text>',
      ),
      { preheader: 'Sale for {{ profile.first_name }}' },
    );
    const out = await renderCompiled(engine, variant, contextFor());
    if (!out.ok) throw new Error(out.error.message);
    expect(out.value.text).toBe('Hello Dana. Unsubscribe [https://shop.example/u?t=a&b=1]');
    expect(out.value.html).toMatch(/<div style="display:none;[^"]*">Sale for Dana<\/div>/);
  });

  it('marks a Hebrew email right-to-left and keeps mixed Hebrew, English and numbers intact', async () => {
    const variant = await compiled(
      engine,
      'he',
      mjml(
        '<mj-text>שלום {{ profile.first_name | default: "חבר" }}, הזמנה #{{ order_id }} של iPhone 15 בסך {{ total | money }} נשלחה</mj-text>',
      ),
      { text: 'שלום {{ profile.first_name | default: "חבר" }} - {{ total | money }}' },
    );
    expect(variant.direction).toBe('rtl');
    const out = await renderCompiled(
      engine,
      variant,
      contextFor(
        { data: { order_id: 'A-1042', total: 349.9 } },
        { first_name: 'דנה', language: 'he' },
      ),
    );
    if (!out.ok) throw new Error(out.error.message);
    const html = out.value.html ?? '';
    expect(html).toMatch(/<html lang="he" dir="rtl"/);
    expect(html).toMatch(/<body dir="rtl"/);
    expect(html).toContain(
      'שלום דנה, הזמנה #A-1042 של iPhone 15 בסך \u200f349.90\u00a0\u200f₪ נשלחה',
    );
    expect(out.value.text).toBe('שלום דנה - \u200f349.90\u00a0\u200f₪');
    expect(out.value).toMatchObject({ language: 'he', direction: 'rtl' });
  });

  it('keeps an author-set direction and leaves English left-to-right', async () => {
    const en = await compiled(engine, 'en', mjml('<mj-text>x</mj-text>'));
    const out = await renderCompiled(engine, en, contextFor());
    if (!out.ok) throw new Error(out.error.message);
    expect(out.value.html).toMatch(/<html lang="en" dir="ltr"/);
    expect(out.value.html).not.toContain('<body dir=');
  });

  it('renders a loop written inside mj-raw, and refuses Liquid MJML would drop', async () => {
    const good = await compiled(
      engine,
      'en',
      '<mjml><mj-body><mj-raw>{% for p in products %}</mj-raw><mj-section><mj-column><mj-text>{{ p.title }}</mj-text></mj-column></mj-section><mj-raw>{% endfor %}</mj-raw></mj-body></mjml>',
    );
    const out = await renderCompiled(
      engine,
      good,
      contextFor({ data: { products: [{ title: 'Mug' }, { title: 'Tee' }] } }),
    );
    if (!out.ok) throw new Error(out.error.message);
    expect(out.value.text).toBe('Mug\n\nTee');

    const bad = await compileVariant(engine, 'email', 'en', {
      subject: 'S',
      body: '<mjml>\n<mj-body>\n  {% for p in products %}<mj-section><mj-column><mj-text>{{ p.title }}</mj-text></mj-column></mj-section>{% endfor %}</mj-body></mjml>',
    });
    expect(bad).toEqual({
      ok: false,
      issues: [
        {
          field: 'variants.en.body',
          line: 3,
          column: 3,
          message:
            'MJML dropped {% for p in products %}: Liquid between MJML sections must be inside <mj-raw>',
        },
      ],
    });
  });

  it('maps MJML errors to lines, and refuses a body that is not MJML', async () => {
    const bad = await compileVariant(engine, 'email', 'en', {
      subject: 'S',
      body: '<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n<mj-texte>x</mj-texte></mj-column></mj-section></mj-body></mjml>',
    });
    expect(bad).toEqual({
      ok: false,
      issues: [
        {
          field: 'variants.en.body',
          line: 5,
          column: 0,
          message: "mj-texte: Element mj-texte doesn't exist or is not registered",
        },
      ],
    });
    const notMjml = await compileVariant(engine, 'email', 'fr', { subject: 'S', body: 'Bonjour' });
    expect(notMjml).toEqual({
      ok: false,
      issues: [
        {
          field: 'variants.fr.body',
          line: 1,
          column: 0,
          message: 'the body must be an MJML document: <mjml>...</mjml>',
        },
      ],
    });
  });

  it('renders push and WhatsApp parts: the tap URL and the approved template parameters', async () => {
    const outcome = await compileVariant(engine, 'whatsapp', 'he', {
      body: 'שלום {{ profile.first_name | default: "" }}',
      url: 'https://shop.test/o/{{ order.number | default: "" }}',
      whatsapp: {
        name: 'order_update',
        language: 'he',
        parameters: [
          '{{ profile.first_name | default: "לקוח" }}',
          '{{ order.number | default: "" }}\n  x',
        ],
      },
    });
    if (!outcome.ok) throw new Error('whatsapp did not compile');
    const out = await renderCompiled(
      engine,
      outcome.compiled,
      contextFor({ data: { order: { number: 'A-7' } } }),
    );
    if (!out.ok) throw new Error('did not render');
    expect(out.value.url).toBe('https://shop.test/o/A-7');
    // Meta refuses line breaks and runs of spaces in a parameter.
    expect(out.value.whatsapp).toEqual({
      name: 'order_update',
      language: 'he',
      parameters: [expect.any(String), 'A-7 x'],
    });
  });

  it('renders SMS bodies as plain text without escaping', async () => {
    const outcome = await compileVariant(engine, 'sms', 'en', {
      body: '{{ store.name }}: {{ code }} <3',
    });
    if (!outcome.ok) throw new Error('sms did not compile');
    const out = await renderCompiled(
      engine,
      outcome.compiled,
      contextFor({ data: { code: 'A&B' } }),
    );
    expect(out).toEqual({
      ok: true,
      value: {
        channel: 'sms',
        language: 'en',
        direction: 'ltr',
        subject: null,
        html: null,
        text: 'Shop & Co: A&B <3',
        url: null,
      },
    });
  });
});
