import { randomUUID } from 'node:crypto';
import type { Database, Db, Trx } from '../../../platform/db/database.js';
import { fail, ok, type Result } from '../../../platform/errors.js';
import type { JobQueue } from '../../../platform/jobs/job-queue.js';
import { isRecord } from '../../../platform/json.js';
import type { SecretBox } from '../../../platform/secret-box.js';
import type { SftpEndpoint } from './sftp-client.js';
import { SFTP_PULL_JOB, nextRunAfter, pullDedupeKey } from './sftp-schedule.js';
import {
  settingsOf,
  sourceInfo,
  type SftpCredentials,
  type SftpSourceInfo,
  type SftpSourceInput,
  type SftpSourcePatch,
  type SftpSourceSettings,
} from './sftp-source-info.js';

export type { SftpSourceInfo, SftpSourceInput, SftpSourcePatch, SftpSourceSettings };

/** What a pull needs: the settings and the opened credentials. */
export interface SftpPullTarget {
  id: string;
  workspaceId: string;
  settings: SftpSourceSettings;
  endpoint: SftpEndpoint;
  nextRunAt: number | null;
}

const text = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** SFTP sources of a workspace: settings, sealed credentials, schedule, lease and last run. */
export class SftpSources {
  constructor(
    private readonly database: Database,
    private readonly box: SecretBox,
    private readonly queue: JobQueue,
  ) {}

