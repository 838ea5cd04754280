import type { ImportJobView } from '@comeback/contracts';

export const isFinished = (job: ImportJobView) => job.status === 'done' || job.status === 'failed';

/** Whole percent of the file committed: bytes of total while running, 100 once done. */
export function percentOf(job: ImportJobView): number {
  if (job.status === 'done') return 100;
  const { bytes, totalBytes } = job.progress;
  if (totalBytes <= 0) return 0;
  // 100 only when the server says done: the last chunk's commit follows its bytes.
  return Math.min(99, Math.floor((bytes / totalBytes) * 100));
}

export const statusColor = {
  queued: 'gray',
  running: 'blue',
  done: 'teal',
  failed: 'red',
} as const;
