import { z } from 'zod';
import { storableText } from './errors.js';
import { importFormats, importKinds } from './imports.js';

/**
 * Scheduled SFTP pulls as the admin API shows them: a source (where to poll, what the files
 * hold, when), and the per-file log. The server adds its own checks to the writable fields
 * (a cron expression, a file-name glob, an IANA zone); they do not change the shapes here.
 */
export const sftpSettingsSchema = z.object({
  name: storableText().min(1).max(200),
  host: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[A-Za-z0-9._:[\]-]+$/, 'must be a host name or an IP address'),
  port: z.number().int().min(1).max(65535),
  username: storableText().min(1).max(255),
  /** Pin the server's host key: `SHA256:…` as `ssh-keygen -lf` prints it; null unpins. */
  hostFingerprint: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must be an OpenSSH fingerprint such as SHA256:AbC…')
    .nullable(),
  /** The folder polled; `processed/` and `failed/` are made inside it. */
  remoteDir: storableText().min(1).max(1024),
  /** A glob on file names: `*.csv`, `customers-*.csv.gz`, `orders-????-??-??.jsonl`. */
  pattern: storableText().min(1).max(200),
  kind: z.enum(importKinds),
  /** Default (null): from each file's extension. */
  format: z.enum(importFormats).nullable(),
  /** The name of a saved field mapping; null: columns named like fields map to them. */
  mapping: storableText().min(1).max(200).nullable(),
  /** A cron expression such as `*\/15 * * * *`. */
  schedule: z.string().max(200),
  /** The zone the schedule is read in (`0 6 * * *` at 6:00 there). */
  timezone: z.string().max(64),
  enabled: z.boolean(),
});

export const sftpAuthMethods = ['password', 'privateKey'] as const;
export const sftpSourceSchema = sftpSettingsSchema.extend({
  id: z.string(),
  authMethods: z.array(z.enum(sftpAuthMethods)),
  seenHostFingerprint: z.string().nullable(),
  nextRunAt: z.string().nullable(),
  lastRunAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  files: z.object({ imported: z.number(), failed: z.number(), pendingMoves: z.number() }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SftpSource = z.infer<typeof sftpSourceSchema>;

export const sftpFileStatuses = ['importing', 'imported', 'failed'] as const;
export type SftpFileStatus = (typeof sftpFileStatuses)[number];
export const sftpFileSchema = z.object({
  id: z.number(),
  name: z.string(),
  size: z.number(),
  mtime: z.string(),
  status: z.enum(sftpFileStatuses),
  attempts: z.number(),
  summary: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
  movedTo: z.string().nullable(),
  moveError: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  movedAt: z.string().nullable(),
});
export type SftpFile = z.infer<typeof sftpFileSchema>;

/** "Run now": the run's error (null when it reached the server) and the files it handled. */
export const sftpRunResultSchema = z.object({
  error: z.string().nullable(),
  files: z.array(sftpFileSchema),
});
export type SftpRunResult = z.infer<typeof sftpRunResultSchema>;
