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
