/**
 * Journeys (issue 13): definitions saved as drafts, checked against the workspace's segments
 * and templates, frozen as a new version at each activation of a changed draft, and moved
 * through draft -> active <-> paused -> archived.
 */
export {
  JourneyService,
  MAX_DISTINCT_REFERENCES,
  journeyView,
  referencesOf,
  type ReferenceAt,
} from './journey-service.js';
export {
  canonicalJson,
  isJourneyId,
  storedJourneyReferences,
  type JourneyRecord,
  type JourneyReferences,
  type JourneyVersion,
} from './journey-store.js';
export { JourneyEngine } from './journey-engine.js';
export { JourneyRunner, type PassResult, type RunnerEnv } from './journey-runner.js';
export { JourneyTriggers } from './journey-triggers.js';
export { DefinitionCache } from './definition-cache.js';
export { JourneySettingsStore } from './journey-settings.js';
export { JourneyReads, exitEnrollments } from './journey-reads.js';
export { liveEnv, type LiveEnvDeps } from './live-env.js';
export { journeyMessageId, bucketOf } from './steps/index.js';
export type { StepEnv, EnrollmentState, StepRecord, StepResult } from './engine-types.js';
export { CatalogTriggers, AUDIENCE_EVENTS } from './catalog-triggers.js';
export { TimedTriggers } from './timed-triggers.js';
export {
  JourneyMigrations,
  type MigrationOutcome,
  type MigrationRequest,
} from './journey-migration.js';
export { JourneyBacktest, type BacktestDeps } from './backtest.js';
