import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fieldMappingSchema, importKinds, type FieldMapping } from '@comeback/contracts';
import type { Clock } from '../../platform/clock.js';
import type { Database, Trx } from '../../platform/db/database.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { oneOf } from '../../platform/json.js';
import type { Logger } from '../../platform/logger.js';
import type { CatalogStore } from '../catalog/index.js';
import type { EventLog } from '../ingest/index.js';
import type { CustomFieldRegistry } from '../profiles/index.js';
import { ChunkWriter } from './chunk-writer.js';
import { FileProblem, sniffFile, type Sniffed } from './file-reader.js';
import { emptyCheckpoint, ImportJobStore, TakenOver, type ImportJob } from './import-jobs.js';
import { builderFor, ImportRun, Stopped } from './import-run.js';
import type { ImportProgress, ImportRequest, ImportSummary } from './import-types.js';
import { MappingStore, mappingOf } from './mapping-store.js';
import { RejectedFile } from './rejected-file.js';
import { RowMapper } from './row-mapper.js';

export interface ImportDeps {
  database: Database;
  clock: Clock;
  eventLog: EventLog;
  catalog: CatalogStore;
  customFields: CustomFieldRegistry;
  logger: Logger;
  /** Uploaded files, and rejected-rows files that cannot go beside their input. */
  workDir: string;
  /** Rows per committed chunk (default 5,000); tests use small ones. */
  chunkRows?: number;
  /** Appended events are waiting: wake the processor. */
  onAppended?: () => void;
}

/** What the job handler adds to a run: renewing its lease with each checkpoint. */
export interface RunHooks {
  signal?: AbortSignal | undefined;
  onProgress?: ((p: ImportProgress) => void) | undefined;
  onCheckpoint?: (trx: Trx) => Promise<void>;
}

/** Also for root, who may write anywhere: a directory nobody may write to is left alone. */
const writable = (dir: string) => {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return (fs.statSync(dir).mode & 0o222) !== 0;
  } catch {
    return false;
  }
};

/**
 * Bulk imports of customers, orders, products and events. A run streams the file, commits it
 * in chunks with its checkpoint, and can be resumed after a crash: rerunning the same import
 * (same file, kind, mapping and workspace; or the same job id) continues after the checkpoint.
 */
export class ImportService {
  readonly jobs: ImportJobStore;
  readonly mappings: MappingStore;
  readonly #deps: ImportDeps;

  constructor(deps: ImportDeps) {
    this.#deps = deps;
    this.jobs = new ImportJobStore(deps.database.db);
    this.mappings = new MappingStore(deps.database.db, deps.customFields);
  }

  get workDir(): string {
    return this.#deps.workDir;
  }

  async run(
    req: ImportRequest,
    onProgress?: (p: ImportProgress) => void,
  ): Promise<Result<ImportSummary>> {
    const prepared = await this.prepare(req);
    if (!prepared.ok) return prepared;
    return this.execute(prepared.value, { signal: req.signal, onProgress });
  }

