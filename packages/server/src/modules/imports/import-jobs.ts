import {
  fieldMappingSchema,
  importFormats,
  importKinds,
  importSummarySchema,
  type FieldMapping,
  type ImportJobView,
} from '@comeback/contracts';
import { z } from 'zod';
import type { Db, Trx } from '../../platform/db/database.js';
import { oneOf, readJsonObject } from '../../platform/json.js';
import type { ImportFormat, ImportKind, ImportSummary } from './import-types.js';

/**
 * Where a resumed import continues: everything up to `line` is committed, with these counts and
 * this much of the rejected-rows file. Written in the same transaction as the chunk it ends.
 */
export const checkpointSchema = z.object({
  line: z.number(),
  rows: z.number(),
  imported: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  rejected: z.number(),
  rejectedBytes: z.number(),
  rejectedFile: z.string().nullable(),
  errors: z.array(z.object({ line: z.number(), message: z.string() })),
  bytes: z.number(),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

export const emptyCheckpoint = (): Checkpoint => ({
  line: 0,
  rows: 0,
  imported: 0,
  updated: 0,
  unchanged: 0,
  rejected: 0,
  rejectedBytes: 0,
  rejectedFile: null,
  errors: [],
  bytes: 0,
});

export interface ImportJob {
  id: string;
  workspaceId: string;
  kind: ImportKind;
  format: ImportFormat | null;
  filePath: string;
  fileName: string;
  fingerprint: string;
  mapping: FieldMapping | null;
  mappingName: string | null;
  source: Record<string, unknown>;
  status: 'queued' | 'running' | 'done' | 'failed';
  checkpoint: Checkpoint | null;
  summary: ImportSummary | null;
  totalBytes: number;
  removeFile: boolean;
  /** Where rejected rows go (null: `FILE.rejected.csv` beside the file). */
  rejectedPath: string | null;
}

/** The taken-over error: another run of the same import holds it now (the last claim wins). */
export class TakenOver extends Error {
  constructor(id: string) {
    super(`import ${id} was taken over by another run; this run stops`);
  }
}

const parsedJson = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

type Row = Awaited<ReturnType<ImportJobStore['rowById']>>;

/** Import jobs: created by an upload or a CLI run, claimed by one run, checkpointed per chunk. */
export class ImportJobStore {
  constructor(private readonly db: Db) {}

  rowById(db: Db | Trx, id: string) {
    return db.selectFrom('import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async byId(id: string): Promise<ImportJob | null> {
    const row = await this.rowById(this.db, id);
    return row ? toJob(row) : null;
  }

  async create(job: ImportJob, now: number, trx?: Trx): Promise<void> {
    await (trx ?? this.db)
      .insertInto('import_jobs')
      .values({
        id: job.id,
        workspace_id: job.workspaceId,
        kind: job.kind,
        format: job.format,
        file_path: job.filePath,
        file_name: job.fileName,
        fingerprint: job.fingerprint,
        mapping: job.mapping ? JSON.stringify(job.mapping) : null,
        mapping_name: job.mappingName,
        source: JSON.stringify(job.source),
        status: job.status,
        rows: 0,
        bytes: 0,
        total_bytes: job.totalBytes,
        remove_file: job.removeFile ? 1 : 0,
        rejected_path: job.rejectedPath,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }

  /** An unfinished import of the same file, kind, mapping and workspace: a rerun resumes it. */
  async resumable(workspaceId: string, fingerprint: string): Promise<ImportJob | null> {
    const row = await this.db
      .selectFrom('import_jobs')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('fingerprint', '=', fingerprint)
      .where('status', 'in', ['queued', 'running'])
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    return row ? toJob(row) : null;
  }

  /** This run now holds the job; an earlier run still going stops at its next checkpoint. */
  async claim(id: string, runner: string, now: number): Promise<void> {
    await this.db
      .updateTable('import_jobs')
      .set((eb) => ({
        status: 'running',
        runner,
        error: null,
        started_at: eb.fn.coalesce('started_at', eb.val(now)),
        updated_at: now,
      }))
      .where('id', '=', id)
      .execute();
  }

  async checkpoint(
    trx: Trx,
    id: string,
    runner: string,
    cp: Checkpoint,
    totalBytes: number,
    now: number,
  ): Promise<void> {
    const r = await trx
      .updateTable('import_jobs')
      .set({
        checkpoint: JSON.stringify(cp),
        rows: cp.rows,
        bytes: cp.bytes,
        total_bytes: totalBytes,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('runner', '=', runner)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw new TakenOver(id);
  }

  async finish(
    id: string,
    runner: string,
    outcome: { status: 'done' | 'failed'; summary: ImportSummary | null; error: string | null },
    now: number,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('import_jobs')
      .set({
        status: outcome.status,
        summary: outcome.summary ? JSON.stringify(outcome.summary) : null,
        error: outcome.error,
        runner: null,
        finished_at: now,
        updated_at: now,
        ...(outcome.summary ? { rows: outcome.summary.rows } : {}),
      })
      .where('id', '=', id)
      .where('runner', '=', runner)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async view(workspaceId: string, id: string): Promise<ImportJobView | null> {
    const row = await this.rowById(this.db, id);
    return row && row.workspace_id === workspaceId ? toView(row) : null;
  }

  async list(workspaceId: string, limit: number): Promise<ImportJobView[]> {
    const rows = await this.db
      .selectFrom('import_jobs')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.flatMap((r) => (r ? [toView(r)] : []));
  }
}

function toJob(row: NonNullable<Row>): ImportJob {
  const mapping =
    row.mapping === null ? null : fieldMappingSchema.safeParse(parsedJson(row.mapping));
  const cp =
    row.checkpoint === null ? null : checkpointSchema.safeParse(parsedJson(row.checkpoint));
  const summary =
    row.summary === null ? null : importSummarySchema.safeParse(parsedJson(row.summary));
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    kind: oneOf(importKinds, row.kind) ?? 'events',
    format: row.format === null ? null : (oneOf(importFormats, row.format) ?? null),
    filePath: row.file_path,
    fileName: row.file_name,
    fingerprint: row.fingerprint,
    mapping: mapping?.success ? mapping.data : null,
    mappingName: row.mapping_name,
    source: readJsonObject(row.source),
    status: row.status,
    checkpoint: cp?.success ? cp.data : null,
    summary: summary?.success ? summary.data : null,
    totalBytes: Number(row.total_bytes),
    removeFile: row.remove_file === 1,
    rejectedPath: row.rejected_path,
  };
}

const iso = (t: number | null) => (t === null ? null : new Date(Number(t)).toISOString());

function toView(row: NonNullable<Row>): ImportJobView {
  const job = toJob(row);
  return {
    id: job.id,
    kind: job.kind,
    format: job.format,
    file: job.fileName,
    mapping: job.mappingName,
    status: job.status,
    progress: {
      rows: Number(row.rows),
      bytes: Number(row.bytes),
      totalBytes: Number(row.total_bytes),
    },
    summary: job.summary,
    error: row.error,
    createdAt: iso(row.created_at) ?? '',
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}
