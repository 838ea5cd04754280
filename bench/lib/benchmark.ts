import type { ResultRow } from './result.js';
import type { Scale } from './scale.js';

export interface BenchContext {
  scale: Scale;
  log: (line: string) => void;
  /** The arguments after `npm run bench --`, options included (`--cutoff 2011-09-01`). */
  argv: readonly string[];
}

/** One benchmark: a file under bench/benchmarks/, listed in bench/benchmarks/index.ts. */
export interface Benchmark {
  name: string;
  /** One line: what is measured and against what. */
  summary: string;
  /** Runs the benchmark and returns one row per figure; must clean up after itself. */
  run(ctx: BenchContext): Promise<ResultRow[]>;
}
