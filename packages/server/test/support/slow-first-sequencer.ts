import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The suite's longest files, longest first (CI timings, rounded; only their order matters).
 * CI runs on a clean clone without vitest's duration cache, where the default order (larger
 * files first) can leave a four-minute file to start last while the other worker idles; two
 * workers finish together only if the long files start first. A file missing from the list
 * runs after these in the default order, so a stale entry costs time, never a test.
 */
const SLOW_FIRST = [
  'demo/demo-e2e-postgres', // ~250 s
  'demo/demo-e2e-sqlite', // ~230 s
  'journeys/journey-crash-postgres', // ~130 s
  'journeys/journey-crash-sqlite', // ~120 s
  'process/crash-safety',
  'process/startup', // ~105 s
  'users/users-cli', // ~65 s
  'dashboard/dashboard-pages', // ~60 s
  'imports/sftp', // ~55 s
  'dashboard/dashboard-roles',
  'dashboard/dashboard-basics',
  'dashboard/dashboard-canvas',
  'demo/demo-store',
  'insights/recommend-api',
  'insights/cdnow-btyd',
  'messaging/outbox',
  'messaging/webhooks',
  'segments/segment-reference',
  'demo/demo-resume',
];

function rank(spec: TestSpecification): number {
  const i = SLOW_FIRST.findIndex((name) => spec.moduleId.endsWith(`/test/${name}.test.ts`));
  return i === -1 ? SLOW_FIRST.length : i;
}

export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const position = new Map(sorted.map((spec, i) => [spec, i]));
    return sorted.sort((a, b) => rank(a) - rank(b) || position.get(a)! - position.get(b)!);
  }
}
