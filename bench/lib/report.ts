import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { ResultRow } from './result.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  os: string;
  /** 1-minute load average when the run started: other work on a shared machine skews results. */
  loadAverageAtStart: number;
  date: string;
}

export function machine(): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    date: new Date().toISOString(),
  };
}

/** The commit the server was built from, and whether the work tree differed from it. */
export function sourceRevision(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'packages') !== '';
    return (
      git('rev-parse', '--short', 'HEAD') + (dirty ? ' + uncommitted changes in packages/' : '')
    );
  } catch {
    return 'unknown';
  }
}

const cell = (v: string | number | boolean | null): string =>
  v === null ? '—' : String(v).replace(/\|/g, '\\|');

export function markdownTable(m: Machine, rows: readonly ResultRow[]): string {
  const header = ['benchmark', 'metric', 'ours', 'baseline', 'ratio', 'target', 'pass', 'notes'];
  const lines = [
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}, ${m.os}; ` +
      `load average ${m.loadAverageAtStart} at start (${m.date}); source ${sourceRevision()}`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map(
      (r) =>
        `| ${[
          r.name,
          `${r.metric} (${r.unit})`,
          r.ours,
          r.baseline,
          r.ratio,
          r.target,
          r.skipped !== undefined ? 'skipped' : r.pass === null ? null : r.pass ? 'yes' : 'NO',
          r.notes,
        ]
          .map(cell)
          .join(' | ')} |`,
    ),
  ];
  return lines.join('\n') + '\n';
}
