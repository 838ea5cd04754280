import type {
  EnableFlowResult,
  FlowChange,
  FlowDetail,
  FlowSummary,
  Journey,
  JourneySettings,
  TemplateDefinition,
} from '@comeback/contracts';
import type { Clock } from '../../platform/clock.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import {
  canonicalJson,
  type JourneyService,
  type JourneySettingsStore,
} from '../journeys/index.js';
import type { TemplateService } from '../messaging/index.js';
import type { CustomFieldRegistry } from '../profiles/index.js';
import type { SegmentService } from '../segments/index.js';
import {
  buildFlow,
  builtWithDefaults,
  detailOf,
  summaryOf,
  type BuiltFlow,
} from './flow-describe.js';
import { resolveParams } from './flow-params.js';
import type { FlowDefinition } from './flow-types.js';

export interface FlowServiceDeps {
  library: readonly FlowDefinition[];
  templates: TemplateService;
  journeys: JourneyService;
  segments: SegmentService;
  customFields: CustomFieldRegistry;
  settings: JourneySettingsStore;
  clock: Clock;
}

export interface EnableOptions {
  activate?: boolean;
  dryRun?: boolean;
}

/**
 * Sending rules a workspace gets when it enables a flow without having set any: enabled
 * together, the library's flows then share a budget (3 emails and 2 texts a week per customer,
 * the seeds' "do not over-solicit") and keep quiet at night. Rules already set are never
 * touched.
 */
export const LIBRARY_BUDGET: JourneySettings['budget'] = {
  email: [{ max: 3, within: { amount: 7, unit: 'days' } }],
  sms: [{ max: 2, within: { amount: 7, unit: 'days' } }],
  whatsapp: [{ max: 2, within: { amount: 7, unit: 'days' } }],
  push: [{ max: 4, within: { amount: 7, unit: 'days' } }],
};
export const LIBRARY_QUIET_HOURS = { start: '21:00', end: '08:00' };

const templateShape = (
  t: Omit<TemplateDefinition, 'description'> & { description?: string | null | undefined },
) =>
  canonicalJson({
    name: t.name,
    description: t.description ?? null,
    channel: t.channel,
    kind: t.kind,
    defaultLanguage: t.defaultLanguage,
    variants: t.variants,
    webhookUrl: t.webhookUrl ?? null,
  });

/**
 * Lists, shows and enables the library's flows (ADR 0022). Enabling makes the workspace hold
 * exactly what the flow builds: the date fields and segments it reads, its templates (a new
 * version only where the content differs) and its journey (a new version only where the
 * definition differs), so enabling twice changes nothing and enabling after an edit saves and
 * activates a new version. A dry run says what would change and changes nothing.
 */
export class FlowService {
  readonly #d: FlowServiceDeps;
  readonly #byId: Map<string, FlowDefinition>;

  constructor(deps: FlowServiceDeps) {
    this.#d = deps;
    this.#byId = new Map(deps.library.map((f) => [f.id, f]));
  }

  list(): FlowSummary[] {
    return this.#d.library.map((f) => summaryOf(builtWithDefaults(f)));
  }

  show(id: string, params: Readonly<Record<string, unknown>> = {}): Result<FlowDetail> {
    const built = this.#build(id, params);
    return built.ok ? ok(detailOf(built.value)) : built;
  }

