import type { TemplateWarning } from '@comeback/contracts';
import {
  Liquid,
  LiquidError,
  Tag,
  filters as builtinFilters,
  type Context,
  type FS,
  type Template,
} from 'liquidjs';
import { fail, ok, type Result } from '../../platform/errors.js';
import { lintTemplate } from './template-lint.js';
import { dateFormatOf, isKnownZone, numberFormatOf } from './intl-formats.js';
import { drive } from './liquid-driver.js';

/**
 * The Liquid side of messaging: one `Liquid` instance per TemplateService, configured so a
 * template written by any workspace user cannot read files, reach prototype properties, or
 * hang the process, plus the lint that warns about variables shown without a fallback (its walk
 * lives in template-lint.ts).
 */

/** What a message is rendered with (the caller fills it; `data` keys become top-level names). */
export interface RenderContext {
  /** Whose message: filters that read the store's data (recommendations) look there. */
  workspaceId?: string;
  profile: {
    id: string;
    email: string | null;
    phone: string | null;
    first_name: string | null;
    last_name: string | null;
    language: string | null;
    timezone: string | null;
    traits: Record<string, unknown>;
    computed: Record<string, unknown>;
    predictions: Record<string, unknown> | null;
  };
  /** The triggering event's properties. */
  event?: Record<string, unknown>;
  /** Caller data: order, cart lines, coupon, recommendations... */
  data?: Record<string, unknown>;
  links: { unsubscribe: string | null; preferences: string | null };
  store: { name: string; address: string | null; currency: string; url: string | null };
  /** Epoch ms; exposed to Liquid as an ISO string. */
  now: number;
}

/** Bounds on one template: a hostile one fails with a message instead of hanging or growing. */
export interface TemplateLimits {
  /** Characters one parse may read (the compiled HTML of a 200 kB MJML body is a few MB). */
  parseChars: number;
  /** Milliseconds one render may take. */
  renderMs: number;
  /** liquidjs memory units (roughly characters and array items allocated) per render. */
  memory: number;
  /** Characters one rendered part may have. */
  outputChars: number;
}
export const defaultTemplateLimits: TemplateLimits = {
  parseChars: 10_000_000,
  renderMs: 2_000,
  memory: 20_000_000,
  outputChars: 5_000_000,
};

/** A Liquid or MJML error at a 1-based line and column (column 0: the line is all we know). */
export interface TemplateIssue {
  line: number;
  column: number;
  message: string;
}

/** Per render: whether outputs are HTML-escaped, and what the locale filters format for. */
export interface RenderSettings {
  mode: 'html' | 'text';
  language: string;
  /** An IANA zone; null (or an unknown zone) formats in UTC. */
  timezone: string | null;
  currency: string;
  now: number;
  /** The workspace rendering, when the caller named one. */
  workspaceId: string | null;
}

export type ParsedTemplate = Template[];
export type ParseOutcome =
  { ok: true; value: ParsedTemplate } | { ok: false; issue: TemplateIssue };
export type TemplateFilter = (this: { context: Context }, ...args: unknown[]) => unknown;

/** Top-level names `data` keys may not take. */
export const reservedScopeNames = new Set(['profile', 'event', 'links', 'store', 'now']);

/**
 * Each render gets a fresh (empty) globals object that liquidjs hands to every filter; the
 * settings hang off it here, where no template can reach them.
 */
const settingsOfGlobals = new WeakMap<object, RenderSettings>();
export function renderSettingsOf(context: Context): RenderSettings {
  const settings = settingsOfGlobals.get(context.globals);
  if (!settings) throw new Error('a template was rendered without render settings');
  return settings;
}

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => htmlEscapes[c] ?? c);

/** As liquidjs writes a value: nothing for null, lists joined. */
function liquidText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(liquidText).join('');
  return String(value);
}

/** liquidjs adds the output escape to every `{{ }}` at parse time; it decides per render. */
function escapeForMode(this: { context: Context }, value: unknown): string {
  const text = liquidText(value);
  return renderSettingsOf(this.context).mode === 'html' ? escapeHtml(text) : text;
}

