import {
  rightToLeftLanguages,
  type ChannelKind,
  type RenderedMessage,
  type TemplateVariant,
  type TemplateWarning,
} from '@comeback/contracts';
import { convert as htmlToText } from 'html-to-text';
import { ok, type Result } from '../../platform/errors.js';
import {
  reservedScopeNames,
  type ParsedTemplate,
  type RenderContext,
  type RenderSettings,
  type TemplateEngine,
} from './template-engine.js';
import { droppedLiquid, mjmlToHtml } from './mjml-to-html.js';

export { LruCache } from './lru-cache.js';

/**
 * Compiling one language variant of one template version, once: for email the MJML body becomes
 * HTML (MJML is slow, Liquid is not), then every part's Liquid is parsed. Rendering a compiled
 * variant only runs Liquid.
 *
 * MJML drops bare text between sections, Liquid tags included: a loop or condition around
 * `<mj-section>`s must be written inside `<mj-raw>` (`<mj-raw>{% for p in products %}</mj-raw>`
 * ... `<mj-raw>{% endfor %}</mj-raw>`). Compiling refuses a body whose Liquid MJML dropped,
 * naming the line, rather than sending a message with half a loop.
 */

export interface CompiledVariant {
  channel: ChannelKind;
  language: string;
  direction: 'ltr' | 'rtl';
  /** Email subject; push and inbox title. */
  subject: ParsedTemplate | null;
  /** Email only: the compiled MJML, outputs HTML-escaped. */
  html: ParsedTemplate | null;
  /** Email: the variant's `text` (null: generated from the HTML). Other channels: the body. */
  text: ParsedTemplate | null;
  /** The text template was made from the compiled HTML (not written by the author). */
  textFromHtml?: boolean;
  /** Push and inbox: where a tap leads. */
  url: ParsedTemplate | null;
  /** WhatsApp: the approved template, its parameters parsed. */
  whatsapp: { name: string; language: string; parameters: ParsedTemplate[] } | null;
}

/** A problem at `field` (`variants.he.body`) that stops the template being saved. */
export interface VariantIssue {
  field: string;
  line: number;
  column: number;
  message: string;
}

export type CompileOutcome =
  | { ok: true; compiled: CompiledVariant; warnings: TemplateWarning[] }
  | { ok: false; issues: VariantIssue[] };

export function directionOf(language: string): 'ltr' | 'rtl' {
  const base = language.split('-')[0]?.toLowerCase() ?? '';
  return (rightToLeftLanguages as readonly string[]).includes(base) ? 'rtl' : 'ltr';
}

type Part = 'subject' | 'preheader' | 'body' | 'text' | 'url';
const parts: readonly Part[] = ['subject', 'preheader', 'body', 'text', 'url'];

/**
 * Parses every Liquid part of a variant as written (so positions are the author's), with the
 * lint's warnings. The email body is parsed as the MJML source it is.
 */
export function checkLiquid(
  engine: TemplateEngine,
  language: string,
  variant: TemplateVariant,
): {
  parsed: Partial<Record<Part, ParsedTemplate>>;
  whatsapp: ParsedTemplate[];
  issues: VariantIssue[];
  warnings: TemplateWarning[];
} {
  const parsed: Partial<Record<Part, ParsedTemplate>> = {};
  const whatsapp: ParsedTemplate[] = [];
  const issues: VariantIssue[] = [];
  const warnings: TemplateWarning[] = [];
  for (const part of parts) {
    const source = variant[part];
    if (source === undefined) continue;
    const field = `variants.${language}.${part}`;
    const outcome = engine.parse(source);
    if (!outcome.ok) issues.push({ field, ...outcome.issue });
    else {
      parsed[part] = outcome.value;
      warnings.push(...engine.lint(outcome.value, field));
    }
  }
  for (const [i, source] of (variant.whatsapp?.parameters ?? []).entries()) {
    const field = `variants.${language}.whatsapp.parameters.${i}`;
    const outcome = engine.parse(source);
    if (!outcome.ok) issues.push({ field, ...outcome.issue });
    else {
      whatsapp.push(outcome.value);
      warnings.push(...engine.lint(outcome.value, field));
    }
  }
  return { parsed, whatsapp, issues, warnings };
}

export async function compileVariant(
  engine: TemplateEngine,
  channel: ChannelKind,
  language: string,
  variant: TemplateVariant,
): Promise<CompileOutcome> {
  const direction = directionOf(language);
  const { parsed, whatsapp, issues, warnings } = checkLiquid(engine, language, variant);
  if (issues.length > 0) return { ok: false, issues };
  const subject = parsed.subject ?? null;
  const extras = {
    url: parsed.url ?? null,
    whatsapp: variant.whatsapp
      ? { name: variant.whatsapp.name, language: variant.whatsapp.language, parameters: whatsapp }
      : null,
  };
  if (channel !== 'email')
    return {
      ok: true,
      compiled: {
        channel,
        language,
        direction,
        subject,
        html: null,
        text: parsed.body ?? null,
        ...extras,
      },
      warnings,
    };

  const field = `variants.${language}.body`;
  const html = await mjmlToHtml(variant.body, language, direction, variant.preheader);
  if (!html.ok) return { ok: false, issues: html.issues.map((i) => ({ field, ...i })) };
  const dropped = droppedLiquid(variant.body, html.value);
  if (dropped) return { ok: false, issues: [{ field, ...dropped }] };
  const compiledHtml = engine.parse(html.value);
  if (!compiledHtml.ok)
    return {
      ok: false,
      issues: [
        {
          field,
          line: 1,
          column: 0,
          message: `the Liquid of the compiled HTML does not parse (${compiledHtml.issue.message}): keep Liquid tags around MJML elements inside <mj-raw>`,
        },
      ],
    };
  return {
    ok: true,
    compiled: {
      channel,
      language,
      direction,
      subject,
      html: compiledHtml.value,
      ...textPart(engine, parsed.text, html.value),
      ...extras,
    },
    warnings,
  };
}

