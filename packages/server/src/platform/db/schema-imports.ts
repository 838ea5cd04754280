import type { Generated } from 'kysely';

/** Tables of imports and scheduled SFTP pulls. */
export interface SftpSourceTable {
  id: string;
  workspace_id: string;
  name: string;
  host: string;
  port: number;
  username: string;
  /** JSON `{ password?, privateKey?, passphrase? }`, sealed with SecretBox. */
  sealed_auth: string;
  /** Comma-separated: `password`, `privateKey`. */
  auth_methods: string;
  host_fingerprint: string | null;
  seen_fingerprint: string | null;
  remote_dir: string;
  file_pattern: string;
  import_kind: string;
  format: string | null;
  mapping_name: string | null;
  schedule: string;
  timezone: string;
  enabled: number;
  next_run_at: number | null;
  last_run_at: number | null;
  last_success_at: number | null;
  last_error: string | null;
  last_error_at: number | null;
  locked_by: string | null;
  locked_until: number | null;
  created_at: number;
  updated_at: number;
}
export interface SftpFileTable {
  id: Generated<number>;
  source_id: string;
  workspace_id: string;
  name: string;
  size: number;
  mtime: number;
  status: 'importing' | 'imported' | 'failed';
  attempts: number;
  summary: unknown;
  error: string | null;
  moved_to: string | null;
  move_error: string | null;
  started_at: number;
  finished_at: number | null;
  moved_at: number | null;
}

export interface ImportJobTable {
  id: string;
  workspace_id: string;
  kind: string;
  format: string | null;
  file_path: string;
  file_name: string;
  /** Workspace, kind, file identity and mapping: a rerun of the same import finds its job. */
  fingerprint: string;
  mapping: unknown;
  mapping_name: string | null;
  source: unknown;
  status: 'queued' | 'running' | 'done' | 'failed';
  checkpoint: unknown;
  rows: number;
  bytes: number;
  total_bytes: number;
  summary: unknown;
  error: string | null;
  /** The run holding the job; a checkpoint commits only for it. */
  runner: string | null;
  /** An uploaded copy, removed when the import ends. */
  remove_file: number;
  /** Where rejected rows go, when the caller chose (else beside the file). */
  rejected_path: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}
export interface ImportMappingTable {
  workspace_id: string;
  name: string;
  kind: string;
  mapping: unknown;
  created_at: number;
  updated_at: number;
}
export interface ImportLedgerTable {
  workspace_id: string;
  kind: string;
  key: string;
  digest: string;
  job_id: string;
  updated_at: number;
}
