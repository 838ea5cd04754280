import type { Db } from '../../../platform/db/database.js';
import type { SftpSourceTable } from '../../../platform/db/schema.js';
import { importKinds, type ImportKind } from './import-port.js';

/** A source as stored and as shown: settings, write-only credentials, run state. */
export interface SftpSourceSettings {
  name: string;
  host: string;
  port: number;
  username: string;
  hostFingerprint: string | null;
  remoteDir: string;
  pattern: string;
  kind: ImportKind;
  format: 'csv' | 'jsonl' | null;
  mapping: string | null;
  schedule: string;
  timezone: string;
  enabled: boolean;
}
/** Write-only: sealed at rest, never returned. `null` in an update removes a method. */
export interface SftpCredentials {
  password?: string | null | undefined;
  privateKey?: string | null | undefined;
  passphrase?: string | null | undefined;
}
export type SftpSourceInput = SftpSourceSettings & SftpCredentials;
export type SftpSourcePatch = Partial<SftpSourceSettings> & SftpCredentials;

export interface SftpSourceInfo extends SftpSourceSettings {
  id: string;
  authMethods: ('password' | 'privateKey')[];
  /** The host key seen at the last connection: what to pin when nothing is pinned yet. */
  seenHostFingerprint: string | null;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  files: { imported: number; failed: number; pendingMoves: number };
  createdAt: string;
  updatedAt: string;
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const kindOf = (k: string): ImportKind => importKinds.find((x) => x === k) ?? 'events';
const formatOf = (f: string | null) => (f === 'csv' || f === 'jsonl' ? f : null);

export function settingsOf(r: SftpSourceTable): SftpSourceSettings {
  return {
    name: r.name,
    host: r.host,
    port: r.port,
    username: r.username,
    hostFingerprint: r.host_fingerprint,
    remoteDir: r.remote_dir,
    pattern: r.file_pattern,
    kind: kindOf(r.import_kind),
    format: formatOf(r.format),
    mapping: r.mapping_name,
    schedule: r.schedule,
    timezone: r.timezone,
    enabled: r.enabled === 1,
  };
}

/** The API view of a source row, with its file counts. */
export async function sourceInfo(db: Db, r: SftpSourceTable): Promise<SftpSourceInfo> {
  const counts = await db
    .selectFrom('sftp_files')
    .select((eb) => [
      'status',
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>(eb.case().when('moved_at', 'is', null).then(1).else(0).end()).as('unmoved'),
    ])
    .where('source_id', '=', r.id)
    .groupBy('status')
    .execute();
  const count = (s: string) => Number(counts.find((c) => c.status === s)?.n ?? 0);
  const pendingMoves = counts
    .filter((c) => c.status !== 'importing')
    .reduce((sum, c) => sum + Number(c.unmoved ?? 0), 0);
  return {
    id: r.id,
    ...settingsOf(r),
    authMethods: r.auth_methods
      .split(',')
      .filter((m): m is 'password' | 'privateKey' => m === 'password' || m === 'privateKey'),
    seenHostFingerprint: r.seen_fingerprint,
    nextRunAt: iso(r.next_run_at),
    lastRunAt: iso(r.last_run_at),
    lastSuccessAt: iso(r.last_success_at),
    lastError: r.last_error,
    lastErrorAt: iso(r.last_error_at),
    files: { imported: count('imported'), failed: count('failed'), pendingMoves },
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}