  async create(workspaceId: string, input: SftpSourceInput, now: number): Promise<SftpSourceInfo> {
    const id = `sftp_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
    const auth = this.#seal({}, input);
    if (!auth.ok) throw new Error(auth.error.message); // the route checks before calling
    await this.database.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('sftp_sources')
        .values({
          id,
          workspace_id: workspaceId,
          ...this.#columns(input),
          sealed_auth: auth.value.sealed,
          auth_methods: auth.value.methods,
          seen_fingerprint: null,
          next_run_at: null,
          last_run_at: null,
          last_success_at: null,
          last_error: null,
          last_error_at: null,
          locked_by: null,
          locked_until: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await this.#reschedule(trx, id, workspaceId, input, now);
    });
    return this.#must(workspaceId, id);
  }

  async update(
    workspaceId: string,
    id: string,
    patch: SftpSourcePatch,
    now: number,
  ): Promise<Result<SftpSourceInfo | null>> {
    const row = await this.#row(this.database.db, id, workspaceId);
    if (!row) return ok(null);
    const next: SftpSourceSettings = { ...settingsOf(row), ...definedOnly(patch) };
    const touchesAuth = ['password', 'privateKey', 'passphrase'].some((k) => k in patch);
    const auth = touchesAuth ? this.#seal(this.#credentials(row.sealed_auth), patch) : null;
    if (auth && !auth.ok) return auth;
    const timing = (['schedule', 'timezone', 'enabled'] as const).some(
      (k) => patch[k] !== undefined && patch[k] !== settingsOf(row)[k],
    );
    await this.database.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('sftp_sources')
        .set({
          ...this.#columns(next),
          ...(auth ? { sealed_auth: auth.value.sealed, auth_methods: auth.value.methods } : {}),
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
      if (timing) await this.#reschedule(trx, id, workspaceId, next, now);
    });
    return ok(await this.#must(workspaceId, id));
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    return this.database.db.transaction().execute(async (trx) => {
      const gone = await trx
        .deleteFrom('sftp_sources')
        .where('id', '=', id)
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      if (Number(gone.numDeletedRows) === 0) return false;
      await trx.deleteFrom('sftp_files').where('source_id', '=', id).execute();
      // Its pending run would find no source and do nothing; remove it anyway.
      await trx
        .deleteFrom('jobs')
        .where('kind', '=', SFTP_PULL_JOB)
        .where('status', '=', 'pending')
        .where('dedupe_key', 'like', `sftp:${id}:%`)
        .execute();
      return true;
    });
  }

  async list(workspaceId: string): Promise<SftpSourceInfo[]> {
    const rows = await this.database.db
      .selectFrom('sftp_sources')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const out: SftpSourceInfo[] = [];
    for (const r of rows) out.push(await sourceInfo(this.database.db, r));
    return out;
  }

  async get(workspaceId: string, id: string): Promise<SftpSourceInfo | null> {
    const row = await this.#row(this.database.db, id, workspaceId);
    return row ? sourceInfo(this.database.db, row) : null;
  }

  /** The source with its credentials opened, whatever workspace it is in (jobs name ids). */
  async target(id: string): Promise<SftpPullTarget | null> {
    const row = await this.#row(this.database.db, id);
    if (!row) return null;
    const settings = settingsOf(row);
    const auth = this.#credentials(row.sealed_auth);
    return {
      id,
      workspaceId: row.workspace_id,
      settings,
      nextRunAt: row.next_run_at,
      endpoint: {
        host: settings.host,
        port: settings.port,
        username: settings.username,
        hostFingerprint: settings.hostFingerprint,
        password: auth.password ?? undefined,
        privateKey: auth.privateKey ?? undefined,
        passphrase: auth.passphrase ?? undefined,
      },
    };
  }

  /** Whether the source exists, is enabled and when its next run is planned. */
  async planned(id: string): Promise<{ enabled: boolean; nextRunAt: number | null } | null> {
    const r = await this.database.db
      .selectFrom('sftp_sources')
      .select(['enabled', 'next_run_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? { enabled: r.enabled === 1, nextRunAt: r.next_run_at } : null;
  }

  /** Takes (or renews) the source's lease: one pull of a source at a time, across processes. */
  async lease(id: string, holder: string, now: number, leaseMs: number): Promise<boolean> {
    const r = await this.database.db
      .updateTable('sftp_sources')
      .set({ locked_by: holder, locked_until: now + leaseMs })
      .where('id', '=', id)
      .where((eb) =>
        eb.or([
          eb('locked_by', 'is', null),
          eb('locked_by', '=', holder),
          eb('locked_until', '<', now),
        ]),
      )
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async release(id: string, holder: string): Promise<void> {
    await this.database.db
      .updateTable('sftp_sources')
      .set({ locked_by: null, locked_until: null })
      .where('id', '=', id)
      .where('locked_by', '=', holder)
      .execute();
  }

  /** The outcome of a pull; a run that connected clears the last error. */
  async recordRun(
    id: string,
    run: { at: number; error: string | null; fingerprint: string | null },
  ): Promise<void> {
    await this.database.db
      .updateTable('sftp_sources')
      .set({
        last_run_at: run.at,
        ...(run.fingerprint !== null ? { seen_fingerprint: run.fingerprint } : {}),
        ...(run.error === null
          ? { last_success_at: run.at, last_error: null, last_error_at: null }
          : { last_error: run.error.slice(0, 2000), last_error_at: run.at }),
      })
      .where('id', '=', id)
      .execute();
  }

  /**
   * After the run planned for `instant`: plan the next one, unless the schedule changed
   * meanwhile (then the update already planned it). Compare-and-set on `next_run_at`.
   */
  async scheduleAfter(id: string, instant: number, now: number): Promise<void> {
    await this.database.db.transaction().execute(async (trx) => {
      const row = await this.#row(trx, id);
      if (row?.enabled !== 1 || row.next_run_at !== instant) return;
      await this.#reschedule(trx, id, row.workspace_id, settingsOf(row), Math.max(now, instant));
    });
  }

  /**
   * At start-up: every enabled source has a pending run. A chain can break (its job parked after
   * repeated failures, a database restored from a backup); this mends it.
   */
  async resumeSchedules(now: number): Promise<number> {
    const rows = await this.database.db
      .selectFrom('sftp_sources')
      .selectAll()
      .where('enabled', '=', 1)
      .execute();
    let mended = 0;
    for (const row of rows) {
      const planned =
        row.next_run_at === null
          ? undefined
          : await this.database.db
              .selectFrom('jobs')
              .select('id')
              .where('dedupe_key', '=', pullDedupeKey(row.id, row.next_run_at))
              .where('status', 'in', ['pending', 'running'])
              .executeTakeFirst();
      if (planned) continue;
      await this.database.db.transaction().execute(async (trx) => {
        await this.#reschedule(trx, row.id, row.workspace_id, settingsOf(row), now);
      });
      mended++;
    }
    return mended;
  }

  async #reschedule(
    trx: Trx,
    id: string,
    workspaceId: string,
    s: Pick<SftpSourceSettings, 'schedule' | 'timezone' | 'enabled'>,
    after: number,
  ): Promise<void> {
    const instant = s.enabled ? nextRunAfter(s.schedule, s.timezone, after) : null;
    await trx
      .updateTable('sftp_sources')
      .set({ next_run_at: instant })
      .where('id', '=', id)
      .execute();
    if (instant === null) return;
    await this.queue.enqueue(
      {
        kind: SFTP_PULL_JOB,
        runAt: instant,
        workspaceId,
        dedupeKey: pullDedupeKey(id, instant),
        payload: { sourceId: id, instant },
        // Failures of a pull are recorded on the source; a job fails only when the database does.
        maxAttempts: 10,
      },
      after,
      trx,
    );
  }

  #columns(s: SftpSourceSettings) {
    return {
      name: s.name,
      host: s.host,
      port: s.port,
      username: s.username,
      host_fingerprint: s.hostFingerprint,
      remote_dir: s.remoteDir,
      file_pattern: s.pattern,
      import_kind: s.kind,
      format: s.format,
      mapping_name: s.mapping,
      schedule: s.schedule,
      timezone: s.timezone,
      enabled: s.enabled ? 1 : 0,
    };
  }

  #seal(
    current: SftpCredentials,
    change: SftpCredentials,
  ): Result<{ sealed: string; methods: string }> {
    const merged: SftpCredentials = { ...current };
    for (const k of ['password', 'privateKey', 'passphrase'] as const) {
      if (change[k] !== undefined) merged[k] = change[k];
    }
    const methods = [
      ...(merged.password ? ['password'] : []),
      ...(merged.privateKey ? ['privateKey'] : []),
    ];
    if (methods.length === 0) {
      return fail('validation_failed', 'password: give a password or a privateKey', [
        { field: 'password', message: 'a password or a privateKey is required' },
      ]);
    }
    const plain = JSON.stringify({
      password: merged.password ?? undefined,
      privateKey: merged.privateKey ?? undefined,
      passphrase: merged.passphrase ?? undefined,
    });
    return ok({ sealed: this.box.seal(plain), methods: methods.join(',') });
  }

  #credentials(sealed: string): SftpCredentials {
    const parsed: unknown = JSON.parse(this.box.open(sealed));
    if (!isRecord(parsed)) return {};
    return {
      password: text(parsed.password),
      privateKey: text(parsed.privateKey),
      passphrase: text(parsed.passphrase),
    };
  }

  #row(db: Db | Trx, id: string, workspaceId?: string) {
    let q = db.selectFrom('sftp_sources').selectAll().where('id', '=', id);
    if (workspaceId !== undefined) q = q.where('workspace_id', '=', workspaceId);
    return q.executeTakeFirst();
  }

  async #must(workspaceId: string, id: string): Promise<SftpSourceInfo> {
    const info = await this.get(workspaceId, id);
    if (!info) throw new Error(`SFTP source ${id} vanished while being written`);
    return info;
  }
}

/** The settings a patch changes: keys given with a value (null included), credentials aside. */
function definedOnly(patch: SftpSourcePatch): Partial<SftpSourceSettings> {
  const out: Partial<SftpSourceSettings> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (v !== undefined && k !== 'password' && k !== 'privateKey' && k !== 'passphrase') {
      Object.assign(out, { [k]: v });
    }
  }
  return out;
}
