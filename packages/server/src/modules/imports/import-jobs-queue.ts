import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FieldMapping, ImportJobView } from '@comeback/contracts';
import type { Clock } from '../../platform/clock.js';
import type { Database, Trx } from '../../platform/db/database.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import type { ClaimedJob, JobQueue } from '../../platform/jobs/job-queue.js';
import type { ImportJob } from './import-jobs.js';
import type { ImportFormat, ImportKind } from './import-types.js';
import type { ImportService } from './import-service.js';
import { mappingOf } from './mapping-store.js';

/** The job kind that runs an uploaded import (through the jobs table, so a crash resumes it). */
export const IMPORT_JOB = 'imports.run';
/** An upload larger than this is refused (the file is streamed to disk, never held in memory). */
export const MAX_UPLOAD_BYTES = 4 * 1024 ** 3;
const LEASE_MS = 60_000;

/** Uploads and import files the server keeps: beside an SQLite database, else in the temp dir. */
export function importWorkDir(databaseUrl: string): string {
  if (databaseUrl.startsWith('sqlite:') && !databaseUrl.includes(':memory:')) {
    return path.join(path.dirname(path.resolve(databaseUrl.slice('sqlite:'.length))), 'imports');
  }
  return path.join(os.tmpdir(), 'comeback-imports');
}

class TooLarge extends Error {}

/**
 * Takes an uploaded file: streams it to the work directory (bounded, never whole in memory),
 * then records the import job and enqueues its run in one transaction. Answers with the job.
 */
export async function acceptUpload(
  deps: { service: ImportService; database: Database; queue: JobQueue; clock: Clock },
  upload: {
    workspaceId: string;
    kind: ImportKind;
    format: ImportFormat | undefined;
    mappingName: string | undefined;
    fileName: string;
    body: Readable;
  },
): Promise<Result<ImportJobView>> {
  const { service, database, queue, clock } = deps;
  let mapping: FieldMapping | null = null;
  if (upload.mappingName !== undefined) {
    const saved = await service.mappings.get(upload.workspaceId, upload.mappingName);
    if (!saved) {
      upload.body.resume();
      return fail('not_found', `no saved mapping named ${upload.mappingName}`, [
        { field: 'mapping', message: 'not found' },
      ]);
    }
    if (saved.kind !== upload.kind) {
      upload.body.resume();
      return fail('validation_failed', `mapping ${saved.name} is for ${saved.kind}`, [
        { field: 'mapping', message: `a ${saved.kind} mapping` },
      ]);
    }
    mapping = mappingOf(saved);
  }
  const id = `imp_${randomUUID()}`;
  fs.mkdirSync(service.workDir, { recursive: true });
  const file = path.join(service.workDir, `${id}.upload`);
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      done(size > MAX_UPLOAD_BYTES ? new TooLarge() : null, chunk);
    },
  });
  try {
    await pipeline(upload.body, limit, fs.createWriteStream(file));
  } catch (error) {
    await fs.promises.rm(file, { force: true });
    if (error instanceof TooLarge) {
      return fail('payload_too_large', `an import file is limited to ${MAX_UPLOAD_BYTES} bytes`, [
        { field: 'body', message: 'too large' },
      ]);
    }
    throw error;
  }
  if (size === 0) {
    await fs.promises.rm(file, { force: true });
    return fail('validation_failed', 'the uploaded file is empty', [
      { field: 'body', message: 'empty' },
    ]);
  }
  const now = clock.now();
  const job: ImportJob = {
    id,
    workspaceId: upload.workspaceId,
    kind: upload.kind,
    format: upload.format ?? null,
    filePath: file,
    fileName: upload.fileName,
    fingerprint: id,
    mapping,
    mappingName: upload.mappingName ?? null,
    source: { upload: true },
    status: 'queued',
    checkpoint: null,
    summary: null,
    totalBytes: size,
    removeFile: true,
    rejectedPath: null,
  };
  await database.db.transaction().execute(async (trx) => {
    await service.jobs.create(job, now, trx);
    await queue.enqueue(
      {
        kind: IMPORT_JOB,
        runAt: now,
        workspaceId: upload.workspaceId,
        payload: { importId: id },
        dedupeKey: `import:${id}`,
        // Each attempt resumes after the last checkpoint; a file that cannot be read fails the
        // import (recorded on it), not the job.
        maxAttempts: 10,
      },
      now,
      trx,
    );
  });
  const view = await service.jobs.view(upload.workspaceId, id);
  return view ? ok(view) : fail('internal', 'the import was not recorded');
}

/**
 * Runs an import job. Expected failures (a bad file) end the import as failed and the job as
 * done; anything else throws, so the job is retried and the import resumes at its checkpoint.
 * Each checkpoint renews the job's lease: a long import is not taken for a dead worker's.
 */
export function importJobHandler(service: ImportService, clock: Clock) {
  return async (claimed: ClaimedJob): Promise<void> => {
    const id = claimed.payload.importId;
    if (typeof id !== 'string') return;
    const job = await service.jobs.byId(id);
    if (!job || job.status === 'done' || job.status === 'failed') return;
    await service.execute(job, {
      onCheckpoint: (trx) => renewLease(trx, claimed, clock.now() + LEASE_MS),
    });
  };
}

async function renewLease(trx: Trx, job: ClaimedJob, until: number): Promise<void> {
  await trx
    .updateTable('jobs')
    .set({ locked_until: until })
    .where('id', '=', job.id)
    .where('locked_by', '=', job.lockedBy)
    .where('status', '=', 'running')
    .execute();
}
