import type { Config } from '../config/config.js';
import type { Clock, ManualClock } from '../platform/clock.js';
import type { Database } from '../platform/db/database.js';
import type { JobRunner } from '../platform/jobs/job-runner.js';
import type { Logger } from '../platform/logger.js';
import type {
  AppendQueue,
  AppliedWait,
  Processor,
  ProcessorRunner,
  TrackingGateway,
} from '../modules/ingest/index.js';
import type { CustomFieldRegistry, ProfileQueries } from '../modules/profiles/index.js';
import type { KeyResolver } from '../modules/workspaces/index.js';
import type { LoginThrottle, SessionStore, UserStore } from '../modules/users/index.js';
import type { CatalogService } from '../modules/catalog/index.js';
import type { ConnectorRegistry, WebhookReceiver } from '../modules/connectors/index.js';
import type { OrderQueries } from '../modules/profiles/index.js';
import type { CustomerValueService, RecommendationService } from '../modules/insights/index.js';
import type { ImportService } from '../modules/imports/index.js';
import type { SegmentHistory, SegmentService } from '../modules/segments/index.js';
import type { FlowService } from '../modules/flows/index.js';
import type {
  JourneyEngine,
  JourneyMigrations,
  JourneyReads,
  JourneyService,
  JourneySettingsStore,
} from '../modules/journeys/index.js';
import type { JobQueue } from '../platform/jobs/job-queue.js';
import type {
  ConsentFollower,
  ConsentService,
  ConversationWindows,
  Feedback,
  SenderSettings,
  ClientTokens,
  Inbox,
  ProviderCredentials,
  PushSubscriptions,
  VapidKeys,
  TimelineRecorder,
  WebhookDispatcher,
  WebhookSecrets,
  WebhookSubscriptions,
  LinkSigner,
  MessageSender,
  MessagingService,
  Outbox,
  TemplateService,
} from '../modules/messaging/index.js';
import type { SftpFileLog, SftpPuller, SftpSources } from '../modules/imports/sftp/index.js';

/** Everything the HTTP layer may call, assembled once in server.ts. */
export interface Services {
  config: Config;
  clock: Clock;
  /** Present only with COMEBACK_CLOCK=manual. */
  manualClock: ManualClock | undefined;
  logger: Logger;
  database: Database;
  keys: KeyResolver;
  /** Dashboard users and their memberships. */
  users: UserStore;
  /** Dashboard sessions (cookie); `requireScope(keys, 'admin')` admits them too. */
  sessions: SessionStore;
  loginThrottle: LoginThrottle;
  gateway: TrackingGateway;
  appendQueue: AppendQueue;
  /** In-process processor: catch-up on demand (test clock, tests) and reading the cursor. */
  processor: Processor;
  /** Whatever applies events in the background: this process's loop or the processor thread. */
  processorRunner: ProcessorRunner;
  /** Read-your-writes: waits until what was acknowledged is applied (`?consistent=true`). */
  appliedWait: AppliedWait;
  profiles: ProfileQueries;
  customFields: CustomFieldRegistry;
  jobs: JobRunner;
  catalog: CatalogService;
  orders: OrderQueries;
  connectors: ConnectorRegistry;
  webhooks: WebhookReceiver;
  imports: ImportService;
  /** For work the HTTP layer schedules (an uploaded import's run). */
  jobQueue: JobQueue;
  sftpSources: SftpSources;
  sftpFiles: SftpFileLog;
  sftpPuller: SftpPuller;
  customerValue: CustomerValueService;
  recommendations: RecommendationService;
  segments: SegmentService;
  /** Journey definitions, versions and statuses (the engine is not built yet). */
  journeys: JourneyService;
  /** The flow library: ready journeys enabled by name. */
  flows: FlowService;
  /** Enrollments walked through their steps; drained by /clock/advance under the manual clock. */
  journeyEngine: JourneyEngine;
  journeyReads: JourneyReads;
  journeyMigrations: JourneyMigrations;
  journeySettings: JourneySettingsStore;
  /** Stored membership: a segment's history, a profile's segments since when and why. */
  segmentHistory: SegmentHistory;
  templates: TemplateService;
  /** Preview and the transactional send API: render, then queue in the outbox. */
  messaging: MessagingService;
  outbox: Outbox;
  /** Drains the outbox (`drain()` after a manual clock's advance). */
  sender: MessageSender;
  consent: ConsentService;
  /** Applies consent carried by identify traits (tracking, imports, connectors). */
  consentFollower: ConsentFollower;
  links: LinkSigner;
  /** When each person last wrote to us per channel (WhatsApp's 24-hour window). */
  windows: ConversationWindows;
  /** Records messaging's events (opens, clicks, deliveries, opt-outs) in the timeline. */
  timeline: TimelineRecorder;
  /** The per-workspace secret webhook-channel messages are signed with. */
  webhookSecrets: WebhookSecrets;
  webhookSubscriptions: WebhookSubscriptions;
  /** Delivers subscribed events (and segment entries/exits) to subscribers, signed, retried. */
  webhookDispatcher: WebhookDispatcher;
  /** Bounces, complaints and deliveries reported by providers or piped in as DSN mails. */
  feedback: Feedback;
  /** The store's name, postal address and website as messages show them. */
  senderSettings: SenderSettings;
  /** The in-app inbox a storefront reads with a per-profile client token. */
  inbox: Inbox;
  clientTokens: ClientTokens;
  vapidKeys: VapidKeys;
  pushSubscriptions: PushSubscriptions;
  /** Workspaces' own SMTP, Twilio and WhatsApp accounts (write-only, sealed at rest). */
  providerCredentials: ProviderCredentials;
}
