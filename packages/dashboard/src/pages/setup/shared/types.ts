/**
 * Shapes of the set-up API's answers. Connectors and SFTP sources have no schema in
 * @comeback/contracts (they live in the server's route files), so they are written out here,
 * field for field as packages/server/src/http/routes/{connector,sftp}-routes.ts answer them.
 */
import type { FieldType, ImportFormat, ImportKind } from '@comeback/contracts';

/**
 * The contracts' value lists, restated: importing values from @comeback/contracts would pull zod
 * and every schema into this chunk. `satisfies` keeps them within the contracts' types.
 */
export const importKinds = [
  'customers',
  'orders',
  'products',
  'events',
] as const satisfies readonly ImportKind[];
export const fieldTypes = [
  'string',
  'number',
  'boolean',
  'date',
  'enum',
  'list',
] as const satisfies readonly FieldType[];

export const platforms = ['shopify', 'woocommerce', 'magento'] as const;
export type Platform = (typeof platforms)[number];

export interface Connector {
  id: string;
  platform: Platform;
  name: string;
  shopDomain: string | null;
  webhookPath: string;
  webhookUrl: string;
  createdAt: string;
  disabledAt: string | null;
  deliveries: {
    total: number;
    failed: number;
    lastReceivedAt: string | null;
    lastError: string | null;
  };
}
/** The create answer: the only time the signing secret is shown. */
export type CreatedConnector = Connector & { secret: string };

export interface Delivery {
  deliveryId: string;
  topic: string;
  receivedAt: string;
  outcome: 'processed' | 'ignored' | 'failed';
  events: number;
  error: string | null;
}

export interface DataRequest {
  id: number;
  receivedAt: string;
  identifiers: Record<string, unknown>;
  request: Record<string, unknown>;
  profiles: Record<string, unknown>[];
}

export interface SftpSource {
  id: string;
  name: string;
  host: string;
  port: number;
  username: string;
  hostFingerprint: string | null;
  remoteDir: string;
  pattern: string;
  kind: ImportKind;
  format: ImportFormat | null;
  mapping: string | null;
  schedule: string;
  timezone: string;
  enabled: boolean;
  authMethods: ('password' | 'privateKey')[];
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

export const sftpFileStatuses = ['importing', 'imported', 'failed'] as const;
export type SftpFileStatus = (typeof sftpFileStatuses)[number];

export interface SftpFile {
  id: number;
  name: string;
  size: number;
  mtime: string;
  status: SftpFileStatus;
  attempts: number;
  summary: Record<string, unknown> | null;
  error: string | null;
  movedTo: string | null;
  moveError: string | null;
  startedAt: string;
  finishedAt: string | null;
  movedAt: string | null;
}

export interface SftpRunResult {
  error: string | null;
  files: SftpFile[];
}

export interface ListOf<T> {
  data: T[];
}
