/**
 * The set-up pages' value lists and list envelope. The shapes of the API's answers (connectors,
 * deliveries, SFTP sources and files) are the contracts' types: import them from
 * @comeback/contracts with `import type`.
 */
import type { FieldType, ImportKind, SftpFileStatus, StorePlatform } from '@comeback/contracts';
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

export const platforms = [
  'shopify',
  'woocommerce',
  'magento',
] as const satisfies readonly StorePlatform[];

export const sftpFileStatuses = [
  'importing',
  'imported',
  'failed',
] as const satisfies readonly SftpFileStatus[];

export interface ListOf<T> {
  data: T[];
}
