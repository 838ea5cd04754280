import fs from 'node:fs';
import path from 'node:path';
import { readConfig } from '../../packages/server/dist/config/config.js';
import { runDemo } from '../../packages/server/dist/demo-run.js';
import { createLogger } from '../../packages/server/dist/platform/logger.js';
import type { Benchmark } from '../lib/benchmark.js';
import { removeDir, tempDir } from '../lib/cleanup.js';
import { resultRow, type ResultRow } from '../lib/result.js';
import { intFromEnv } from '../lib/scale.js';
import { fmt } from '../lib/stats.js';

const NAME = 'demo';
const END = Date.UTC(2026, 10, 30);

/**
 * `demo`: `comeback demo` as a newcomer runs it (BENCH_DEMO_CUSTOMERS, default 300, over
 * BENCH_DEMO_DAYS, default 120, on SQLite): the synthetic store replayed through the API on the
 * virtual clock with the whole flow library enabled. Baseline: the same store replayed the
 * same way with no flow enabled, in the same run: the ratio is what the flows cost on top of
 * ingesting and applying the store. Target: under two minutes (issue 15).
 */
export const demoBenchmark: Benchmark = {
  name: NAME,
  summary: 'comeback demo (300 customers, 120 days, SQLite) vs the same replay with no flows',
  async run(): Promise<ResultRow[]> {
    const customers = intFromEnv('BENCH_DEMO_CUSTOMERS', 300);
    const days = intFromEnv('BENCH_DEMO_DAYS', 120);
    const once = async (withFlows: boolean) => {
      const dir = tempDir('demo');
      try {
        const parsed = readConfig({
          DATABASE_URL: `sqlite:${path.join(dir, 'comeback.db')}`,
          COMEBACK_DATA_DIR: dir,
          LOG_LEVEL: 'silent',
        });
        if (!parsed.ok) throw new Error(parsed.problems.join('; '));
        return await runDemo(parsed.config, {
          seed: 42,
          customers,
          days,
          endAt: END,
          withFlows,
          logger: createLogger('silent'),
        });
      } finally {
        if (fs.existsSync(dir)) removeDir(dir);
      }
    };
    const baseline = await once(false);
    const ours = await once(true);
    const messages = Object.values(ours.summary.totals.messages).reduce((a, n) => a + n, 0);
    return [
      resultRow({
        name: NAME,
        metric: 'demo_wall_s',
        unit: 's',
        ours: ours.seconds,
        baseline: baseline.seconds,
        target: { atMost: 120 },
        digits: 1,
        notes:
          `${fmt(customers)} customers, ${days} days, ${fmt(ours.events)} store calls and catalog ` +
          `changes, 3-hour steps of POST /clock/advance; ${ours.summary.flows.length} flows: ` +
          `${fmt(ours.summary.totals.entered)} entries, ${fmt(messages)} messages. Baseline: the ` +
          'same replay with no flow enabled',
      }),
    ];
  },
};
