import {
  templateInputSchema,
  type ErrorDetail,
  type RenderedMessage,
  type Template,
  type TemplateDefinition,
  type TemplateWarning,
} from '@comeback/contracts';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/database.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { scoped } from '../../platform/read-scope.js';
import {
  LruCache,
  checkLiquid,
  compileVariant,
  renderCompiled,
  type CompiledVariant,
  type VariantIssue,
} from './template-compiler.js';
import { TemplateEngine, type RenderContext, type TemplateLimits } from './template-engine.js';
import { TemplateStore, noTemplate, type TemplateRecord } from './template-store.js';

export type { RenderContext } from './template-engine.js';

export interface TemplateServiceOptions {
  limits?: Partial<TemplateLimits>;
  /** Compiled variants kept in memory (one per template version and language). */
  cacheSize?: number;
  /** Called with `${templateId}:${version}:${language}` (or `:unsaved:` while saving) per compile. */
  onCompile?: (key: string) => void;
}

export function templateView(record: TemplateRecord, warnings: TemplateWarning[]): Template {
  const d = record.definition;
  return {
    id: record.id,
    name: record.name,
    description: d.description ?? null,
    channel: d.channel,
    kind: d.kind,
    defaultLanguage: d.defaultLanguage,
    variants: d.variants,
    ...(d.webhookUrl !== undefined ? { webhookUrl: d.webhookUrl } : {}),
    version: record.version,
    warnings,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
  };
}

const normaliseTag = (tag: string) => tag.trim().replace(/_/g, '-').toLowerCase();

/**
 * The variant a message is rendered in: the language asked for, else the profile's, each tried
 * whole then by its base (`pt` for `pt-BR`), else the template's default language.
 */
export function chooseLanguage(
  variants: Record<string, unknown>,
  defaultLanguage: string,
  ...wanted: (string | null | undefined)[]
): string {
  const byTag = new Map(Object.keys(variants).map((k) => [normaliseTag(k), k]));
  for (const tag of wanted) {
    if (!tag) continue;
    const normalised = normaliseTag(tag);
    const found = byTag.get(normalised) ?? byTag.get(normalised.split('-')[0] ?? '');
    if (found !== undefined) return found;
  }
  return defaultLanguage;
}

const issueDetail = (i: VariantIssue): ErrorDetail => ({
  field: i.field,
  message: `line ${i.line}, column ${i.column}: ${i.message}`,
});

/** Compile problems as saving reports them: the first in the message, each in `details`. */
function issuesFailure(issues: VariantIssue[]): Result<never> {
  const first = issues[0];
  const where = first ? `${first.field}: line ${first.line}, column ${first.column}: ` : '';
  return fail(
    'validation_failed',
    `${where}${first?.message ?? 'the template does not compile'}`,
    issues.map(issueDetail),
  );
}

/** The definition's shape checked again (callers other than HTTP skip the route's schema). */
function parseDefinition(input: TemplateDefinition): Result<TemplateDefinition> {
  const parsed = templateInputSchema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const details = parsed.error.issues.map((i) => ({
    field: i.path.map(String).join('.'),
    message: i.message,
  }));
  return fail('validation_failed', 'the template is not valid', details);
}

/**
 * Message templates of a workspace: each save is checked whole (every variant's Liquid parsed,
 * every email body compiled by MJML) and stored as a new immutable version; rendering uses a
 * compiled form cached per template version and language, so MJML runs once per version.
 */
export class TemplateService {
  readonly #clock: Clock;
  readonly #store: TemplateStore;
  readonly #engine: TemplateEngine;
  /** Promises, so concurrent first renders of a version share one compile. */
  readonly #compiled: LruCache<Promise<Result<CompiledVariant>>>;
  readonly #warnings: LruCache<TemplateWarning[]>;
  readonly #onCompile: ((key: string) => void) | undefined;

  constructor(database: Database, clock: Clock, options: TemplateServiceOptions = {}) {
    this.#clock = clock;
    this.#store = new TemplateStore(database.db);
    this.#engine = new TemplateEngine(options.limits);
    this.#compiled = new LruCache(options.cacheSize ?? 500);
    this.#warnings = new LruCache(options.cacheSize ?? 500);
    this.#onCompile = options.onCompile;
  }

