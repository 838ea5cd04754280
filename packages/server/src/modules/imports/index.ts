/**
 * Imports: customers, orders (with lines and refunds), products and events from CSV or JSON
 * lines files (gzip accepted), streamed, idempotent and resumable. Orders, customers and events
 * become calls in the event log (the processor applies them like any other); products go to the
 * catalog. Owns saved field mappings and import jobs.
 */
export type {
  FieldMapping,
  ImportFormat,
  ImportKind,
  ImportProgress,
  ImportRequest,
  ImportSummary,
} from './import-types.js';
export { ImportService, type ImportDeps } from './import-service.js';
export { importErasure } from './import-erasure.js';
export {
  IMPORT_JOB,
  MAX_UPLOAD_BYTES,
  acceptUpload,
  importJobHandler,
  importWorkDir,
} from './import-jobs-queue.js';
