import fs from 'node:fs';
import path from 'node:path';
import {
  MAX_JSON_DEPTH,
  journeyDefinitionSchema,
  tooDeepPath,
  type Journey,
  type JourneyDefinition,
} from '@comeback/contracts';
import type { Command } from 'commander';
import type { Config } from './config/config.js';
import {
  JourneyService,
  MAX_DISTINCT_REFERENCES,
  canonicalJson,
  referencesOf,
  type JourneyReferences,
} from './modules/journeys/index.js';
import { TemplateService } from './modules/messaging/index.js';
import { CustomFieldRegistry } from './modules/profiles/index.js';
import { SegmentService } from './modules/segments/index.js';
import { DEFAULT_WORKSPACE_ID } from './modules/workspaces/index.js';
import type { Clock } from './platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from './platform/db/database.js';

/** A journey file is a definition, not a data dump: anything bigger is a mistake. */
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_FILES = 1000;
/** An update's diff stops here: past it, the whole definition was most likely rewritten. */
const MAX_DIFF_LINES = 50;
const MAX_SHOWN_VALUE = 120;

/** What a command prints and how it ends (0 done, 1 failed, 2 bad input: nothing changed). */
interface Outcome {
  out: string;
  err?: string;
  code?: 0 | 1 | 2;
}

interface JourneyFile {
  file: string;
  definition: JourneyDefinition;
}

/** Objects with their keys sorted, at every level: one spelling per definition. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  // fromEntries defines properties, so a `__proto__` key stays a plain key.
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortedKeys(Reflect.get(value, k))]),
  );
}
/** The exported file: pretty, sorted, one trailing newline. */
export const journeyFileText = (definition: JourneyDefinition) =>
  `${JSON.stringify(sortedKeys(definition), null, 2)}\n`;

const isPlainObject = (v: unknown): v is object =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Names are storable text: a newline or escape in one must not forge or garble output lines. */
const shown = (text: string) => (/\p{Cc}/u.test(text) ? JSON.stringify(text) : text);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
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
 * Every `*.json` file of `dir` (regular files only, not recursive, in name order) read and
 * checked against the definition language; the problems name the file and the JSON path.
 */