  async enable(
    workspaceId: string,
    id: string,
    params: Readonly<Record<string, unknown>> = {},
    options: EnableOptions = {},
  ): Promise<Result<EnableFlowResult>> {
    const built = this.#build(id, params);
    if (!built.ok) return built;
    const b = built.value;
    const dryRun = options.dryRun ?? false;
    const customFields: Record<string, FlowChange> = {};
    for (const name of b.dateFields) {
      const known = (await this.#d.customFields.fieldsOf(workspaceId)).get(name);
      if (known && known.type !== 'date')
        return fail('conflict', `custom field ${name} is a ${known.type}; ${id} needs a date`, [
          { field: `customFields.${name}`, message: 'the flow reads it as a date' },
        ]);
      customFields[name] = known ? 'unchanged' : 'created';
      if (!known && !dryRun) {
        const declared = await this.#d.customFields.declare(
          workspaceId,
          { name, type: 'date', description: `read by the ${b.flow.name} flow` },
          this.#d.clock.now(),
        );
        if (!declared.ok) return declared;
      }
    }
    const segments = await this.#segments(workspaceId, b, dryRun);
    if (!segments.ok) return segments;
    const templates = await this.#templates(workspaceId, b, dryRun);
    if (!templates.ok) return templates;
    const settings = await this.#settings(workspaceId, dryRun);
    return this.#journey(workspaceId, b, options.activate ?? true, dryRun, {
      templates: templates.value,
      segments: segments.value,
      customFields,
      settings,
    });
  }

  #build(id: string, params: Readonly<Record<string, unknown>>): Result<BuiltFlow> {
    const flow = this.#byId.get(id);
    if (!flow)
      return fail('not_found', `no flow ${id} in the library`, [
        { field: 'template', message: `one of: ${[...this.#byId.keys()].join(', ')}` },
      ]);
    const resolved = resolveParams(flow, params);
    if (!resolved.ok)
      return fail('validation_failed', `invalid parameters for ${id}`, resolved.details);
    return ok(buildFlow(flow, resolved.value));
  }

  async #segments(
    workspaceId: string,
    b: BuiltFlow,
    dryRun: boolean,
  ): Promise<Result<Record<string, FlowChange>>> {
    const changes: Record<string, FlowChange> = {};
    if (b.segments.length === 0) return ok(changes);
    const existing = new Map((await this.#d.segments.list(workspaceId)).map((s) => [s.name, s]));
    for (const s of b.segments) {
      const found = existing.get(s.name);
      const same =
        found !== undefined &&
        canonicalJson(found.condition) === canonicalJson(s.condition) &&
        (found.description ?? null) === (s.description ?? null);
      changes[s.name] = same ? 'unchanged' : found ? 'updated' : 'created';
      if (same || dryRun) continue;
      const saved = found
        ? await this.#d.segments.update(workspaceId, found.id, s)
        : await this.#d.segments.create(workspaceId, s);
      if (!saved.ok) return saved;
    }
    return ok(changes);
  }

  async #templates(
    workspaceId: string,
    b: BuiltFlow,
    dryRun: boolean,
  ): Promise<Result<Record<string, FlowChange>>> {
    const changes: Record<string, FlowChange> = {};
    for (const t of b.templates) {
      const found = await this.#d.templates.get(workspaceId, t.name);
      const same = found.ok && templateShape(found.value) === templateShape(t);
      changes[t.name] = same ? 'unchanged' : found.ok ? 'updated' : 'created';
      if (same || dryRun) continue;
      const saved = found.ok
        ? await this.#d.templates.update(workspaceId, found.value.id, t)
        : await this.#d.templates.create(workspaceId, t);
      if (!saved.ok) return saved;
    }
    return ok(changes);
  }

  async #settings(workspaceId: string, dryRun: boolean): Promise<JourneySettings | null> {
    const current = await this.#d.settings.get(workspaceId);
    const noBudget = Object.keys(current.budget).length === 0;
    if (!noBudget && current.quietHours !== null) return null;
    const next: JourneySettings = {
      ...current,
      budget: noBudget ? LIBRARY_BUDGET : current.budget,
      quietHours: current.quietHours ?? LIBRARY_QUIET_HOURS,
    };
    return dryRun ? next : this.#d.settings.put(workspaceId, next);
  }

  /**
   * The flow's journey: the live one named as the flow, or, once that was archived (archived
   * journeys keep their names for good), the latest live `<name> (n)`; with none, the first
   * free name, so enabling an archived flow again starts it afresh instead of failing.
   */
  async #journeyOf(
    workspaceId: string,
    name: string,
  ): Promise<{ live: Journey | null; name: string }> {
    const named = await this.#d.journeys.get(workspaceId, name);
    if (!named.ok) return { live: null, name };
    if (named.value.status !== 'archived') return { live: named.value, name };
    const all = await this.#d.journeys.list(workspaceId);
    const numberOf = (n: string) =>
      n.startsWith(`${name} (`) && /^\d+\)$/.test(n.slice(name.length + 2))
        ? Number(n.slice(name.length + 2, -1))
        : null;
    const numbered = all.filter((j) => numberOf(j.definition.name) !== null);
    const live = numbered
      .filter((j) => j.status !== 'archived')
      .sort((a, b) => (numberOf(b.definition.name) ?? 0) - (numberOf(a.definition.name) ?? 0))[0];
    if (live) return { live, name: live.definition.name };
    const taken = new Set(numbered.map((j) => numberOf(j.definition.name)));
    let n = 2;
    while (taken.has(n)) n++;
    return { live: null, name: `${name} (${n})` };
  }

  async #journey(
    workspaceId: string,
    b: BuiltFlow,
    activate: boolean,
    dryRun: boolean,
    changes: Omit<EnableFlowResult['changes'], 'journey'>,
  ): Promise<Result<EnableFlowResult>> {
    const place = await this.#journeyOf(workspaceId, b.journey.name);
    const live = place.live;
    const journey = { ...b.journey, name: place.name };
    const sameDraft = live !== null && canonicalJson(live.definition) === canonicalJson(journey);
    const needsActivation =
      activate &&
      (live === null || !sameDraft || live.status !== 'active' || live.changedSinceActivation);
    const journeyChange: EnableFlowResult['changes']['journey'] =
      live === null
        ? 'created'
        : !sameDraft
          ? 'updated'
          : needsActivation
            ? 'activated'
            : 'unchanged';
    const unchanged =
      journeyChange === 'unchanged' &&
      [changes.templates, changes.segments, changes.customFields].every((c) =>
        Object.values(c).every((v) => v === 'unchanged'),
      ) &&
      changes.settings === null;
    const result = (j: { id: string; status: string; activeVersion: number | null } | null) =>
      ok<EnableFlowResult>({
        flow: b.flow.id,
        journeyId: j?.id ?? null,
        status: j?.status ?? 'draft',
        activeVersion: j?.activeVersion ?? null,
        unchanged,
        dryRun,
        changes: { ...changes, journey: journeyChange },
      });
    if (dryRun) return result(live);
    let saved = live;
    if (live === null) {
      const created = await this.#d.journeys.create(workspaceId, journey);
      if (!created.ok) return created;
      saved = created.value;
    } else if (!sameDraft) {
      const updated = await this.#d.journeys.update(workspaceId, live.id, journey);
      if (!updated.ok) return updated;
      saved = updated.value;
    }
    if (saved !== null && needsActivation) {
      const activated = await this.#d.journeys.activate(workspaceId, saved.id);
      if (!activated.ok) return activated;
      saved = activated.value;
    }
    return result(saved);
  }
}
