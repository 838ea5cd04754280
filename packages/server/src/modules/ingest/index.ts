/**
 * Ingest: the tracking gateway (validate, deduplicate by messageId, append, acknowledge after
 * commit, with group commit and backpressure) and the processor that applies the log to
 * profiles in order, resuming exactly where it stopped.
 */
export { AppendQueue } from './append-queue.js';
export { AppliedWait } from './applied-wait.js';
export { EventLog } from './event-log.js';
export { Processor, type BatchParticipant } from './processor.js';
export { ProcessorThread, type ProcessorRunner } from './processor-thread.js';
export { TrackingGateway, type IncomingCall } from './tracking-gateway.js';
export { normalizeCall, type AppendRow, type CallEnvelope } from './event-normalizer.js';
export { serverCallRow, type ServerCall } from './server-calls.js';
export { mayNeedScrubbing, scrubRecord } from './payload-scrubber.js';