export function readJourneyFolder(
  dir: string,
): { ok: true; files: JourneyFile[]; problems: string[] } | { ok: false; message: string } {
  let names: string[];
  try {
    names = fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.json'))
      .map((e) => e.name)
      .sort();
  } catch (error) {
    return { ok: false, message: `cannot read ${dir}: ${messageOf(error)}` };
  }
  if (names.length > MAX_FILES)
    return { ok: false, message: `${dir} has ${names.length} .json files (at most ${MAX_FILES})` };
  const files: JourneyFile[] = [];
  const problems: string[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const file of names) {
    const read = readBounded(path.join(dir, file));
    if (!read.ok) {
      problems.push(`${shown(file)}: ${read.message}`);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(read.bytes));
    } catch (error) {
      problems.push(`${shown(file)}: not JSON: ${messageOf(error)}`);
      continue;
    }
    const deep = tooDeepPath(value, MAX_JSON_DEPTH);
    if (deep !== null) {
      problems.push(`${shown(file)}: ${deep}: nested deeper than ${MAX_JSON_DEPTH} levels`);
      continue;
    }
    // Editors complete a file that names its JSON Schema; the name is not part of the journey.
    if (isPlainObject(value) && Object.hasOwn(value, '$schema'))
      value = Object.fromEntries(Object.entries(value).filter(([k]) => k !== '$schema'));
    const parsed = journeyDefinitionSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`${shown(file)}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
      continue;
    }
    const twin = files.find((f) => f.definition.name === parsed.data.name);
    if (twin)
      problems.push(`${shown(file)}: name: "${shown(parsed.data.name)}" is also ${twin.file}`);
    else files.push({ file, definition: parsed.data });
  }
  return { ok: true, files, problems };
}

function readBounded(file: string): { ok: true; bytes: Buffer } | { ok: false; message: string } {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    const size = fs.fstatSync(fd).size;
    if (size > MAX_FILE_BYTES)
      return { ok: false, message: `${size} bytes: a journey file is at most 1 MB` };
    return { ok: true, bytes: fs.readFileSync(fd) };
  } catch (error) {
    return { ok: false, message: `cannot read: ${messageOf(error)}` };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
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

async function apply(
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

/** A file name from a journey's name: lower-case a-z0-9 and dashes; the id when none is left. */
export function journeySlug(name: string, id: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 80)
    .replace(/^-+|-+$/g, '');
  return slug === '' ? id : slug;
}

function exportTo(dir: string, list: Journey[]): Outcome {
  const taken = new Set<string>();
  const lines: string[] = [];
  // O_NOFOLLOW: a link planted where a journey file goes is not written through.
  const flags =
    fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW;
  try {
    fs.mkdirSync(dir, { recursive: true });
    for (const j of list) {
      const base = journeySlug(j.definition.name, j.id);
      let slug = base;
      for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
      taken.add(slug);
      const fd = fs.openSync(path.join(dir, `${slug}.json`), flags, 0o644);
      try {
        fs.writeFileSync(fd, journeyFileText(j.definition));
      } finally {
        fs.closeSync(fd);
      }
      lines.push(`wrote ${slug}.json (${shown(j.definition.name)})\n`);
    }
  } catch (error) {
    return { out: lines.join(''), err: `comeback: ${messageOf(error)}\n`, code: 1 };
  }
  const count = `${list.length} ${list.length === 1 ? 'journey' : 'journeys'}`;
  return { out: `${lines.join('')}Exported ${count} to ${dir}\n` };
}

/** Left-aligned columns, two spaces apart. */
function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return `${rows.map(line).join('\n')}\n`;
}

interface Context {
  database: Database;
  journeys: JourneyService;
  refs: JourneyReferences;
}

/**
 * `comeback journeys apply DIR | export DIR | list`: journeys as code. A folder of definition
 * files is the source of truth a team reviews and versions; `apply` makes the workspace match it
 * (creating and updating drafts, idempotently, after checking every file), `export` writes the
 * workspace's drafts in the same form, so export then apply changes nothing.
 */
export function registerJourneyCommands(
  program: Command,
  loadConfig: () => Config,
  clock: Clock,
): void {
  const run = async (work: (c: Context) => Promise<Outcome>) => {
    const database = openDatabase(loadConfig().databaseUrl);
    try {
      await migrateToLatest(database);
      const segments = new SegmentService(
        database,
        new CustomFieldRegistry(database.db, () => clock.now()),
        clock,
      );
      const templates = new TemplateService(database, clock);
      const refs: JourneyReferences = {
        // By id, else by (unique) name: definitions name segments the way people do.
        segmentId: async (ws, ref) => {
          const byId = await segments.get(ws, ref);
          if (byId.ok) return byId.value.id;
          return (await segments.list(ws)).find((s) => s.name === ref)?.id ?? null;
        },
        template: async (ws, ref) => {
          const found = await templates.get(ws, ref);
          return found.ok ? { id: found.value.id, channel: found.value.channel } : null;
        },
      };
      const outcome = await work({
        database,
        journeys: new JourneyService(database, clock, refs),
        refs,
      });
      process.stdout.write(outcome.out);
      if (outcome.err !== undefined) process.stderr.write(outcome.err);
      if (outcome.code !== undefined && outcome.code !== 0) process.exitCode = outcome.code;
    } finally {
      await database.close();
    }
  };
  const workspaceOption = ['--workspace <id>', 'the workspace', DEFAULT_WORKSPACE_ID] as const;

  const journeys = program.command('journeys').description("a workspace's journeys as code");
  journeys
    .command('apply')
    .description(
      'make the journeys match a folder of definition files (*.json): create new ones, update changed drafts; every file is checked first',
    )
    .argument('<dir>', 'the folder of journey files')
    .option('--dry-run', 'print what would change, change nothing')
    .option('--activate', 'also activate each journey created or updated')
    .option(...workspaceOption)
    .action((dir: string, opts: { workspace: string; dryRun?: boolean; activate?: boolean }) =>
      run((c) => apply(c.database, c.journeys, c.refs, dir, opts)),
    );
  journeys
    .command('export')
    .description("write each journey's draft to DIR/<name>.json, as apply reads them")
    .argument('<dir>', 'the folder to write (created if missing)')
    .option(...workspaceOption)
    .action((dir: string, opts: { workspace: string }) =>
      run(async (c) => exportTo(dir, await c.journeys.list(opts.workspace))),
    );
  journeys
    .command('list')
    .description('list journeys: id, name, status, active version, draft changed since')
    .option(...workspaceOption)
    .option('--json', 'print JSON')
    .action((opts: { workspace: string; json?: boolean }) =>
      run(async (c) => {
        const list = await c.journeys.list(opts.workspace);
        if (opts.json === true) return { out: `${JSON.stringify({ data: list }, null, 2)}\n` };
        if (list.length === 0)
          return { out: `No journeys in workspace "${shown(opts.workspace)}"\n` };
        const rows = list.map((j) => [
          j.id,
          shown(j.definition.name),
          j.status,
          j.activeVersion === null ? '-' : String(j.activeVersion),
          j.changedSinceActivation ? 'yes' : 'no',
        ]);
        return { out: table([['ID', 'NAME', 'STATUS', 'VERSION', 'CHANGED'], ...rows]) };
      }),
    );
}
