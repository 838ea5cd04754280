import fs from 'node:fs';
import path from 'node:path';
import {
  MAX_JSON_DEPTH,
  journeyDefinitionSchema,
  tooDeepPath,
  type Journey,
  type JourneyDefinition,
} from '@comeback/contracts';
import { messageOf, shown, type Outcome } from './cli-journey-output.js';

/*
 * Journey files on disk, the form `comeback journeys apply` reads and `export` writes: one
 * sorted, pretty JSON definition per file, read defensively (bounded, no links followed).
 */

/** A journey file is a definition, not a data dump: anything bigger is a mistake. */
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_FILES = 1000;

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

export const isPlainObject = (v: unknown): v is object =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

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

export function exportJourneyFolder(dir: string, list: Journey[]): Outcome {
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
