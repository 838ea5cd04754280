import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { instanceSecretFile, type Config } from './config/config.js';
import { buildApp } from './http/app.js';
import type { Services } from './http/services.js';
import {
  AppendQueue,
  AppliedWait,
  EventLog,
  Processor,
  ProcessorThread,
  TrackingGateway,
  type ProcessorRunner,
} from './modules/ingest/index.js';
import { CatalogService } from './modules/catalog/index.js';
import {
  ConnectorRegistry,
  REDACT_JOB,
  WebhookReceiver,
  dataRequestErasure,
  redactionHandler,
} from './modules/connectors/index.js';
import { storeConnectors } from './modules/connectors/adapters.js';
import {
  CustomerValueService,
  FIT_CUSTOMER_VALUE_JOB,
  FIT_RECOMMENDATIONS_JOB,
  RecommendationService,
} from './modules/insights/index.js';
import {
  IMPORT_JOB,
  ImportService,
  importErasure,
  importJobHandler,
  importWorkDir,
} from './modules/imports/index.js';
import {
  SFTP_PULL_JOB,
  SftpFileLog,
  SftpPuller,
  SftpSources,
  sftpPullHandler,
} from './modules/imports/sftp/index.js';
import {
  CustomFieldRegistry,
  OrderQueries,
  ProfileQueries,
  ProfileStore,
} from './modules/profiles/index.js';
import {
  LiveSegments,
  SegmentHistory,
  SegmentService,
  eraseSegmentRecords,
} from './modules/segments/index.js';
import { composeMessaging } from './compose-messaging.js';
import { composeJourneys } from './compose-journeys.js';
import { composeFlows, registerRecommendationsFilter } from './compose-flows.js';
import { SecretBox } from './platform/secret-box.js';
import { KeyResolver, bootstrapWorkspace, type Bootstrap } from './modules/workspaces/index.js';
import {
  LoginThrottle,
  SessionStore,
  UserStore,
  ensureFirstOwner,
  type CreatedOwner,
} from './modules/users/index.js';
import { ManualClock, SystemClock, type Clock } from './platform/clock.js';
import { migrateToLatest, openDatabase } from './platform/db/database.js';
import { JobQueue } from './platform/jobs/job-queue.js';
import { JobRunner } from './platform/jobs/job-runner.js';
import { createLogger, type Logger } from './platform/logger.js';