  /** For later areas (recommendations, coupons, loyalty); a filter is usable once registered. */
  registerFilter(name: string, fn: (...args: unknown[]) => unknown): void {
    this.#engine.registerFilter(name, fn);
  }

  async create(workspaceId: string, input: TemplateDefinition): Promise<Result<Template>> {
    const checked = await this.#check(input);
    if (!checked.ok) return checked;
    const stored = await this.#store.insert(
      workspaceId,
      checked.value.definition,
      this.#clock.now(),
    );
    if (!stored.ok) return stored;
    return ok(this.#remember(stored.value, checked.value));
  }

  /** Saves a new version; the channel a template was made for cannot change. */
  async update(
    workspaceId: string,
    idOrName: string,
    input: TemplateDefinition,
  ): Promise<Result<Template>> {
    const current = await this.#store.latest(workspaceId, idOrName);
    if (!current) return noTemplate(idOrName);
    const sameChannel = (existing: { channel: string }): Result<true> =>
      existing.channel === input.channel
        ? ok(true)
        : fail('validation_failed', `channel: a ${existing.channel} template stays one`, [
            {
              field: 'channel',
              message: `cannot change from ${existing.channel}: create another template`,
            },
          ]);
    const channel = sameChannel(current.definition);
    if (!channel.ok) return channel;
    const checked = await this.#check(input);
    if (!checked.ok) return checked;
    const stored = await this.#store.update(
      workspaceId,
      idOrName,
      checked.value.definition,
      this.#clock.now(),
      sameChannel,
    );
    if (!stored.ok) return stored;
    if (!stored.value) return noTemplate(idOrName);
    return ok(this.#remember(stored.value, checked.value));
  }

