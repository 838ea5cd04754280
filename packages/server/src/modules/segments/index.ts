/**
 * Segments: saved definitions over profiles (traits, computed e-commerce fields, predictions,
 * insights), their events, orders and product affinity, and membership of other segments. Owns
 * the definitions' storage, checking a definition against the workspace (fields, types,
 * references, cycles), and answering who is in a segment now (compiled to SQL on both engines).
 * Reads profiles, catalog and insights tables; nothing outside imports anything but this file.
 */
export { SegmentService, segmentView, type MemberIdPage } from './segment-service.js';
export { type SegmentMember, MEMBER_CSV_HEADER } from './segment-members.js';
export { type SegmentName, type SegmentRecord } from './segment-store.js';
export { fieldRegistry } from './field-registry.js';
export { LiveSegments } from './live-segments.js';
export { eraseSegmentRecords } from './membership-store.js';
export { requestSegmentRechecks, requestZoneRechecks } from './segment-recheck-requests.js';
export {
  SegmentHistory,
  type ProfileMembership,
  type SegmentDay,
  type SegmentHistoryView,
} from './segment-history.js';
export type { FieldSpec, FieldType, SegmentQuery, SegmentReferences } from './segment-model.js';