export interface RunningServer {
  services: Services;
  app: FastifyInstance;
  url: string;
  bootstrap: Bootstrap;
  /** The dashboard owner a first start created (its password printed once), else null. */
  createdOwner: CreatedOwner | null;
  /** Graceful: stop accepting, commit what was accepted, finish the processor's batch, close. */
  stop(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  /** Skip the background loops (tests drive the processor and jobs themselves). */
  background?: boolean;
  /** SQLite durability of this process's connection (OpenOptions); the demo's replay relaxes it. */
  durability?: 'full' | 'replay';
}

/** The composition root: the only place where the parts are wired together. */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const wallClock = new SystemClock();
  const logger = opts.logger ?? createLogger(config.logLevel);
  const manualClock =
    opts.clock instanceof ManualClock
      ? opts.clock
      : config.clock === 'manual'
        ? new ManualClock(wallClock.now())
        : undefined;
  const clock: Clock = opts.clock ?? manualClock ?? wallClock;
  const database = openDatabase(config.databaseUrl, {
    onConnectionError: (error) => logger.warn({ err: error }, 'database connection lost'),
    ...(opts.durability ? { durability: opts.durability } : {}),
  });
  try {
    const applied = await migrateToLatest(database);
    if (applied.length) logger.info({ migrations: applied }, 'database migrated');
    const bootstrap = await bootstrapWorkspace(database.db, {
      now: clock.now(),
      ...(config.writeKey !== undefined ? { writeKey: config.writeKey } : {}),
      ...(config.apiKey !== undefined ? { apiKey: config.apiKey } : {}),
      ...(config.secret !== undefined ? { secret: config.secret } : {}),
      secretFile: instanceSecretFile(config),
    });
    for (const note of bootstrap.notes) logger.warn(note);
    // Dashboard users: a first start gives the default workspace an owner, as it gives keys.
    const users = new UserStore(database, clock);
    const createdOwner = await ensureFirstOwner(users, {
      workspaceId: bootstrap.workspaceId,
      email: config.ownerEmail,
      password: config.ownerPassword,
    });

    const eventLog = new EventLog(database);
    // Erasure records are keyed with the instance secret (COMEBACK_SECRET must stay stable).
    const profileStore = new ProfileStore(database, bootstrap.secret);
    const processor = new Processor(database, eventLog, clock, logger, {
      batchSize: config.processorBatchSize,
      // A PostgreSQL processor has connections of its own (the pool): it may batch more.
      ...(database.dialect === 'postgres' ? { maxBatchSize: 20_000 } : {}),
      gatherMs: config.processorGatherMs,
      store: profileStore,
      participants: [new LiveSegments(database, logger)],
    });
    const runsWorker = config.role !== 'api';
    const background = (opts.background ?? true) && runsWorker;
    // SQLite: the processor gets the second core (a thread with its own connection). PostgreSQL
    // scales by running more `--role worker` processes instead.
    const threaded =
      background &&
      config.processorThread &&
      database.dialect === 'sqlite' &&
      // The thread keeps the system time; with a manual clock everything stays on that clock.
      clock.kind === 'system' &&
      ProcessorThread.available();
    let runner: ProcessorRunner = processor;
    const appendQueue = new AppendQueue(eventLog, {
      maxPending: config.ingestMaxPending,
      maxWaitMs: config.ingestMaxWaitMs,
      // Queue waits are operational time: the wall clock, also under a manual clock.
      now: () => wallClock.now(),
      onAppended: () => (runsWorker ? runner.notify() : undefined),
    });
    // Cache lifetimes are operational, not domain time: they follow the wall clock.
    const customFields = new CustomFieldRegistry(database.db, () => wallClock.now());
    const jobQueue = new JobQueue(database);
    const jobs = new JobRunner(jobQueue, clock, logger);
    const profiles = new ProfileQueries(database, profileStore);
    const catalog = new CatalogService(database, clock);
    const connectors = new ConnectorRegistry(database.db, new SecretBox(bootstrap.secret));
    // An erasure also removes the copies other areas keep of the person.
    profiles.addErasureParticipant(dataRequestErasure);
    profiles.addErasureParticipant(importErasure);
    profiles.addErasureParticipant(eraseSegmentRecords);
    // Messaging (modules/messaging): templates, the outbox and its sender, consent, channels.
    const messagingParts = composeMessaging({
      config,
      database,
      clock,
      wallClock,
      logger,
      secret: bootstrap.secret,
      profiles,
      appendQueue,
    });
    const { closeChannels } = messagingParts;
    const { consentFollower, sender, webhookDispatcher } = messagingParts.services;
    const segments = new SegmentService(database, customFields, clock);
    // Journeys (modules/journeys): definitions, the engine that walks enrollments, its reads.
    const journeyParts = composeJourneys({
      database,
      clock,
      wallClock,
      logger,
      eventLog,
      profiles,
      segments,
      messaging: messagingParts.services.messaging,
      consent: messagingParts.services.consent,
      outbox: messagingParts.services.outbox,
      sender,
    });
    const { journeyEngine } = journeyParts;
    jobs.register(
      REDACT_JOB,
      redactionHandler(database, profiles, () => clock.now()),
      {
        forgetPayloadWhenDone: true,
      },
    );
    // The import pipeline (modules/imports); scheduled SFTP pulls run their files through it.
    const imports = new ImportService({
      database,
      clock,
      eventLog,
      catalog: catalog.store,
      customFields,
      logger,
      workDir: importWorkDir(config.databaseUrl),
      onAppended: () => (runsWorker ? runner.notify() : undefined),
    });
    jobs.register(IMPORT_JOB, importJobHandler(imports, clock));
    const sftpSources = new SftpSources(database, new SecretBox(bootstrap.secret), jobQueue);
    const sftpFiles = new SftpFileLog(database.db);
    const sftpPuller = new SftpPuller(sftpSources, sftpFiles, imports, clock, logger, {
      workDir: path.join(imports.workDir, 'sftp'),
    });
    jobs.register(SFTP_PULL_JOB, sftpPullHandler(sftpSources, sftpPuller, clock, logger));
    // Every enabled source has its next run planned (mends a chain a parked job broke).
    if (runsWorker) await sftpSources.resumeSchedules(clock.now());
    // Customer value and churn (modules/insights): fitted daily per workspace, and on demand.
    const customerValue = new CustomerValueService(database, clock, jobQueue, logger);
    jobs.register(FIT_CUSTOMER_VALUE_JOB, customerValue.jobHandler());
    if (runsWorker) await customerValue.scheduleDaily(clock.now());
    // Recommendations, replenishment and life stage: fitted daily per workspace, and on demand.
    const recommendations = new RecommendationService(database, clock, jobQueue, profiles, logger);
    jobs.register(FIT_RECOMMENDATIONS_JOB, recommendations.jobHandler());
    if (runsWorker) await recommendations.scheduleDaily(clock.now());
    registerRecommendationsFilter(messagingParts.services.templates, recommendations);
    // The flow library (modules/flows): ready journeys and their templates, enabled by name.
    const flows = composeFlows({
      templates: messagingParts.services.templates,
      journeys: journeyParts.journeys,
      segments,
      customFields,
      settings: journeyParts.journeySettings,
      clock,
    });
    const services: Services = {
      config,
      clock,
      manualClock,
      logger,
      database,
      // Key lookups are cached briefly (wall clock); "last used" is stamped with the clock.
      keys: new KeyResolver(database.db, () => wallClock.now(), {
        stampNow: () => clock.now(),
        onError: (error) => logger.warn({ err: error }, 'could not record a key use'),
      }),
      users,
      // Session lookups are cached briefly and sign-ins throttled on the wall clock; session
      // times themselves (idle and absolute expiry) are the clock's.
      sessions: new SessionStore(database.db, users, clock, { now: () => wallClock.now() }),
      loginThrottle: new LoginThrottle(() => wallClock.now()),
      gateway: new TrackingGateway(appendQueue, customFields, clock),
      appendQueue,
      processor,
      get processorRunner() {
        return runner;
      },
      appliedWait: new AppliedWait(eventLog, processor, { pollMs: 10, timeoutMs: 5000 }),
      profiles,
      customFields,
      jobs,
      catalog,
      orders: new OrderQueries(database.db),
      connectors,
      webhooks: new WebhookReceiver(
        database,
        connectors,
        catalog.store,
        eventLog,
        jobQueue,
        clock,
        () => (runsWorker ? runner.notify() : undefined),
        storeConnectors(),
      ),
      customerValue,
      recommendations,
      segments,
      flows,
      ...journeyParts,
      segmentHistory: new SegmentHistory(database),
      ...messagingParts.services,
      imports,
      jobQueue,
      sftpSources,
      sftpFiles,
      sftpPuller,
    };
    const app = await buildApp(services);
    const serves = config.role !== 'worker';
    const url = serves ? await app.listen({ port: config.port, host: config.host }) : '';
    if (!serves) await app.ready();
    // Listen first: /health must answer (and show the lag) while a backlog is applied.
    if (background) {
      if (threaded) {
        // The processor thread checkpoints the log's file (ProcessorThreadOptions.checkpointLog):
        // appends on this thread then never copy pages nor fsync the file in their commits.
        if (database.dialect === 'sqlite') database.sqlite.raw.pragma('wal_autocheckpoint = 0');
        runner = new ProcessorThread(
          {
            databaseUrl: config.databaseUrl,
            batchSize: config.processorBatchSize,
            gatherMs: config.processorGatherMs,
            secret: bootstrap.secret,
            logLevel: config.logLevel,
          },
          logger,
        );
      } else processor.start();
      // With a manual clock nothing falls due by itself; /clock/advance runs due jobs.
      if (clock.kind === 'system') {
        jobs.start();
        sender.start();
        consentFollower.start();
        webhookDispatcher.start();
        if (runsWorker) journeyEngine.start();
      }
    }

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        const step = waitingNotice(logger);
        await step('requests', () => app.close()); // stops accepting; in-flight ones finish
        await step('appends', () => appendQueue.drain());
        await step('runner', () => runner.stop());
        await step('processor', () => processor.stop());
        await step('jobs', () => jobs.stop());
        await step('sender', () => sender.stop());
        await step('consent follower', () => consentFollower.stop());
        await step('webhooks', () => webhookDispatcher.stop());
        await step('journeys', () => journeyEngine.stop());
        await step('channels', () => closeChannels());
        await step('keys', () => services.keys.close());
        await step('database', () => database.close());
      })());
    return { services, app, url, bootstrap, createdOwner, stop };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** A shutdown step still running after this long is named in the log (at warn). */
const SLOW_STEP_MS = 2_000;

/**
 * Runs shutdown steps in turn, naming in the log any step still running after SLOW_STEP_MS:
 * an orchestrator's grace period (Docker's is 10 s) ends in SIGKILL, and the log then says
 * what the process was waiting for. (Acknowledged events survive a SIGKILL all the same.)
 */
export function waitingNotice(logger: Logger) {
  return async (name: string, run: () => Promise<unknown>): Promise<void> => {
    const timer = setTimeout(
      () => logger.warn({ step: name }, `shutdown: still waiting for ${name}`),
      SLOW_STEP_MS,
    );
    try {
      await run();
    } finally {
      clearTimeout(timer);
    }
  };
}
