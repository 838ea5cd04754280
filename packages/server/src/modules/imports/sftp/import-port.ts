import type { ImportService } from '../index.js';

/** What a pull needs of the import pipeline: its `run` (a test may hand in its own). */
export type FileImporter = Pick<ImportService, 'run'>;
export type { ImportKind, ImportSummary } from '../index.js';
export { importFormats, importKinds } from '@comeback/contracts';
