/**
 * Where tests find data. Small, licensed fixtures live in the repository
 * (test/fixtures/<set>/README.md names each source and licence), so `npm test` passes on a
 * fresh clone. The full data sets (the 541,909-row Online Retail file, its 10% sample) live
 * in ../shared/data beside the repository, which only the project's own machines have: the
 * tests that need them run when it is there and are skipped otherwise
 * (`describe.skipIf(!hasSharedData)`), with one line saying so printed at the start of the run
 * (shared-data-notice.ts).
 *
 * COMEBACK_SHARED_DATA points the lookup elsewhere; a missing directory there behaves like a
 * fresh clone (`COMEBACK_SHARED_DATA=/nonexistent npx vitest run ...`).
 */
import fs from 'node:fs';
import path from 'node:path';

const SHARED_DATA_DIR = path.resolve(
  process.env.COMEBACK_SHARED_DATA ??
    path.resolve(import.meta.dirname, '../../../../../shared/data'),
);

/** Whether the full data sets are present (the Online Retail README is the marker). */
export const hasSharedData = fs.existsSync(
  path.join(SHARED_DATA_DIR, 'online-retail', 'README.md'),
);

/** A path inside ../shared/data (or COMEBACK_SHARED_DATA); only meaningful with hasSharedData. */
export const sharedDataPath = (...parts: string[]): string => path.join(SHARED_DATA_DIR, ...parts);

/** A path inside test/fixtures, the data kept in the repository. */
export const fixturePath = (...parts: string[]): string =>
  path.resolve(import.meta.dirname, '../fixtures', ...parts);

/** The one line a run without the full data sets prints (once, from the global set-up). */
export const SHARED_DATA_SKIP_NOTICE =
  `full-data tests skipped: ${SHARED_DATA_DIR} not found (the Online Retail data set lives ` +
  'outside the repository; set COMEBACK_SHARED_DATA to a copy of shared/data to run them)';
