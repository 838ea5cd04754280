/**
 * Profiles: one per person, with identifiers (user id, anonymous id, email, phone, store
 * customer id), typed traits and computed e-commerce fields. Owns identity resolution and
 * merges, the custom-field schema, GDPR export and erasure.
 */
export {
  CARRIED_TRAITS,
  prepareEventBatch,
  type BatchOutcome,
  type PreparedBatch,
  type TouchedProfile,
  type WorkspaceChanges,
} from './event-applier.js';
export { ProfileStore } from './profile-store.js';
export { ProfileCache } from './profile-cache.js';
export { ProfileQueries, type LookupKey } from './profile-queries.js';
export { pageTimeline, type TimelineEntry, type TimelineSource } from './profile-timeline.js';
export {
  deleteOrders,
  ERASED_ORDER,
  type ErasedPerson,
  type ErasureParticipant,
} from './profile-erasure.js';
export { normalizeIdentifier } from './identifiers.js';
export { CustomFieldRegistry, coerceTraits } from './custom-fields.js';
export {
  loggedEventOf,
  normalizeEmail,
  normalizePhone,
  traitsOf,
  type LoggedEvent,
} from './identifiers.js';
export { OrderQueries } from './order-queries.js';
export { ORDER_EVENTS } from './order-book.js';
export { predictionsView } from './profile-predictions.js';
export { AWAITING_ORDER } from './order-store.js';
export { decodeLines, lineSql } from './order-lines.js';
