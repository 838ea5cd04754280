import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { parse } from 'csv-parse';
import { openDatabase } from '../../packages/server/dist/platform/db/database.js';
import type { Benchmark } from '../lib/benchmark.js';
import { removeDir, tempDir, trackChild } from '../lib/cleanup.js';
import { resultRow } from '../lib/result.js';
import { fmt } from '../lib/stats.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'packages/server/bin/comeback.js');
/** The staged UCI Online Retail file (541,909 rows), beside the repository. */
const DATA = path.resolve(ROOT, '../shared/data/online-retail/online_retail_full.csv.gz');
const MAPPING = path.join(ROOT, 'docs/guides/online-retail-mapping.json');

interface CliSummary {
  rows: number;
  imported: number;
  rejected: number;
  importMs: number;
  applyMs: number;
  maxRssBytes: number;
}

/** `comeback import orders FILE --json` in its own process, on a fresh SQLite file. */
async function runImport(): Promise<CliSummary & { wallMs: number; events: number }> {
  const dir = tempDir('import');
  try {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [
        BIN,
        'import',
        'orders',
        DATA,
        '--mapping',
        MAPPING,
        '--json',
        '--rejected',
        path.join(dir, 'rejected.csv'),
      ],
      {
        cwd: dir,
        env: {
          ...process.env,
          DATABASE_URL: `sqlite:${path.join(dir, 'comeback.db')}`,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    trackChild(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr
      .setEncoding('utf8')
      .on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const wallMs = performance.now() - started;
    if (code !== 0) throw new Error(`comeback import exited with ${code}: ${stderr}`);
    const summary = JSON.parse(stdout) as CliSummary;
    const database = openDatabase(`sqlite:${path.join(dir, 'comeback.db')}`);
    try {
      if (database.dialect !== 'sqlite') throw new Error('sqlite expected');
      const events = Number(
        database.sqlite.raw.prepare('select count(*) from events').pluck().get(),
      );
      return { ...summary, wallMs, events };
    } finally {
      await database.close();
    }
  } finally {
    removeDir(dir);
  }
}

/**
 * The baseline: the same file streamed through the same parser (gunzip + csv-parse) and every
 * row inserted as it is, in one transaction through one prepared statement, into a table of
 * the file's eight columns - the cheapest way to get these rows into SQLite durably.
 */
async function rawBaseline(): Promise<{ rowsPerS: number; ms: number; rows: number }> {
  const dir = tempDir('import-baseline');
  const database = openDatabase(`sqlite:${path.join(dir, 'baseline.db')}`);
  try {
    if (database.dialect !== 'sqlite') throw new Error('sqlite expected');
    const raw = database.sqlite.raw;
    raw.exec(`create table retail (invoice text, stock_code text, description text,
      quantity text, invoice_date text, unit_price text, customer_id text, country text)`);
    const insert = raw.prepare('insert into retail values (?, ?, ?, ?, ?, ?, ?, ?)');
    const started = performance.now();
    let rows = 0;
    raw.exec('begin immediate');
    const parser = fs
      .createReadStream(DATA)
      .pipe(zlib.createGunzip())
      .pipe(parse({ from_line: 2 }));
    for await (const record of parser) {
      insert.run(...(record as string[]));
      rows++;
    }
    raw.exec('commit');
    const ms = performance.now() - started;
    return { rowsPerS: (rows * 1000) / ms, ms, rows };
  } finally {
    await database.close();
    removeDir(dir);
  }
}

export const importBenchmark: Benchmark = {
  name: 'import',
  summary:
    'rows/s and peak RSS of `comeback import orders` on the full UCI Online Retail file (SQLite) ' +
    'vs the same rows parsed and bulk-inserted raw in one transaction',
  async run({ log }) {
    if (!fs.existsSync(DATA)) throw new Error(`${DATA} is missing (see its README)`);
    log('ours: comeback import orders online_retail_full.csv.gz (541,909 rows)');
    const ours = await runImport();
    const durable = (ours.rows * 1000) / ours.importMs;
    const applied = (ours.rows * 1000) / (ours.importMs + ours.applyMs);
    log(
      `ours: ${fmt(durable)} rows/s durable (${fmt(ours.importMs / 1000, 1)} s), ` +
        `${fmt(applied)} rows/s with profiles applied (+${fmt(ours.applyMs / 1000, 1)} s), ` +
        `peak RSS ${fmt(ours.maxRssBytes / 2 ** 20)} MB`,
    );
    log('baseline: the same rows, csv-parse + one prepared insert in one transaction');
    const base = await rawBaseline();
    log(`baseline: ${fmt(base.rowsPerS)} rows/s (${fmt(base.ms / 1000, 1)} s)`);
    const shape =
      `${fmt(ours.rows)} rows -> ${fmt(ours.events)} events (orders, refunds) for ` +
      `${fmt(ours.imported)} imported and ${fmt(ours.rejected)} rejected rows`;
    return [
      resultRow({
        name: 'import',
        metric: 'rows_per_s_durable',
        unit: 'rows/s',
        ours: durable,
        baseline: base.rowsPerS,
        target: { atLeast: 50_000 },
        notes:
          `until every row is committed (events appended, checkpoint written; synchronous=FULL): ` +
          `${shape}, in ${fmt(ours.importMs / 1000, 1)} s (process wall time with start-up and ` +
          `profile application ${fmt(ours.wallMs / 1000, 1)} s). CSV is read and parsed in a ` +
          `second thread. Baseline: gunzip + csv-parse + one prepared insert per row in one ` +
          `transaction, 8 text columns (${fmt(base.ms / 1000, 1)} s)`,
      }),
      resultRow({
        name: 'import',
        metric: 'rows_per_s_applied',
        unit: 'rows/s',
        ours: applied,
        baseline: base.rowsPerS,
        target: null,
        notes:
          `until the processor has applied every event to profiles (run in the same process ` +
          `after the import: +${fmt(ours.applyMs / 1000, 1)} s for ${fmt(ours.events)} events, ` +
          `${fmt((ours.events * 1000) / ours.applyMs)} events/s, each order with its lines)`,
      }),
      resultRow({
        name: 'import',
        metric: 'peak_rss_mb',
        unit: 'MB',
        ours: ours.maxRssBytes / 2 ** 20,
        target: { atMost: 500 },
        notes: 'maximum resident set of the import process (both threads), import and apply',
      }),
    ];
  },
};
