import type { JourneyDefinition } from '@comeback/contracts';
import { isPlainObject, readJourneyFolder } from './cli-journey-files.js';
import { shown, type Outcome } from './cli-journey-output.js';
import {
  MAX_DISTINCT_REFERENCES,
  canonicalJson,
  referencesOf,
  type JourneyReferences,
  type JourneyService,
} from './modules/journeys/index.js';
import type { Database } from './platform/db/database.js';

/*
 * `comeback journeys apply`: plan the changes a folder of journey files asks for, check every
 * file and reference first, then apply them in file order.
 */

/** An update's diff stops here: past it, the whole definition was most likely rewritten. */
const MAX_DIFF_LINES = 50;
const MAX_SHOWN_VALUE = 120;

function shownValue(v: unknown): string {
  if (v === undefined) return '(none)';
  const text = canonicalJson(v);
  return text.length > MAX_SHOWN_VALUE ? `${text.slice(0, MAX_SHOWN_VALUE - 3)}...` : text;
}

/** The JSON paths that differ, `path: old -> new`, in key order; arrays compared by position. */
export function definitionDiff(before: unknown, after: unknown): string[] {
  const lines: string[] = [];
  const walk = (a: unknown, b: unknown, at: (string | number)[]) => {
    if (isPlainObject(a) && isPlainObject(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
      for (const k of keys) walk(Reflect.get(a, k), Reflect.get(b, k), [...at, k]);
    } else if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], [...at, i]);
    } else if (canonicalJson(a) !== canonicalJson(b)) {
      lines.push(
        `${at.length > 0 ? at.join('.') : '(definition)'}: ${shownValue(a)} -> ${shownValue(b)}`,
      );
    }
  };
  walk(before, after, []);
  return lines;
}

/**
 * The references a definition makes that the workspace cannot satisfy. The service checks them
 * again when it saves; checking every file first means one bad file changes nothing.
 */
async function referenceProblems(
  refs: JourneyReferences,
  workspaceId: string,
  d: JourneyDefinition,
): Promise<string[]> {
  const { segments, sends, webhooks } = referencesOf(d);
  const distinct = new Set([...segments, ...sends, ...webhooks].map((r) => r.ref)).size;
  if (distinct > MAX_DISTINCT_REFERENCES)
    return [`steps: names ${distinct} segments and templates; at most ${MAX_DISTINCT_REFERENCES}`];
  const problems: string[] = [];
  for (const s of segments)
    if ((await refs.segmentId(workspaceId, s.ref)) === null)
      problems.push(`${s.path.join('.')}: no segment "${shown(s.ref)}"`);
  const steps = [
    ...sends.map((s) => ({ ...s, webhook: false })),
    ...webhooks.map((s) => ({ ...s, webhook: true })),
  ];
  for (const step of steps) {
    const template = await refs.template(workspaceId, step.ref);
    const at = `${step.path.join('.')}: template "${shown(step.ref)}"`;
    if (template === null)
      problems.push(`${step.path.join('.')}: no template "${shown(step.ref)}"`);
    else if ((template.channel === 'webhook') !== step.webhook)
      problems.push(
        `${at} is for ${template.channel}: ${step.webhook ? 'a webhook step needs a webhook template' : 'use a webhook step for it'}`,
      );
  }
  return problems;
}

/** Lookups of one workspace remembered for one run: a folder names the same few many times. */
function rememberedReferences(refs: JourneyReferences, workspaceId: string): JourneyReferences {
  const segments = new Map<string, Promise<string | null>>();
  const templates = new Map<string, ReturnType<JourneyReferences['template']>>();
  const remembered = <T>(map: Map<string, T>, ref: string, look: () => T): T => {
    const known = map.get(ref) ?? look();
    map.set(ref, known);
    return known;
  };
  return {
    segmentId: (_, ref) => remembered(segments, ref, () => refs.segmentId(workspaceId, ref)),
    template: (_, ref) => remembered(templates, ref, () => refs.template(workspaceId, ref)),
  };
}