/** Templates must never read files: include, render and layout are refused when parsed. */
class RefusedTag extends Tag {
  constructor(...args: ConstructorParameters<typeof Tag>) {
    super(...args);
    throw new Error(`the ${args[0].name} tag is not available: templates cannot read files`);
  }
  *render(): Generator<unknown, void, unknown> {}
}

/** And in case a tag still reaches for one, the file system has nothing in it. */
const noFiles: FS = {
  exists: () => Promise.resolve(false),
  existsSync: () => false,
  readFile: () => Promise.reject(new Error('templates cannot read files')),
  readFileSync: () => {
    throw new Error('templates cannot read files');
  },
  resolve: (_root: string, file: string) => file,
  contains: () => Promise.resolve(false),
  containsSync: () => false,
  sep: '/',
};

const toNumber = (value: unknown): number | null => {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
};

function toInstant(value: unknown, now: number): Date | null {
  if (value === 'now' || value === 'today') return new Date(now);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'number') return Number.isFinite(value) ? new Date(value) : null;
  if (typeof value !== 'string' || value === '') return null;
  const d = new Date(/^\d+$/.test(value) ? Number(value) : value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Intl throws on a tag or zone it does not know; a profile's bad data must not stop a send. */
function validZone(zone: string | null): string {
  return zone && isKnownZone(zone) ? zone : 'UTC';
}
function numberFormat(language: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  return (
    numberFormatOf(language, options) ??
    numberFormatOf('en', { ...options, style: 'decimal' }) ??
    new Intl.NumberFormat('en')
  );
}

const dateStyles = new Map(
  (['full', 'long', 'medium', 'short'] as const).map((style) => [style as string, style]),
);
function formatDate(
  settings: RenderSettings,
  value: unknown,
  style: unknown,
  withTime: boolean,
): string {
  const instant = toInstant(value, settings.now);
  if (!instant) return value === null || value === undefined ? '' : String(value);
  const dateStyle = (typeof style === 'string' ? dateStyles.get(style) : undefined) ?? 'long';
  const options: Intl.DateTimeFormatOptions = {
    dateStyle,
    ...(withTime ? { timeStyle: 'short' as const } : {}),
    timeZone: validZone(settings.timezone),
  };
  const format =
    dateFormatOf(settings.language, options) ??
    dateFormatOf('en', options) ??
    new Intl.DateTimeFormat('en', { timeZone: 'UTC' });
  return format.format(instant);
}

const localeFilters: Record<string, TemplateFilter> = {
  /** `{{ 12.5 | money }}` in the store's currency, `{{ 12.5 | money: "EUR" }}`; major units. */
  money(amount, currency) {
    const settings = renderSettingsOf(this.context);
    const n = toNumber(amount);
    if (n === null) return amount === null || amount === undefined ? '' : String(amount);
    const code = typeof currency === 'string' && currency !== '' ? currency : settings.currency;
    const format = numberFormatOf(settings.language, { style: 'currency', currency: code });
    return format !== null
      ? format.format(n)
      : `${numberFormat(settings.language, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n)} ${code}`;
  },
  /** `{{ 1234.5 | number }}`, `{{ x | number: 2 }}` (exactly 2 fraction digits). */
  number(value, digits) {
    const settings = renderSettingsOf(this.context);
    const n = toNumber(value);
    if (n === null) return value === null || value === undefined ? '' : String(value);
    const d = toNumber(digits);
    const fraction =
      d === null
        ? {}
        : { minimumFractionDigits: clampDigits(d), maximumFractionDigits: clampDigits(d) };
    return numberFormat(settings.language, fraction).format(n);
  },
  /** `{{ order.created_at | local_date }}`, `| local_date: "short"`: in the profile's zone. */
  local_date(value, style) {
    return formatDate(renderSettingsOf(this.context), value, style, false);
  },
  local_datetime(value, style) {
    return formatDate(renderSettingsOf(this.context), value, style, true);
  },
};
const clampDigits = (d: number) => Math.min(6, Math.max(0, Math.trunc(d)));

const filterName = /^[a-z][a-z0-9_]{0,63}$/;

export class TemplateEngine {
  readonly #liquid: Liquid;
  readonly #limits: TemplateLimits;

  constructor(limits: Partial<TemplateLimits> = {}) {
    this.#limits = { ...defaultTemplateLimits, ...limits };
    this.#liquid = new Liquid({
      ownPropertyOnly: true,
      strictFilters: true,
      strictVariables: false,
      outputEscape: escapeForMode,
      fs: noFiles,
      root: [],
      partials: [],
      layouts: [],
      relativeReference: false,
      dynamicPartials: false,
      // The built-in `date` filter: UTC and English unless the render says otherwise below.
      timezoneOffset: 0,
      locale: 'en-US',
      parseLimit: this.#limits.parseChars,
      renderLimit: this.#limits.renderMs,
      memoryLimit: this.#limits.memory,
    });
    for (const tag of ['include', 'render', 'layout']) this.#liquid.registerTag(tag, RefusedTag);
    for (const [name, fn] of Object.entries(localeFilters)) this.#liquid.registerFilter(name, fn);
    // `date` keeps its strftime formats, but 'now' is the render's instant (the injected clock),
    // and without an explicit offset it formats in the profile's zone.
    const builtinDate = builtinFilters.date;
    if (typeof builtinDate !== 'function') throw new Error('liquidjs has no date filter');
    this.#liquid.registerFilter(
      'date',
      function (
        this: ThisParameterType<typeof builtinDate>,
        v: unknown,
        format: unknown,
        zone: unknown,
      ) {
        const settings = renderSettingsOf(this.context);
        const value = v === 'now' || v === 'today' ? new Date(settings.now) : v;
        const input = typeof value === 'number' ? new Date(value) : value;
        if (typeof input !== 'string' && !(input instanceof Date)) return liquidText(input);
        const offset =
          typeof zone === 'string' || typeof zone === 'number'
            ? zone
            : validZone(settings.timezone);
        const formatted: unknown = builtinDate.call(
          this,
          input,
          typeof format === 'string' ? format : undefined,
          offset,
        );
        return liquidText(formatted);
      },
    );
  }

  /** Adds a filter for later areas (recommendations, coupons, loyalty); a bad name is a bug. */
  registerFilter(name: string, fn: (...args: unknown[]) => unknown): void {
    if (!filterName.test(name)) throw new Error(`invalid Liquid filter name: ${name}`);
    this.#liquid.registerFilter(name, fn);
  }

  parse(source: string): ParseOutcome {
    try {
      return { ok: true, value: this.#liquid.parse(source) };
    } catch (error) {
      return { ok: false, issue: issueOf(error) };
    }
  }

  /** Renders one parsed part; a limit hit or a failing filter is a failure, not a throw. */
  async render(
    template: ParsedTemplate,
    scope: Record<string, unknown>,
    settings: RenderSettings,
  ): Promise<Result<string>> {
    let out: unknown;
    try {
      const globals = {};
      settingsOfGlobals.set(globals, settings);
      // liquidjs's `render`, driven without a promise per step (see liquid-driver.ts).
      out = await drive(this.#liquid._render(template, scope, { globals, sync: false }));
    } catch (error) {
      const issue = issueOf(error);
      return fail(
        'validation_failed',
        `line ${issue.line}, column ${issue.column}: ${issue.message}`,
      );
    }
    const text = typeof out === 'string' ? out : String(out);
    if (text.length > this.#limits.outputChars)
      return fail(
        'validation_failed',
        `the rendered message is longer than ${this.#limits.outputChars} characters`,
      );
    return ok(text);
  }

  /** The lint's warnings for one parsed part (see lintTemplate). */
  lint(template: ParsedTemplate, field: string): TemplateWarning[] {
    return lintTemplate(template, field);
  }
}

/** liquidjs errors carry their token; their message ends with ", line:L, col:C". */
export function issueOf(error: unknown): TemplateIssue {
  const message = error instanceof Error ? error.message : String(error);
  const position = error instanceof LiquidError ? error.token.getPosition() : null;
  const fromText = /, line:(\d+), col:(\d+)$/.exec(message);
  const line = position?.[0] ?? (fromText ? Number(fromText[1]) : 1);
  const column = position?.[1] ?? (fromText ? Number(fromText[2]) : 0);
  return { line, column, message: message.replace(/, line:\d+, col:\d+$/, '') };
}