  /** The latest version; read once per read scope (a journey pass sends it to many). */
  get(workspaceId: string, idOrName: string): Promise<Result<Template>> {
    return scoped(`template\u0000${workspaceId}\u0000${idOrName}`, async () => {
      const found = await this.#store.latest(workspaceId, idOrName);
      return found ? ok(this.#view(found)) : noTemplate(idOrName);
    });
  }

  /** A version as it was saved (a message records the version it was rendered from). */
  async getVersion(workspaceId: string, id: string, version: number): Promise<Result<Template>> {
    if (!Number.isSafeInteger(version) || version < 1)
      return fail('validation_failed', 'version: must be a positive integer', [
        { field: 'version', message: 'must be a positive integer' },
      ]);
    const found = await this.#store.version(workspaceId, id, version);
    return found ? ok(this.#view(found)) : fail('not_found', `no version ${version} of ${id}`);
  }

  async list(workspaceId: string): Promise<Template[]> {
    return (await this.#store.list(workspaceId)).map((r) => this.#view(r));
  }

  async remove(workspaceId: string, idOrName: string): Promise<Result<{ removed: string }>> {
    const removed = await this.#store.remove(workspaceId, idOrName);
    return removed === null ? noTemplate(idOrName) : ok({ removed });
  }

  /**
   * Renders a saved template for one recipient in the best language it has (see
   * chooseLanguage). The cache is keyed by id, version and language: a version never changes.
   */
  async render(
    template: Template,
    context: RenderContext,
    language?: string,
  ): Promise<Result<RenderedMessage>> {
    const chosen = chooseLanguage(
      template.variants,
      template.defaultLanguage,
      language,
      context.profile.language,
    );
    const key = `${template.id}:${template.version}:${chosen}`;
    let compiling = this.#compiled.get(key);
    if (!compiling) {
      const variant = template.variants[chosen];
      if (!variant) return fail('not_found', `template ${template.id} has no ${chosen} variant`);
      this.#onCompile?.(key);
      compiling = compileVariant(this.#engine, template.channel, chosen, variant).then((outcome) =>
        outcome.ok
          ? ok(outcome.compiled)
          : // Saved versions compiled when saved: only something since changed (a filter gone)
            // can break one, and it stays broken, so the failure is cached too.
            fail(
              'validation_failed',
              `template ${template.id} version ${template.version} no longer compiles`,
              outcome.issues.map(issueDetail),
            ),
      );
      this.#compiled.set(key, compiling);
    }
    const compiled = await compiling;
    if (!compiled.ok) return compiled;
    return this.#renderCompiled(template.name, compiled.value, context);
  }

  /**
   * Renders an unsaved definition (the editor's draft) as `render` would render it once saved:
   * the same language choice, compile and Liquid. Only the variant shown is compiled, so a
   * preview costs one MJML run; its Liquid and MJML errors fail with line and column as saving
   * does. Nothing is stored or cached: a draft changes with every keystroke.
   */
  async renderDraft(
    input: TemplateDefinition,
    context: RenderContext,
    language?: string,
  ): Promise<Result<RenderedMessage>> {
    const parsed = parseDefinition(input);
    if (!parsed.ok) return parsed;
    const draft = parsed.value;
    const chosen = chooseLanguage(
      draft.variants,
      draft.defaultLanguage,
      language,
      context.profile.language,
    );
    const variant = draft.variants[chosen];
    // The schema requires the default language's variant, which chooseLanguage falls back to.
    if (!variant) throw new Error(`a checked draft has no ${chosen} variant`);
    this.#onCompile?.(`:draft:${chosen}`);
    const outcome = await compileVariant(this.#engine, draft.channel, chosen, variant);
    if (!outcome.ok) return issuesFailure(outcome.issues);
    return this.#renderCompiled(draft.name, outcome.compiled, context);
  }

  async #renderCompiled(
    name: string,
    compiled: CompiledVariant,
    context: RenderContext,
  ): Promise<Result<RenderedMessage>> {
    const rendered = await renderCompiled(this.#engine, compiled, context);
    if (rendered.ok) return rendered;
    return fail('validation_failed', `rendering ${name}: ${rendered.error.message}`, [
      { field: `variants.${compiled.language}`, message: rendered.error.message },
    ]);
  }

  /** Checks a whole definition: its shape, then every variant compiled. Nothing is stored. */
  async #check(input: TemplateDefinition): Promise<
    Result<{
      definition: TemplateDefinition;
      compiled: Map<string, CompiledVariant>;
      warnings: TemplateWarning[];
    }>
  > {
    const parsed = parseDefinition(input);
    if (!parsed.ok) return parsed;
    const definition = parsed.value;
    const compiled = new Map<string, CompiledVariant>();
    const warnings: TemplateWarning[] = [];
    const issues: VariantIssue[] = [];
    for (const [language, variant] of Object.entries(definition.variants)) {
      this.#onCompile?.(`:unsaved:${language}`);
      const outcome = await compileVariant(this.#engine, definition.channel, language, variant);
      if (!outcome.ok) issues.push(...outcome.issues);
      else {
        compiled.set(language, outcome.compiled);
        warnings.push(...outcome.warnings);
      }
    }
    if (issues.length > 0) return issuesFailure(issues);
    return ok({ definition, compiled, warnings });
  }

  /** A saved version's compiled variants and warnings go straight into the caches. */
  #remember(
    record: TemplateRecord,
    checked: { compiled: Map<string, CompiledVariant>; warnings: TemplateWarning[] },
  ): Template {
    for (const [language, compiled] of checked.compiled)
      this.#compiled.set(
        `${record.id}:${record.version}:${language}`,
        Promise.resolve(ok(compiled)),
      );
    this.#warnings.set(`${record.id}:${record.version}`, checked.warnings);
    return templateView(record, checked.warnings);
  }

  /** Warnings are not stored: the lint of a version is recomputed (Liquid only) when not cached. */
  #view(record: TemplateRecord): Template {
    const key = `${record.id}:${record.version}`;
    let warnings = this.#warnings.get(key);
    if (!warnings) {
      warnings = Object.entries(record.definition.variants).flatMap(
        ([language, variant]) => checkLiquid(this.#engine, language, variant).warnings,
      );
      this.#warnings.set(key, warnings);
    }
    return templateView(record, warnings);
  }
}