interface Planned {
  action: 'create' | 'update' | 'unchanged';
  /** The journey an update replaces the draft of. */
  id?: string;
  definition: JourneyDefinition;
  diff: string[];
}

function planLines(p: Planned): string {
  const diff = p.diff.slice(0, MAX_DIFF_LINES).map((l) => `  ${l}\n`);
  if (p.diff.length > MAX_DIFF_LINES)
    diff.push(`  ... and ${p.diff.length - MAX_DIFF_LINES} more\n`);
  return `${p.action} ${shown(p.definition.name)}\n${diff.join('')}`;
}

export async function applyJourneyFolder(
  database: Database,
  journeys: JourneyService,
  refs: JourneyReferences,
  dir: string,
  opts: { workspace: string; dryRun?: boolean; activate?: boolean },
): Promise<Outcome> {
  const read = readJourneyFolder(dir);
  if (!read.ok) return { out: '', err: `comeback: ${read.message}\n`, code: 2 };
  const workspace = await database.db
    .selectFrom('workspaces')
    .select('id')
    .where('id', '=', opts.workspace)
    .executeTakeFirst();
  if (!workspace)
    return {
      out: '',
      err: `comeback: no workspace "${shown(opts.workspace)}" (comeback keys create --workspace ID makes one)\n`,
      code: 2,
    };
  const problems = [...read.problems];
  const existing = new Map(
    (await journeys.list(opts.workspace)).map((j) => [j.definition.name, j]),
  );
  const plan: Planned[] = [];
  const known = rememberedReferences(refs, opts.workspace);
  for (const { file, definition } of read.files) {
    for (const p of await referenceProblems(known, opts.workspace, definition))
      problems.push(`${shown(file)}: ${p}`);
    const current = existing.get(definition.name);
    const same =
      current !== undefined && canonicalJson(current.definition) === canonicalJson(definition);
    if (current?.status === 'archived' && !same)
      problems.push(
        `${shown(file)}: name: "${shown(definition.name)}" is archived and cannot change`,
      );
    plan.push({
      action: current === undefined ? 'create' : same ? 'unchanged' : 'update',
      ...(current !== undefined ? { id: current.id } : {}),
      definition,
      diff: current === undefined || same ? [] : definitionDiff(current.definition, definition),
    });
  }
  if (problems.length > 0) {
    const files = `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}`;
    const lines = problems.map((p) => `  ${p}\n`).join('');
    return { out: '', err: `comeback: ${files} in ${dir}; nothing changed:\n${lines}`, code: 2 };
  }
  if (plan.length === 0) return { out: `No journey files (*.json) in ${dir}\n` };
  if (opts.dryRun === true) {
    const activations = (p: Planned) =>
      opts.activate === true && p.action !== 'unchanged'
        ? `activate ${shown(p.definition.name)}\n`
        : '';
    return {
      out: `${plan.map((p) => planLines(p) + activations(p)).join('')}Dry run: nothing changed.\n`,
    };
  }
  // Applied in file order, each line printed as it is done: a failure part-way (a name taken
  // meanwhile, the database gone) shows exactly what was applied before it.
  for (const p of plan) {
    const name = p.definition.name;
    const saved =
      p.action === 'create'
        ? await journeys.create(opts.workspace, p.definition)
        : p.action === 'update' && p.id !== undefined
          ? await journeys.update(opts.workspace, p.id, p.definition)
          : undefined;
    if (saved && !saved.ok) return failed(name, saved.error);
    process.stdout.write(planLines(p));
    if (saved && opts.activate === true) {
      const active = await journeys.activate(opts.workspace, saved.value.id);
      if (!active.ok) return failed(name, active.error);
      process.stdout.write(
        `activate ${shown(name)}: version ${active.value.activeVersion ?? '-'}\n`,
      );
    }
  }
  return { out: '' };
}

function failed(
  name: string,
  error: { message: string; details: { field: string; message: string }[] },
): Outcome {
  const details = error.details.map((d) => `\n  ${d.field}: ${d.message}`).join('');
  return { out: '', err: `comeback: ${shown(name)}: ${error.message}${details}\n`, code: 1 };
}