const textOptions = {
  wordwrap: 78,
  selectors: [
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    // The preheader: hidden in the HTML, and no use at the top of the text part.
    { selector: 'div[style*="display:none"]', format: 'skip' },
  ],
};

/**
 * The plain-text part as a template, made once from the compiled HTML with its Liquid still in
 * it: converting each recipient's HTML to text cost more than all the rest of a render. Null
 * (convert per recipient instead) when the conversion broke the Liquid.
 */
function textPart(
  engine: TemplateEngine,
  written: ParsedTemplate | undefined,
  html: string,
): { text: ParsedTemplate | null; textFromHtml: boolean } {
  if (written !== undefined) return { text: written, textFromHtml: false };
  const parsed = engine.parse(htmlToText(html, compileTextOptions));
  return parsed.ok
    ? { text: parsed.value, textFromHtml: true }
    : { text: null, textFromHtml: false };
}

/** As textOptions, but never changing what Liquid reads: no wrapping, no upper-casing. */
const compileTextOptions = {
  ...textOptions,
  wordwrap: false as const,
  selectors: [
    ...textOptions.selectors,
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
      selector,
      options: { uppercase: false },
    })),
  ],
};

/** One compiled variant rendered for one recipient. */
export async function renderCompiled(
  engine: TemplateEngine,
  compiled: CompiledVariant,
  context: RenderContext,
): Promise<Result<RenderedMessage>> {
  const scope = liquidScope(context);
  const settings = (mode: RenderSettings['mode']): RenderSettings => ({
    mode,
    language: compiled.language,
    timezone: context.profile.timezone,
    currency: context.store.currency,
    now: context.now,
    workspaceId: context.workspaceId ?? null,
  });
  let subject: string | null = null;
  if (compiled.subject) {
    const rendered = await engine.render(compiled.subject, scope, settings('text'));
    if (!rendered.ok) return rendered;
    // A subject is one header line: a name with a line break must not make it two.
    subject = rendered.value.replace(/\s+/g, ' ').trim();
  }
  let html: string | null = null;
  if (compiled.html) {
    const rendered = await engine.render(compiled.html, scope, settings('html'));
    if (!rendered.ok) return rendered;
    html = rendered.value;
  }
  let text: string;
  if (compiled.text) {
    const rendered = await engine.render(compiled.text, scope, settings('text'));
    if (!rendered.ok) return rendered;
    // Made from the HTML at compile time, loops and conditions leave blank lines behind.
    text = compiled.textFromHtml
      ? rendered.value
          .replace(/[ \t]+\n/g, '\n')
          .replace(/\n{3,}/g, '\n\n')
          .trim()
      : rendered.value;
  } else text = html === null ? '' : htmlToText(html, textOptions);
  let url: string | null = null;
  if (compiled.url) {
    const rendered = await engine.render(compiled.url, scope, settings('text'));
    if (!rendered.ok) return rendered;
    url = rendered.value.trim() || null;
  }
  let whatsapp: RenderedMessage['whatsapp'];
  if (compiled.whatsapp) {
    const parameters: string[] = [];
    for (const parameter of compiled.whatsapp.parameters) {
      const rendered = await engine.render(parameter, scope, settings('text'));
      if (!rendered.ok) return rendered;
      // Meta refuses a parameter with a line break, a tab or more than 4 spaces in a row.
      parameters.push(rendered.value.replace(/\s+/g, ' ').trim());
    }
    whatsapp = { ...compiled.whatsapp, parameters };
  }
  return ok({
    channel: compiled.channel,
    language: compiled.language,
    direction: compiled.direction,
    subject,
    html,
    text,
    url,
    ...(whatsapp !== undefined ? { whatsapp } : {}),
  });
}

/**
 * The names a template sees: profile, event, links, store, now, and each `data` key at the top
 * (never over a reserved name). Built on null-prototype objects from copies, so a data key such
 * as `__proto__` is just a key; liquidjs reads own properties only.
 */
export function liquidScope(context: RenderContext): Record<string, unknown> {
  const scope: Record<string, unknown> = {};
  Object.setPrototypeOf(scope, null);
  for (const [key, value] of Object.entries(context.data ?? {}))
    if (!reservedScopeNames.has(key)) Object.defineProperty(scope, key, dataProperty(value));
  const p = context.profile;
  scope.profile = {
    id: p.id,
    email: p.email,
    phone: p.phone,
    first_name: p.first_name,
    last_name: p.last_name,
    language: p.language,
    timezone: p.timezone,
    traits: p.traits,
    computed: p.computed,
    predictions: p.predictions,
  };
  scope.event = context.event ?? {};
  scope.links = { unsubscribe: context.links.unsubscribe, preferences: context.links.preferences };
  scope.store = { ...context.store };
  scope.now = new Date(context.now).toISOString();
  return scope;
}
const dataProperty = (value: unknown): PropertyDescriptor => ({
  value,
  enumerable: true,
  writable: true,
  configurable: true,
});
