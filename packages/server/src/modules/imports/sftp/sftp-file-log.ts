import type { Db } from '../../../platform/db/database.js';
import type { SftpFileTable } from '../../../platform/db/schema.js';
import { readJsonObject } from '../../../platform/json.js';
import type { ImportSummary } from './import-port.js';

export type FileStatus = SftpFileTable['status'];

export interface SftpFileInfo {
  id: number;
  name: string;
  size: number;
  mtime: string;
  /** `importing`: taken but not finished (a crash, or the database failed); retried next run. */
  status: FileStatus;
  attempts: number;
  summary: Record<string, unknown> | null;
  error: string | null;
  /** Where the file was moved; null while the move is pending (finished on the next run). */
  movedTo: string | null;
  moveError: string | null;
  startedAt: string;
  finishedAt: string | null;
  movedAt: string | null;
}

export interface FileRecord {
  id: number;
  status: FileStatus;
  attempts: number;
  movedAt: number | null;
}

/**
 * One row per remote file version (source, name, size, mtime): the exactly-once ledger. The
 * outcome is recorded before the file is moved, so a version recorded as done is never imported
 * again, whatever happens to the move.
 */
export class SftpFileLog {
  constructor(private readonly db: Db) {}

  async find(
    sourceId: string,
    f: { name: string; size: number; mtimeMs: number },
  ): Promise<FileRecord | null> {
    const r = await this.db
      .selectFrom('sftp_files')
      .select(['id', 'status', 'attempts', 'moved_at'])
      .where('source_id', '=', sourceId)
      .where('name', '=', f.name)
      .where('size', '=', f.size)
      .where('mtime', '=', f.mtimeMs)
      .executeTakeFirst();
    return r
      ? { id: Number(r.id), status: r.status, attempts: r.attempts, movedAt: r.moved_at }
      : null;
  }

  /** Records an attempt to import the version (a new row, or one more attempt of a stuck one). */
  async begin(
    source: { id: string; workspaceId: string },
    f: { name: string; size: number; mtimeMs: number },
    now: number,
  ): Promise<FileRecord> {
    await this.db
      .insertInto('sftp_files')
      .values({
        source_id: source.id,
        workspace_id: source.workspaceId,
        name: f.name,
        size: f.size,
        mtime: f.mtimeMs,
        status: 'importing',
        attempts: 0,
        summary: null,
        error: null,
        moved_to: null,
        move_error: null,
        started_at: now,
        finished_at: null,
        moved_at: null,
      })
      .onConflict((oc) => oc.columns(['source_id', 'name', 'size', 'mtime']).doNothing())
      .execute();
    const found = await this.find(source.id, f);
    if (!found) throw new Error('file record vanished right after it was written');
    await this.db
      .updateTable('sftp_files')
      .set({ attempts: found.attempts + 1, started_at: now })
      .where('id', '=', found.id)
      .execute();
    return { ...found, attempts: found.attempts + 1 };
  }

  async finish(
    id: number,
    outcome: { status: 'imported'; summary: ImportSummary } | { status: 'failed'; error: string },
    now: number,
  ): Promise<void> {
    await this.db
      .updateTable('sftp_files')
      .set({
        status: outcome.status,
        summary: outcome.status === 'imported' ? JSON.stringify(outcome.summary) : null,
        error: outcome.status === 'failed' ? outcome.error.slice(0, 4000) : null,
        finished_at: now,
      })
      .where('id', '=', id)
      .execute();
  }

  /** An attempt that did not finish (the import threw): the row stays `importing`. */
  async interrupted(id: number, error: string): Promise<void> {
    await this.db
      .updateTable('sftp_files')
      .set({ error: error.slice(0, 4000) })
      .where('id', '=', id)
      .execute();
  }

  async moved(id: number, to: string, now: number): Promise<void> {
    await this.db
      .updateTable('sftp_files')
      .set({ moved_to: to, moved_at: now, move_error: null })
      .where('id', '=', id)
      .execute();
  }

  async moveFailed(id: number, error: string): Promise<void> {
    await this.db
      .updateTable('sftp_files')
      .set({ move_error: error.slice(0, 2000) })
      .where('id', '=', id)
      .execute();
  }

  async list(
    sourceId: string,
    opts: { limit: number; status?: FileStatus | undefined; ids?: number[] },
  ): Promise<SftpFileInfo[]> {
    let q = this.db
      .selectFrom('sftp_files')
      .selectAll()
      .where('source_id', '=', sourceId)
      .orderBy('id', 'desc')
      .limit(opts.limit);
    if (opts.status) q = q.where('status', '=', opts.status);
    if (opts.ids) {
      if (opts.ids.length === 0) return [];
      q = q.where('id', 'in', opts.ids);
    }
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    return (await q.execute()).map((r) => ({
      id: Number(r.id),
      name: r.name,
      size: Number(r.size),
      mtime: new Date(Number(r.mtime)).toISOString(),
      status: r.status,
      attempts: r.attempts,
      summary: r.summary === null ? null : readJsonObject(r.summary),
      error: r.error,
      movedTo: r.moved_to,
      moveError: r.move_error,
      startedAt: new Date(r.started_at).toISOString(),
      finishedAt: iso(r.finished_at),
      movedAt: iso(r.moved_at),
    }));
  }
}
