import fs from 'node:fs';
import { fieldMappingSchema, importFormats, importKinds } from '@comeback/contracts';
import type { Command } from 'commander';
import { pino } from 'pino';
import { instanceSecretFile, type Config } from './config/config.js';
import { CatalogStore } from './modules/catalog/index.js';
import { EventLog, Processor } from './modules/ingest/index.js';
import {
  ImportService,
  importWorkDir,
  type FieldMapping,
  type ImportProgress,
  type ImportSummary,
} from './modules/imports/index.js';
import { CustomFieldRegistry, ProfileStore } from './modules/profiles/index.js';
import { LiveSegments } from './modules/segments/index.js';
import { DEFAULT_WORKSPACE_ID, bootstrapWorkspace } from './modules/workspaces/index.js';
import type { Clock } from './platform/clock.js';
import { migrateToLatest, openDatabase } from './platform/db/database.js';
import { oneOf } from './platform/json.js';

interface ImportOptions {
  format?: string;
  mapping?: string;
  workspace: string;
  json?: boolean;
  apply: boolean;
  rejected?: string;
}

const n = (v: number) => Math.round(v).toLocaleString('en-US');
const seconds = (ms: number) => (ms < 10_000 ? (ms / 1000).toFixed(1) : n(ms / 1000));

/** A progress line on stderr: redrawn in place on a terminal, every few seconds otherwise. */
function progressReporter(started: number, now: () => number) {
  const tty = process.stderr.isTTY;
  let lastAt = 0;
  return {
    update(label: string, p: ImportProgress) {
      const t = now();
      if (!tty && t - lastAt < 5000) return;
      lastAt = t;
      const elapsed = Math.max(1, t - started);
      const share = p.totalBytes > 0 ? Math.min(1, p.bytes / p.totalBytes) : 0;
      const eta = share > 0.01 ? ((1 - share) * elapsed) / share : null;
      const width = 24;
      const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '.');
      const text =
        `${label} [${bar}] ${(share * 100).toFixed(0).padStart(3)}%  ${n(p.rows)} rows  ` +
        `${n((p.rows * 1000) / elapsed)} rows/s  ETA ${eta === null ? '?' : `${seconds(eta)} s`}`;
      process.stderr.write(tty ? `\r${text}\u001b[K` : `${text}\n`);
    },
    done() {
      if (tty) process.stderr.write('\n');
    },
  };
}

function summaryText(s: ImportSummary, timings: { importMs: number; applyMs: number | null }) {
  const lines = [
    `Import ${s.jobId} (${s.kind}) of ${s.file}`,
    `  rows:      ${n(s.rows)} in ${seconds(timings.importMs)} s (${n((s.rows * 1000) / Math.max(1, timings.importMs))} rows/s)`,
    `  imported:  ${n(s.imported)}`,
    `  updated:   ${n(s.updated)}`,
    `  unchanged: ${n(s.unchanged)}`,
    `  rejected:  ${n(s.rejected)}${s.rejectedFile ? ` (listed with reasons in ${s.rejectedFile})` : ''}`,
  ];
  if (s.unknownColumns.length) {
    lines.push(`  unknown columns (not imported): ${s.unknownColumns.join(', ')}`);
  }
  if (s.errors.length) {
    lines.push(`  first problems:`);
    for (const e of s.errors.slice(0, 10)) lines.push(`    line ${e.line}: ${e.message}`);
    if (s.errors.length > 10) lines.push(`    ... (${s.rejectedFile ?? 'see the import'})`);
  }
  if (timings.applyMs !== null) lines.push(`  profiles applied in ${seconds(timings.applyMs)} s`);
  return lines.join('\n') + '\n';
}

function readMapping(value: string): FieldMapping | { name: string } | string {
  if (!fs.existsSync(value) && !value.endsWith('.json')) return { name: value };
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(value, 'utf8'));
  } catch (error) {
    return `cannot read the mapping file ${value}: ${error instanceof Error ? error.message : String(error)}`;
  }
  const parsed = fieldMappingSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `mapping file ${value}: ${issue?.path.join('.') || 'mapping'}: ${issue?.message ?? 'invalid'}`;
  }
  return parsed.data;
}

