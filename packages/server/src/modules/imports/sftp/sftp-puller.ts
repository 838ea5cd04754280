import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Clock } from '../../../platform/clock.js';
import type { JobHandler } from '../../../platform/jobs/job-runner.js';
import type { Logger } from '../../../platform/logger.js';
import { globToRegExp } from './file-pattern.js';
import type { FileImporter } from './import-port.js';
import { connectSftp, type RemoteFile, type SftpSession } from './sftp-client.js';
import type { FileRecord, SftpFileLog } from './sftp-file-log.js';
import type { SftpPullTarget, SftpSources } from './sftp-sources.js';

export type PullResult =
  | { kind: 'missing' }
  /** Another pull of the source holds its lease. */
  | { kind: 'busy' }
  /** `error`: why the run stopped short (connection, listing, an import that threw). */
  | { kind: 'ran'; error: string | null; fileIds: number[] };

export interface PullerOptions {
  /** Where files are downloaded to (a folder per file, removed once its import is recorded). */
  workDir?: string;
  leaseMs?: number;
  connectTimeoutMs?: number;
  /** Imports of a version that never finish (a crash each time) before it is given up. */
  maxAttempts?: number;
}

type FileStep = { recordId?: number; error?: string; stop?: boolean };

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const join = path.posix.join;

/**
 * One pull of one source: list the folder, and for each new matching file, oldest first,
 * download it, import it, record the outcome, then move it to `processed/` or `failed/`.
 */
export class SftpPuller {
  readonly #workDir: string;
  readonly #leaseMs: number;
  readonly #timeoutMs: number;
  readonly #maxAttempts: number;

  constructor(
    private readonly sources: SftpSources,
    private readonly log: SftpFileLog,
    private readonly importer: FileImporter,
    private readonly clock: Clock,
    private readonly logger: Logger,
    opts: PullerOptions = {},
  ) {
    this.#workDir = opts.workDir ?? path.join(os.tmpdir(), 'comeback-sftp');
    this.#leaseMs = opts.leaseMs ?? 10 * 60_000;
    this.#timeoutMs = opts.connectTimeoutMs ?? 20_000;
    this.#maxAttempts = opts.maxAttempts ?? 3;
  }

