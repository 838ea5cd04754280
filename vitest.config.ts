import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Storage tests each create their own databases; two workers keep the 2-core machine busy.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