/** `comeback import customers|orders|products|events FILE`. */
export function registerImportCommand(
  program: Command,
  loadConfig: () => Config,
  clock: Clock,
): void {
  program
    .command('import')
    .description(
      'import customers, orders, products or events from a CSV or JSON lines file (gzip too)',
    )
    .argument('<kind>', importKinds.join(' | '))
    .argument('<file>', 'the file (.csv, .jsonl, .ndjson, optionally .gz)')
    .option('--format <format>', 'csv | jsonl (default: from the file name, else sniffed)')
    .option('--mapping <file|name>', 'a field mapping JSON file, or the name of a saved mapping')
    .option('--workspace <id>', 'the store to import into', DEFAULT_WORKSPACE_ID)
    .option('--rejected <file>', 'where to list rejected rows (default: FILE.rejected.csv|jsonl)')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--no-apply', 'do not apply the events to profiles now (a running server will)')
    .addHelpText(
      'after',
      [
        '',
        'Rows are committed in chunks with a checkpoint: run the same command again after a crash',
        'and it continues where it stopped; importing the same file twice changes nothing.',
        'Rejected rows are listed with their line and reason in FILE.rejected.csv (or .jsonl).',
        'Exit code: 0 imported (rows may be rejected), 1 the import failed, 2 bad arguments.',
        'Guide: docs/guides/imports.md',
      ].join('\n'),
    )
    .action(async (kindArg: string, file: string, opts: ImportOptions) => {
      const kind = oneOf(importKinds, kindArg);
      if (kind === undefined) {
        return program.error(`kind must be one of ${importKinds.join(', ')} (got ${kindArg})`, {
          exitCode: 2,
        });
      }
      const format = opts.format === undefined ? undefined : oneOf(importFormats, opts.format);
      if (opts.format !== undefined && format === undefined) {
        return program.error(`--format must be csv or jsonl (got ${opts.format})`, { exitCode: 2 });
      }
      const mapping = opts.mapping === undefined ? undefined : readMapping(opts.mapping);
      if (typeof mapping === 'string') return program.error(mapping, { exitCode: 2 });
      const config = loadConfig();
      const logger = pino({ level: 'warn', base: { service: 'comeback' } }, pino.destination(2));
      const database = openDatabase(config.databaseUrl);
      // Appending walks the end of the log: a small page cache does, and keeps memory down.
      if (database.dialect === 'sqlite') database.sqlite.raw.pragma('cache_size = -32768');
      try {
        await migrateToLatest(database);
        const bootstrap = await bootstrapWorkspace(database.db, {
          now: clock.now(),
          generateKeys: false,
          ...(config.secret !== undefined ? { secret: config.secret } : {}),
          secretFile: instanceSecretFile(config),
        });
        const eventLog = new EventLog(database);
        const service = new ImportService({
          database,
          clock,
          eventLog,
          catalog: new CatalogStore(database.dialect),
          customFields: new CustomFieldRegistry(database.db, () => clock.now()),
          logger,
          workDir: importWorkDir(config.databaseUrl),
        });
        const started = clock.now();
        const progress = progressReporter(started, () => clock.now());
        const result = await service.run(
          {
            workspaceId: opts.workspace,
            kind,
            path: file,
            ...(format !== undefined ? { format } : {}),
            ...(mapping !== undefined ? { mapping } : {}),
            ...(opts.rejected !== undefined ? { rejectedFile: opts.rejected } : {}),
          },
          (p) => progress.update('importing', p),
        );
        progress.done();
        const importMs = clock.now() - started;
        if (!result.ok) {
          process.stderr.write(`Import failed: ${result.error.message}\n`);
          // 2: what was asked for cannot be (no such file, mapping or workspace); 1: the file
          // itself failed part-way or the mapping does not fit it.
          const field = result.error.details[0]?.field ?? '';
          const asked = result.error.code === 'not_found' || ['path', 'kind'].includes(field);
          process.exitCode = asked ? 2 : 1;
          return;
        }
        let applyMs: number | null = null;
        if (opts.apply) {
          // Profiles are right when the command returns: apply what was appended, here.
          const appliedFrom = clock.now();
          const processor = new Processor(database, eventLog, clock, logger, {
            batchSize: config.processorBatchSize,
            gatherMs: 0,
            store: new ProfileStore(database, bootstrap.secret),
            participants: [new LiveSegments(database, logger)],
          });
          const timer = setInterval(
            () =>
              process.stderr.isTTY &&
              process.stderr.write(
                `\rapplying to profiles: ${n(processor.applied)} events\u001b[K`,
              ),
            200,
          );
          try {
            await processor.catchUp();
          } finally {
            clearInterval(timer);
            if (process.stderr.isTTY) process.stderr.write('\n');
          }
          applyMs = clock.now() - appliedFrom;
        }
        const summary = result.value;
        if (opts.json) {
          const rss = process.resourceUsage().maxRSS * 1024;
          process.stdout.write(
            JSON.stringify({ ...summary, importMs, applyMs, maxRssBytes: rss }) + '\n',
          );
        } else process.stdout.write(summaryText(summary, { importMs, applyMs }));
      } finally {
        await database.close();
      }
    });
}