  async pull(sourceId: string): Promise<PullResult> {
    if (!(await this.sources.planned(sourceId))) return { kind: 'missing' };
    const holder = `pull-${randomUUID()}`;
    if (!(await this.sources.lease(sourceId, holder, this.clock.now(), this.#leaseMs)))
      return { kind: 'busy' };
    const fileIds: number[] = [];
    let error: string | null = null;
    let fingerprint: string | null = null;
    try {
      const target = await this.sources.target(sourceId);
      if (!target) return { kind: 'missing' };
      const connected = await connectSftp(target.endpoint, this.#timeoutMs);
      fingerprint = connected.fingerprint;
      if (!connected.ok) error = connected.error;
      else {
        try {
          error = await this.#pullFiles(target, connected.session, holder, fileIds);
        } finally {
          connected.session.close();
        }
      }
    } catch (e) {
      // A bug or the database: recorded on the source like a connection error, retried next run.
      this.logger.warn({ err: e, source: sourceId }, 'SFTP pull failed');
      error = message(e);
    } finally {
      await this.sources.recordRun(sourceId, { at: this.clock.now(), error, fingerprint });
      await this.sources.release(sourceId, holder);
    }
    return { kind: 'ran', error, fileIds };
  }

  async #pullFiles(
    target: SftpPullTarget,
    session: SftpSession,
    holder: string,
    fileIds: number[],
  ): Promise<string | null> {
    const dir = target.settings.remoteDir;
    let listed: RemoteFile[];
    try {
      listed = await session.list(dir);
    } catch (e) {
      return `cannot list ${dir}: ${message(e)}`;
    }
    const pattern = globToRegExp(target.settings.pattern);
    const files = listed
      .filter((f) => pattern.test(f.name) && f.name === path.posix.basename(f.name))
      .sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let firstError: string | null = null;
    for (const file of files) {
      if (!(await this.sources.lease(target.id, holder, this.clock.now(), this.#leaseMs)))
        return 'another pull took this source over (lease expired)';
      const step = await this.#takeFile(target, session, file, holder);
      if (step.recordId !== undefined) fileIds.push(step.recordId);
      firstError ??= step.error ?? null;
      if (step.stop) break;
    }
    return firstError;
  }

  async #takeFile(
    target: SftpPullTarget,
    session: SftpSession,
    file: RemoteFile,
    holder: string,
  ): Promise<FileStep> {
    const dir = target.settings.remoteDir;
    const known = await this.log.find(target.id, file);
    if (known && known.status !== 'importing') {
      // Recorded as done: never imported again. Only the move is left (it failed last time).
      return { recordId: known.id, ...(await this.#move(session, dir, file.name, known)) };
    }
    if (known && known.attempts >= this.#maxAttempts) {
      const error = `gave up after ${known.attempts} attempts that never finished`;
      await this.log.finish(known.id, { status: 'failed', error }, this.clock.now());
      await rm(this.#localDir(target.id, known.id), { recursive: true, force: true });
      const failed = { ...known, status: 'failed' as const };
      return { recordId: known.id, ...(await this.#move(session, dir, file.name, failed)) };
    }
    let renewedAt = this.clock.now();
    const renew = () => {
      if (this.clock.now() - renewedAt < this.#leaseMs / 3) return;
      renewedAt = this.clock.now();
      void this.sources.lease(target.id, holder, renewedAt, this.#leaseMs).catch(() => {});
    };
    const downloaded = await this.#download(target, session, file, renew);
    if (!('local' in downloaded)) return downloaded;
    const { record, local } = downloaded;
    const s = target.settings;
    let result;
    try {
      result = await this.importer.run(
        {
          workspaceId: target.workspaceId,
          kind: s.kind,
          path: local,
          ...(s.format !== null ? { format: s.format } : {}),
          ...(s.mapping !== null ? { mapping: { name: s.mapping } } : {}),
          source: { kind: 'sftp', sftpSourceId: target.id, file: file.name },
          // The same id on every attempt of this version: a retried import resumes, and one
          // that had finished answers with its summary instead of importing again.
          jobId: `sftp-${target.id}-${record.id}`,
        },
        renew,
      );
    } catch (e) {
      // The local copy stays: the next attempt resumes from the import's checkpoint.
      const error = `import of ${file.name} did not finish: ${message(e)}`;
      await this.log.interrupted(record.id, error);
      return { recordId: record.id, error, stop: true };
    }
    let problem: string | undefined;
    if (result.ok) {
      const summary = { ...result.value };
      if (summary.rejectedFile !== null) {
        const ext = path.extname(summary.rejectedFile) || '.csv';
        const to = join(dir, 'processed', `${file.name}.rejected${ext}`);
        try {
          await session.ensureDir(join(dir, 'processed'));
          await session.upload(summary.rejectedFile, to);
          summary.rejectedFile = to;
        } catch (e) {
          problem = `rejected rows not uploaded to ${to}: ${message(e)}`;
          summary.rejectedFile = null;
        }
      }
      await this.log.finish(record.id, { status: 'imported', summary }, this.clock.now());
    } else {
      const error = `${result.error.code}: ${result.error.message}`;
      await this.log.finish(record.id, { status: 'failed', error }, this.clock.now());
    }
    await rm(path.dirname(local), { recursive: true, force: true });
    const done = { ...record, status: result.ok ? ('imported' as const) : ('failed' as const) };
    const moved = await this.#move(session, dir, file.name, done);
    if (problem !== undefined && !moved.error) await this.log.moveFailed(record.id, problem);
    return { recordId: record.id, ...moved };
  }

  /**
   * Streams the file to a folder of its own record (`<workDir>/<source>/<record>/<name>`, the
   * remote name kept: the importer reads the format from the extension), the same path on every
   * attempt, so an interrupted import resumes on it. A copy whose size differs from the listing
   * was still being written: its next version (size, mtime) is taken on a later run.
   */
  async #download(
    target: SftpPullTarget,
    session: SftpSession,
    file: RemoteFile,
    renew: () => void,
  ): Promise<FileStep | { record: FileRecord; local: string }> {
    await mkdir(this.#workDir, { recursive: true });
    const scratch = await mkdtemp(path.join(this.#workDir, 'download-'));
    try {
      const fetched = path.join(scratch, file.name);
      try {
        await session.download(join(target.settings.remoteDir, file.name), fetched, renew);
      } catch (e) {
        return { error: `cannot download ${file.name}: ${message(e)}` };
      }
      if ((await stat(fetched)).size !== file.size) return {};
      const record = await this.log.begin(target, file, this.clock.now());
      const local = path.join(this.#localDir(target.id, record.id), file.name);
      await mkdir(path.dirname(local), { recursive: true });
      await rename(fetched, local);
      return { record, local };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  #localDir(sourceId: string, recordId: number): string {
    return path.join(this.#workDir, sourceId, String(recordId));
  }

  /** Moves the file to `processed/` or `failed/` (made if missing), never over another file. */
  async #move(
    session: SftpSession,
    dir: string,
    name: string,
    record: FileRecord,
  ): Promise<{ error?: string }> {
    const folder = join(dir, record.status === 'imported' ? 'processed' : 'failed');
    try {
      await session.ensureDir(folder);
      let to = join(folder, name);
      if (await session.exists(to)) to = join(folder, `${record.id}-${name}`);
      await session.rename(join(dir, name), to);
      await this.log.moved(record.id, to, this.clock.now());
      return {};
    } catch (e) {
      const error = `cannot move ${name} to ${folder}: ${message(e)}`;
      await this.log.moveFailed(record.id, error);
      return { error };
    }
  }
}

/**
 * The scheduled run of a source: pull (its failures are recorded on the source, never thrown),
 * then plan the next run. A job whose instant is no longer the source's next run (the schedule
 * changed, the source was disabled or deleted) does nothing.
 */
export function sftpPullHandler(
  sources: SftpSources,
  puller: SftpPuller,
  clock: Clock,
  logger: Logger,
): JobHandler {
  return async (job) => {
    const { sourceId, instant } = job.payload;
    if (typeof sourceId !== 'string' || typeof instant !== 'number') return;
    const planned = await sources.planned(sourceId);
    if (!planned?.enabled || planned.nextRunAt !== instant) return;
    try {
      await puller.pull(sourceId);
    } catch (error) {
      logger.warn({ err: error, source: sourceId }, 'SFTP pull could not record its outcome');
    }
    await sources.scheduleAfter(sourceId, instant, clock.now());
  };
}