  /** Finds (to resume) or creates the job for a request. */
  async prepare(req: ImportRequest): Promise<Result<ImportJob>> {
    const { database, clock } = this.#deps;
    if (oneOf(importKinds, req.kind) === undefined) {
      return fail('validation_failed', `kind must be one of ${importKinds.join(', ')}`, [
        { field: 'kind', message: 'unknown kind' },
      ]);
    }
    const workspace = await database.db
      .selectFrom('workspaces')
      .select('id')
      .where('id', '=', req.workspaceId)
      .executeTakeFirst();
    if (!workspace) {
      return fail('not_found', `no workspace ${req.workspaceId}`, [
        { field: 'workspace', message: 'not found' },
      ]);
    }
    if (req.jobId !== undefined) {
      const existing = await this.jobs.byId(req.jobId);
      if (existing && existing.workspaceId !== req.workspaceId) {
        return fail('not_found', `no import ${req.jobId} in this workspace`);
      }
      if (existing) return ok(existing);
    }
    const mapping = await this.#resolveMapping(req);
    if (!mapping.ok) return mapping;
    const file = path.resolve(req.path);
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(file);
      if (!stat.isFile()) throw new Error('not a regular file');
      await fs.promises.access(file, fs.constants.R_OK);
    } catch (error) {
      return fail(
        'validation_failed',
        `cannot read ${req.path}: ${error instanceof Error ? error.message : String(error)}`,
        [{ field: 'path', message: 'unreadable' }],
      );
    }
    const fingerprint = createHash('sha256')
      .update(
        JSON.stringify([
          req.workspaceId,
          req.kind,
          file,
          stat.size,
          stat.mtimeMs,
          req.format ?? null,
          mapping.value.mapping,
        ]),
      )
      .digest('hex');
    if (req.jobId === undefined) {
      const resumable = await this.jobs.resumable(req.workspaceId, fingerprint);
      if (resumable) return ok(resumable);
    }
    const job: ImportJob = {
      id: req.jobId ?? `imp_${randomUUID()}`,
      workspaceId: req.workspaceId,
      kind: req.kind,
      format: req.format ?? null,
      filePath: file,
      fileName: req.path,
      fingerprint,
      mapping: mapping.value.mapping,
      mappingName: mapping.value.name,
      source: req.source ?? {},
      status: 'queued',
      checkpoint: null,
      summary: null,
      totalBytes: stat.size,
      removeFile: false,
      rejectedPath: req.rejectedFile === undefined ? null : path.resolve(req.rejectedFile),
    };
    await this.jobs.create(job, clock.now());
    return ok(job);
  }

  async #resolveMapping(
    req: ImportRequest,
  ): Promise<Result<{ mapping: FieldMapping | null; name: string | null }>> {
    const given = req.mapping;
    if (given === undefined) return ok({ mapping: null, name: null });
    if ('name' in given && Object.keys(given).length === 1) {
      const saved = await this.mappings.get(req.workspaceId, given.name);
      if (!saved) {
        return fail('not_found', `no saved mapping named ${given.name}`, [
          { field: 'mapping', message: 'not found' },
        ]);
      }
      return ok({ mapping: mappingOf(saved), name: saved.name });
    }
    const parsed = fieldMappingSchema.safeParse(given);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = `mapping.${issue?.path.join('.') ?? ''}`;
      return fail('validation_failed', `${field}: ${issue?.message ?? 'invalid'}`, [
        { field, message: issue?.message ?? 'invalid' },
      ]);
    }
    return ok({ mapping: parsed.data, name: null });
  }

  /** Runs (or resumes) a job to its end. Unexpected errors throw: the job stays resumable. */
  async execute(job: ImportJob, hooks: RunHooks = {}): Promise<Result<ImportSummary>> {
    const { clock, database } = this.#deps;
    if (job.status === 'done' && job.summary) return ok(job.summary);
    const started = clock.now();
    const runner = `run_${randomUUID()}`;
    await this.jobs.claim(job.id, runner, started);
    const finish = async (summary: ImportSummary | null, error: string | null) => {
      await this.jobs.finish(
        job.id,
        runner,
        { status: error === null ? 'done' : 'failed', summary, error },
        clock.now(),
      );
      if (job.removeFile) await fs.promises.rm(job.filePath, { force: true });
    };
    const checkpoint = job.checkpoint ?? emptyCheckpoint();
    const summaryOf = (cp = checkpoint, unknown: string[] = []): ImportSummary => ({
      jobId: job.id,
      kind: job.kind,
      file: job.fileName,
      rows: cp.rows,
      imported: cp.imported,
      updated: cp.updated,
      unchanged: cp.unchanged,
      rejected: cp.rejected,
      rejectedFile: cp.rejectedFile,
      unknownColumns: unknown,
      errors: cp.errors,
      durationMs: clock.now() - started,
    });

    if (!fs.existsSync(job.filePath)) {
      // An upload kept in a temp dir that was cleaned, a file moved away: nothing to resume.
      const message = `the file to import is gone: ${job.filePath}`;
      await finish(summaryOf(), message);
      return fail('validation_failed', message, [{ field: 'file', message: 'missing' }]);
    }
    let sniffed: Sniffed;
    try {
      sniffed = await sniffFile(job.filePath, job.format ?? undefined);
    } catch (error) {
      if (!(error instanceof FileProblem)) throw error;
      await finish(summaryOf(), error.message);
      return fail('validation_failed', error.message, [{ field: 'file', message: error.message }]);
    }
    const customFields = await this.#deps.customFields.fieldsOf(job.workspaceId);
    const asSent = job.kind === 'events' && sniffed.format === 'jsonl' && job.mapping === null;
    const mapper = asSent ? null : RowMapper.create(job.kind, job.mapping, customFields);
    if (mapper && !mapper.ok) {
      await finish(summaryOf(), mapper.error.message);
      return mapper;
    }
    if (mapper && sniffed.format === 'jsonl') {
      const needs = mapper.value.checkTargets();
      if (!needs.ok) {
        await finish(summaryOf(), needs.error.message);
        return needs;
      }
    }
    const source = { kind: 'import', jobId: job.id, ...job.source };
    const rejectedPath =
      checkpoint.rejectedFile ?? job.rejectedPath ?? this.#rejectedPath(job, sniffed);
    const rejected = new RejectedFile(rejectedPath, sniffed.format, checkpoint.rejectedBytes);
    const run = new ImportRun({
      kind: job.kind,
      sniffed,
      path: job.filePath,
      totalBytes: job.totalBytes,
      mapper: mapper?.ok ? mapper.value : null,
      writer: new ChunkWriter(
        this.#deps.eventLog,
        this.#deps.catalog,
        job.kind,
        job.workspaceId,
        job.id,
        source,
      ),
      rejected,
      checkpoint,
      chunkRows: this.#deps.chunkRows ?? 5_000,
      commit: (work) => database.db.transaction().execute(work),
      saveCheckpoint: async (trx, cp) => {
        await this.jobs.checkpoint(trx, job.id, runner, cp, job.totalBytes, clock.now());
        await hooks.onCheckpoint?.(trx);
      },
      builderFor: (sink) =>
        builderFor(job.kind, mapper?.ok ? mapper.value : null, sink, {
          mapping: job.mapping,
          workspaceId: job.workspaceId,
          source,
          customFields,
          now: started,
        }),
      now: () => clock.now(),
      onAppended: () => this.#deps.onAppended?.(),
      onProgress: hooks.onProgress,
      signal: hooks.signal,
    });
    const unknown = () => [...(mapper?.ok ? mapper.value.unknownColumns : [])].sort();
    try {
      await run.execute();
    } catch (error) {
      if (error instanceof FileProblem) {
        const summary = summaryOf(run.checkpoint, unknown());
        await finish(summary, error.message);
        const landed = summary.imported + summary.updated;
        const message = `${error.message} (import ${job.id}: ${landed} rows before it were imported)`;
        return fail('validation_failed', message, [{ field: 'file', message: error.message }]);
      }
      if (error instanceof Stopped) {
        const line = run.checkpoint.line;
        return fail(
          'unavailable',
          `import ${job.id} stopped after line ${line}; run it again to resume`,
        );
      }
      if (error instanceof TakenOver) return fail('conflict', error.message);
      throw error;
    } finally {
      rejected.close();
    }
    const summary = summaryOf(run.checkpoint, unknown());
    await finish(summary, null);
    this.#deps.logger.info(
      { import: job.id, summary: { ...summary, errors: undefined } },
      'import done',
    );
    return ok(summary);
  }

  /** `FILE.rejected.csv` beside the file; in the work directory when that one is read-only. */
  #rejectedPath(job: ImportJob, sniffed: Sniffed): string {
    const name = `${path.basename(job.filePath)}.rejected.${sniffed.format}`;
    const dir = path.dirname(job.filePath);
    if (writable(dir)) return path.join(dir, name);
    const fallback = path.join(this.#deps.workDir || os.tmpdir(), 'rejected');
    fs.mkdirSync(fallback, { recursive: true });
    return path.join(fallback, `${job.id}-${name}`);
  }
}
