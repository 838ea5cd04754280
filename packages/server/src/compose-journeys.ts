import type { EventLog } from './modules/ingest/index.js';
import {
  CatalogTriggers,
  DefinitionCache,
  TimedTriggers,
  JourneyEngine,
  JourneyMigrations,
  JourneyReads,
  JourneyRunner,
  JourneyService,
  JourneySettingsStore,
  JourneyTriggers,
  liveEnv,
  storedJourneyReferences,
} from './modules/journeys/index.js';
import type {
  ConsentService,
  MessagingService,
  MessageSender,
  Outbox,
} from './modules/messaging/index.js';
import type { ProfileQueries } from './modules/profiles/index.js';
import type { SegmentService } from './modules/segments/index.js';
import type { Clock } from './platform/clock.js';
import type { Database } from './platform/db/database.js';
import type { Logger } from './platform/logger.js';

/** The journeys area put together: definitions, the engine (follower + runner) and its reads. */
export function composeJourneys(d: {
  database: Database;
  clock: Clock;
  wallClock: Clock;
  logger: Logger;
  eventLog: EventLog;
  profiles: ProfileQueries;
  segments: SegmentService;
  messaging: MessagingService;
  consent: ConsentService;
  outbox: Outbox;
  sender: MessageSender;
}) {
  const references = storedJourneyReferences(d.database.db);
  const journeySettings = new JourneySettingsStore(d.database.db, () => d.wallClock.now());
  const definitions = new DefinitionCache(d.database.db);
  const env = liveEnv({
    database: d.database,
    settings: journeySettings,
    messaging: d.messaging,
    consent: d.consent,
    eventLog: d.eventLog,
    profiles: d.profiles,
    conditionHolds: (w, p, c, at) => d.segments.conditionHolds(w, p, c, at),
  });
  const runner = new JourneyRunner({
    database: d.database,
    clock: d.clock,
    env,
    definitions,
    outbox: d.outbox,
    logger: d.logger,
    onQueued: () => d.sender.notify(),
  });
  const resolveSegment = (w: string, ref: string) => references.segmentId(w, ref);
  const catalog = new CatalogTriggers({ database: d.database, definitions, resolveSegment, env });
  const timed = new TimedTriggers({
    database: d.database,
    definitions,
    resolveSegment,
    settings: journeySettings,
    env,
    members: d.segments,
  });
  const triggers = new JourneyTriggers({
    database: d.database,
    definitions,
    env,
    resolveSegment,
  });
  return {
    journeys: new JourneyService(d.database, d.clock, references),
    journeyEngine: new JourneyEngine({
      triggers,
      catalog,
      timed,
      runner,
      clock: d.clock,
      logger: d.logger,
    }),
    journeyReads: new JourneyReads(d.database.db),
    journeyMigrations: new JourneyMigrations(d.database.db, definitions, () => d.clock.now()),
    journeySettings,
  };
}
