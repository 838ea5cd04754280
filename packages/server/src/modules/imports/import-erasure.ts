import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Trx } from '../../platform/db/database.js';
import { isRecord, readJsonObject } from '../../platform/json.js';
import {
  normalizeEmail,
  normalizePhone,
  type ErasedPerson,
  type ErasureParticipant,
} from '../profiles/index.js';

/**
 * The ledger's key for a record: a SHA-256 of the workspace, the import kind and the record's
 * key, never the key itself - a customer's key is their e-mail address or phone. Customer keys
 * are normalized first (e-mail lower-cased, phone as `+digits`), as the profile holds them, so
 * an erasure can find the person's ledger rows from the profile's identifiers.
 */
export function ledgerKey(workspaceId: string, kind: string, key: string): string {
  return createHash('sha256')
    .update(`${workspaceId}\u0000${kind}\u0000${canonical(key)}`)
    .digest('hex');
}

function canonical(key: string): string {
  const value = key.slice('customer:x:'.length);
  if (key.startsWith('customer:e:')) return `customer:e:${normalizeEmail(value) ?? value}`;
  if (key.startsWith('customer:p:')) return `customer:p:${normalizePhone(value) ?? value}`;
  if (key.startsWith('customer:c:')) return `customer:c:${value.trim()}`;
  return key;
}

/** The ledger keys an erased person's records had, by import kind. */
function ledgerKeysOf(person: ErasedPerson): { kind: string; key: string }[] {
  const prefix: Record<string, string> = { email: 'e', phone: 'p', customer_id: 'c' };
  const out: { kind: string; key: string }[] = [];
  for (const i of person.identifiers) {
    const p = prefix[i.kind];
    if (p !== undefined) out.push({ kind: 'customers', key: `customer:${p}:${i.value}` });
  }
  for (const id of person.orderIds) out.push({ kind: 'orders', key: `order:${id}` });
  for (const id of person.refundIds) out.push({ kind: 'orders', key: `refund:${id}` });
  return out;
}

/**
 * The imports' copies of an erased person: their ledger rows, and their rows in the rejected-row
 * side files of finished imports (on disk and served by `GET /imports/{id}/rejected`), which are
 * rewritten without them. A running import's side file is left alone (it is being appended to
 * at a known offset); the person's rows in it stay until it is rerun or removed.
 */
export const importErasure: ErasureParticipant = async (trx, person) => {
  for (const { kind, key } of ledgerKeysOf(person)) {
    await trx
      .deleteFrom('import_ledger')
      .where('workspace_id', '=', person.workspaceId)
      .where('kind', '=', kind)
      .where('key', '=', ledgerKey(person.workspaceId, kind, key))
      .execute();
  }
  if (person.identifiers.length) await scrubRejectedFiles(trx, person);
};

async function scrubRejectedFiles(trx: Trx, person: ErasedPerson): Promise<void> {
  const jobs = await trx
    .selectFrom('import_jobs')
    .select(['status', 'summary', 'checkpoint'])
    .where('workspace_id', '=', person.workspaceId)
    .where('status', 'in', ['done', 'failed'])
    .execute();
  const files = new Set<string>();
  for (const j of jobs) {
    for (const json of [j.summary, j.checkpoint]) {
      const file = json === null ? undefined : readJsonObject(json).rejectedFile;
      if (typeof file === 'string' && file !== '') files.add(file);
    }
  }
  const names = personMatcher(person);
  for (const file of files) {
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    const kept = file.endsWith('.jsonl') ? keepJsonLines(text, names) : keepCsvRecords(text, names);
    if (kept === text) continue;
    const temporary = `${file}.erasing`;
    fs.writeFileSync(temporary, kept, { mode: fs.statSync(file).mode & 0o777 });
    fs.renameSync(temporary, file);
  }
}

/** Whether a value (a cell, a JSON leaf) is one of the person's identifiers. */
function personMatcher(person: ErasedPerson): (value: string) => boolean {
  const held = new Set(person.identifiers.map((i) => `${i.kind}:${i.value}`));
  return (value) => {
    const email = normalizeEmail(value);
    const phone = normalizePhone(value);
    const plain = value.trim();
    return (
      (email !== null && held.has(`email:${email}`)) ||
      (phone !== null && held.has(`phone:${phone}`)) ||
      ['customer_id', 'user_id', 'anonymous_id'].some((k) => held.has(`${k}:${plain}`))
    );
  };
}

function leaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) leaves(v, out);
  else if (isRecord(value)) for (const v of Object.values(value)) leaves(v, out);
  return out;
}

function keepJsonLines(text: string, isPerson: (v: string) => boolean): string {
  const lines = text.split('\n');
  return lines
    .filter((line) => {
      if (line.trim() === '') return true;
      try {
        const parsed: unknown = JSON.parse(line);
        // The reason and line number are ours; the record (or the raw text) is the person's.
        const held = isRecord(parsed) ? { record: parsed.record, raw: parsed.raw } : parsed;
        return !leaves(held).some((v) => isPerson(v) || rawMentions(v, isPerson));
      } catch {
        return !rawMentions(line, isPerson);
      }
    })
    .join('\n');
}

/**
 * A broken row kept as raw text: any word of it may be the person's identifier. Short words are
 * not compared (a user id "7" would match every quantity of 7).
 */
const rawMentions = (raw: string, isPerson: (v: string) => boolean) =>
  raw.split(/[\s,;"'{}[\]:]+/).some((word) => word.length >= 6 && isPerson(word));

/** CSV records, each with its text (newline included) and its cells; quotes may hold newlines. */
function csvRecords(text: string): { text: string; cells: string[] }[] {
  const out: { text: string; cells: string[] }[] = [];
  let start = 0;
  let cell = '';
  let cells: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n') {
      cells.push(cell);
      out.push({ text: text.slice(start, i + 1), cells });
      start = i + 1;
      cell = '';
      cells = [];
    } else if (ch !== '\r') cell += ch;
  }
  if (start < text.length) out.push({ text: text.slice(start), cells: [...cells, cell] });
  return out;
}

function keepCsvRecords(text: string, isPerson: (v: string) => boolean): string {
  const records = csvRecords(text);
  // The header (line, reason, the file's columns) and the first two cells of each row are ours.
  return records
    .filter(
      (r, i) => i === 0 || !r.cells.slice(2).some((c) => isPerson(c) || rawMentions(c, isPerson)),
    )
    .map((r) => r.text)
    .join('');
}
