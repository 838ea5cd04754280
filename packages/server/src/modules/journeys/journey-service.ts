import type {
  ErrorDetail,
  Journey,
  JourneyDefinition,
  SegmentCondition,
} from '@comeback/contracts';
import type { Clock } from '../../platform/clock.js';
import type { Database, Db } from '../../platform/db/database.js';
import { exitEnrollments } from './journey-reads.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import {
  JourneyStore,
  archivedJourney,
  canonicalJson,
  noJourney,
  type JourneyRecord,
  type JourneyReferences,
} from './journey-store.js';

export type { JourneyReferences } from './journey-store.js';

/** Where in a definition a segment or template is named, and by what. */
export interface ReferenceAt {
  path: (string | number)[];
  ref: string;
}

/**
 * Distinct references one definition may make: each costs a lookup, and a real journey names
 * a handful; a body crafted to name thousands is refused rather than looked up.
 */
export const MAX_DISTINCT_REFERENCES = 200;

/** Every segment and template a definition names, with the JSON path of each. */
export function referencesOf(d: JourneyDefinition): {
  segments: ReferenceAt[];
  sends: ReferenceAt[];
  webhooks: ReferenceAt[];
} {
  const segments: ReferenceAt[] = [];
  const sends: ReferenceAt[] = [];
  const webhooks: ReferenceAt[] = [];
  const inCondition = (c: SegmentCondition, path: (string | number)[]): void => {
    if (c.type === 'and' || c.type === 'or')
      c.conditions.forEach((inner, i) => inCondition(inner, [...path, 'conditions', i]));
    else if (c.type === 'not') inCondition(c.condition, [...path, 'condition']);
    else if (c.type === 'segment') segments.push({ path: [...path, 'segment'], ref: c.segment });
    else if ('window' in c && c.window?.kind === 'since_entering')
      segments.push({ path: [...path, 'window', 'segment'], ref: c.window.segment });
  };
  const t = d.trigger;
  if (t.type === 'segment_entered' || t.type === 'segment_exited' || t.type === 'schedule')
    segments.push({ path: ['trigger', 'segment'], ref: t.segment });
  if (d.entry.segment !== undefined)
    segments.push({ path: ['entry', 'segment'], ref: d.entry.segment });
  if (d.entry.condition !== undefined) inCondition(d.entry.condition, ['entry', 'condition']);
  d.steps.forEach((s, i) => {
    if (s.type === 'send') sends.push({ path: ['steps', i, 'template'], ref: s.template });
    else if (s.type === 'webhook')
      webhooks.push({ path: ['steps', i, 'template'], ref: s.template });
    else if (s.type === 'split')
      s.branches.forEach((b, j) => {
        if (b.condition !== undefined)
          inCondition(b.condition, ['steps', i, 'branches', j, 'condition']);
      });
  });
  return { segments, sends, webhooks };
}

const iso = (ms: number) => new Date(ms).toISOString();

