import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './packages/server/test/support/slow-first-sequencer.js';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Says once when ../shared/data is absent and the full-data tests are skipped.
    globalSetup: ['packages/server/test/support/shared-data-notice.ts'],
    // Storage tests each create their own databases; two workers keep the 2-core machine busy.
    maxWorkers: 2,
    fileParallelism: true,
    // Long files start first so both workers finish together (see the sequencer).
    sequence: { sequencer: SlowFirstSequencer },
  },
});
