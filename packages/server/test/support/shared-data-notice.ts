/**
 * Vitest global set-up: runs once per `vitest run`, before any test file, so a run without
 * ../shared/data says once (not once per file) which tests it skips and why.
 */
import { hasSharedData, SHARED_DATA_SKIP_NOTICE } from './shared-data.js';

export default function announceSkippedFullDataTests(): void {
  if (!hasSharedData) console.log(SHARED_DATA_SKIP_NOTICE);
}