export function journeyView(r: JourneyRecord): Journey {
  return {
    id: r.id,
    status: r.status,
    definition: r.draft,
    activeVersion: r.activeVersion,
    // Never activated: activating creates version 1, so the draft counts as a change.
    changedSinceActivation:
      r.activeDefinition === null || canonicalJson(r.draft) !== canonicalJson(r.activeDefinition),
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

const invalid = (details: ErrorDetail[]) => {
  const first = details[0];
  return fail(
    'validation_failed',
    first ? `${first.field}: ${first.message}` : 'invalid journey',
    details,
  );
};

/**
 * Journey definitions of a workspace: drafts edited freely, versions frozen at each activation
 * of a changed draft, and the lifecycle draft -> active <-> paused -> archived. Every segment
 * and template a definition names is checked to exist (and to fit its step) before anything
 * is saved or activated.
 */
export class JourneyService {
  readonly #clock: Clock;
  readonly #refs: JourneyReferences;
  readonly #store: JourneyStore;
  readonly #db: Db;

  constructor(database: Database, clock: Clock, refs: JourneyReferences) {
    this.#db = database.db;
    this.#clock = clock;
    this.#refs = refs;
    this.#store = new JourneyStore(database);
  }

  async list(workspaceId: string): Promise<Journey[]> {
    return (await this.#store.list(workspaceId)).map(journeyView);
  }

  async get(workspaceId: string, idOrName: string): Promise<Result<Journey>> {
    const found = await this.#store.get(workspaceId, idOrName);
    return found ? ok(journeyView(found)) : noJourney(idOrName);
  }

  /** Saves a new journey as a draft; nothing runs until it is activated. */
  async create(workspaceId: string, definition: JourneyDefinition): Promise<Result<Journey>> {
    const checked = await this.#checkReferences(workspaceId, definition);
    if (!checked.ok) return checked;
    const stored = await this.#store.insert(workspaceId, definition, this.#clock.now());
    return stored.ok ? ok(journeyView(stored.value)) : stored;
  }

  /** Replaces the draft; what runs (the active version) is untouched until the next activation. */
  async update(
    workspaceId: string,
    idOrName: string,
    definition: JourneyDefinition,
  ): Promise<Result<Journey>> {
    const found = await this.#store.get(workspaceId, idOrName);
    if (!found) return noJourney(idOrName);
    if (found.status === 'archived') return archivedJourney(found.name);
    const checked = await this.#checkReferences(workspaceId, definition);
    if (!checked.ok) return checked;
    const stored = await this.#store.updateDraft(
      workspaceId,
      found.id,
      definition,
      this.#clock.now(),
    );
    if (!stored.ok) return stored;
    // Not updated: archived (or deleted) since it was read.
    return stored.value ? this.get(workspaceId, found.id) : this.#refusal(workspaceId, found.id);
  }

  /**
   * Makes the draft live: a new version when it differs from the active one (or none yet),
   * otherwise the same version again (resuming a paused journey with no edit).
   */
  async activate(workspaceId: string, idOrName: string): Promise<Result<Journey>> {
    const found = await this.#store.get(workspaceId, idOrName);
    if (!found) return noJourney(idOrName);
    if (found.status === 'archived') return archivedJourney(found.name);
    // A segment or template may have been deleted since the draft was saved.
    const checked = await this.#checkReferences(workspaceId, found.draft);
    if (!checked.ok) return checked;
    const activated = await this.#store.activate(
      workspaceId,
      found.id,
      canonicalJson(found.draft),
      this.#clock.now(),
    );
    return activated.ok ? ok(journeyView(activated.value)) : activated;
  }

  /** Holds an active journey (its enrollments wait); activate resumes it. */
  async pause(workspaceId: string, idOrName: string): Promise<Result<Journey>> {
    const found = await this.#store.get(workspaceId, idOrName);
    if (!found) return noJourney(idOrName);
    const moved = await this.#store.transition(
      workspaceId,
      found.id,
      ['active'],
      'paused',
      this.#clock.now(),
    );
    return moved ? this.get(workspaceId, found.id) : this.#refusal(workspaceId, found.id, 'pause');
  }

  /** Ends a journey for good; archiving an archived one changes nothing. */
  async archive(workspaceId: string, idOrName: string): Promise<Result<Journey>> {
    const found = await this.#store.get(workspaceId, idOrName);
    if (!found) return noJourney(idOrName);
    const now = this.#clock.now();
    await this.#store.transition(
      workspaceId,
      found.id,
      ['draft', 'active', 'paused'],
      'archived',
      now,
    );
    // Its profiles leave with the reason; paused ones were held, archived ones are let go.
    await exitEnrollments(this.#db, found.id, 'the journey was archived', now);
    return this.get(workspaceId, found.id);
  }

  async versions(
    workspaceId: string,
    idOrName: string,
  ): Promise<Result<{ version: number; activatedAt: string; definition: JourneyDefinition }[]>> {
    const found = await this.#store.get(workspaceId, idOrName);
    if (!found) return noJourney(idOrName);
    return ok(
      (await this.#store.versions(found.id)).map((v) => ({
        version: v.version,
        activatedAt: iso(v.activatedAt),
        definition: v.definition,
      })),
    );
  }

  /** Non-archived journeys whose draft or active version names this segment (by id or name). */
  usingSegment(workspaceId: string, segmentId: string): Promise<{ id: string; name: string }[]> {
    return this.#using(
      workspaceId,
      segmentId,
      (d) => referencesOf(d).segments,
      (ref) => this.#refs.segmentId(workspaceId, ref),
    );
  }

  /** Non-archived journeys whose draft or active version sends through this template. */
  usingTemplate(workspaceId: string, templateId: string): Promise<{ id: string; name: string }[]> {
    return this.#using(
      workspaceId,
      templateId,
      (d) => {
        const r = referencesOf(d);
        return [...r.sends, ...r.webhooks];
      },
      async (ref) => (await this.#refs.template(workspaceId, ref))?.id ?? null,
    );
  }

  async #using(
    workspaceId: string,
    targetId: string,
    referencesIn: (d: JourneyDefinition) => ReferenceAt[],
    resolve: (ref: string) => Promise<string | null>,
  ): Promise<{ id: string; name: string }[]> {
    const resolved = new Map<string, string | null>();
    const out: { id: string; name: string }[] = [];
    for (const journey of await this.#store.list(workspaceId)) {
      if (journey.status === 'archived') continue;
      const definitions = [journey.draft, journey.activeDefinition].filter((d) => d !== null);
      const refs = new Set(definitions.flatMap((d) => referencesIn(d).map((r) => r.ref)));
      for (const ref of refs) {
        if (!resolved.has(ref)) resolved.set(ref, ref === targetId ? ref : await resolve(ref));
        if (resolved.get(ref) === targetId) {
          out.push({ id: journey.id, name: journey.name });
          break;
        }
      }
    }
    return out;
  }

  /** Why a guarded change did not happen, read after the fact. */
  async #refusal(workspaceId: string, id: string, action?: 'pause'): Promise<Result<Journey>> {
    const now = await this.#store.get(workspaceId, id);
    if (!now) return noJourney(id);
    if (action === 'pause')
      return fail(
        'conflict',
        `journey "${now.name}" is ${now.status}: only an active journey can be paused`,
        [{ field: 'status', message: now.status }],
      );
    return archivedJourney(now.name);
  }

  /** Every named segment exists; a send step's template is a message, a webhook step's a webhook. */
  async #checkReferences(workspaceId: string, d: JourneyDefinition): Promise<Result<null>> {
    const { segments, sends, webhooks } = referencesOf(d);
    const distinct = new Set([...segments, ...sends, ...webhooks].map((r) => r.ref));
    if (distinct.size > MAX_DISTINCT_REFERENCES)
      return invalid([
        {
          field: 'steps',
          message: `names ${distinct.size} different segments and templates; at most ${MAX_DISTINCT_REFERENCES}`,
        },
      ]);
    const segmentIds = new Map<string, Promise<string | null>>();
    const templates = new Map<string, ReturnType<JourneyReferences['template']>>();
    const segmentOf = (ref: string) => {
      const known = segmentIds.get(ref) ?? this.#refs.segmentId(workspaceId, ref);
      segmentIds.set(ref, known);
      return known;
    };
    const templateOf = (ref: string) => {
      const known = templates.get(ref) ?? this.#refs.template(workspaceId, ref);
      templates.set(ref, known);
      return known;
    };
    const problems: ErrorDetail[] = [];
    const at = (path: (string | number)[]) => path.join('.');
    for (const s of segments)
      if ((await segmentOf(s.ref)) === null)
        problems.push({ field: at(s.path), message: `no segment "${s.ref}"` });
    for (const s of sends) {
      const template = await templateOf(s.ref);
      if (template === null)
        problems.push({ field: at(s.path), message: `no template "${s.ref}"` });
      else if (template.channel === 'webhook')
        problems.push({
          field: at(s.path),
          message: `template "${s.ref}" is a webhook template: use a webhook step for it`,
        });
    }
    for (const s of webhooks) {
      const template = await templateOf(s.ref);
      if (template === null)
        problems.push({ field: at(s.path), message: `no template "${s.ref}"` });
      else if (template.channel !== 'webhook')
        problems.push({
          field: at(s.path),
          message: `template "${s.ref}" is for ${template.channel}: a webhook step needs a webhook template`,
        });
    }
    problems.sort((a, b) => pathOrder(a.field, b.field));
    return problems.length > 0 ? invalid(problems) : ok(null);
  }
}

/** Faults in the order they appear in the definition (steps.10 after steps.9). */
function pathOrder(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    if (x === y) continue;
    const nx = Number(x);
    const ny = Number(y);
    if (Number.isInteger(nx) && Number.isInteger(ny)) return nx - ny;
    const rank = (k: string) => ['trigger', 'entry', 'steps'].indexOf(k);
    return rank(x) - rank(y) || (x < y ? -1 : 1);
  }
  return pa.length - pb.length;
}
