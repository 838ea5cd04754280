import { channels, type ChannelKind } from '@comeback/contracts';
import type { Config } from './config/config.js';
import type { Services } from './http/services.js';
import type { AppendQueue } from './modules/ingest/index.js';
import {
  ClientTokens,
  ConsentFollower,
  ConsentService,
  ConversationWindows,
  EmailChannel,
  Feedback,
  Inbox,
  InboxChannel,
  LinkSigner,
  LocalChannel,
  MessageSender,
  MessagingService,
  Outbox,
  ProviderCredentials,
  PushSubscriptions,
  SenderSettings,
  TemplateService,
  TwilioSmsChannel,
  VapidKeys,
  WebhookChannel,
  WebhookDispatcher,
  WebhookSecrets,
  WebhookSubscriptions,
  WebPushChannel,
  WhatsAppChannel,
  WorkspaceChannels,
  consentChannelOf,
  type Channel,
  type ChannelFactories,
  type OutgoingMessage,
} from './modules/messaging/index.js';
import type { ProfileQueries } from './modules/profiles/index.js';
import type { Clock } from './platform/clock.js';
import type { Database } from './platform/db/database.js';
import type { Logger } from './platform/logger.js';
import { SecretBox } from './platform/secret-box.js';
import { timelineRecorder } from './timeline-recorder.js';

export interface MessagingDeps {
  config: Config;
  database: Database;
  clock: Clock;
  /** Operational time (rate limits), also under a manual clock. */
  wallClock: Clock;
  logger: Logger;
  /** The instance secret: signs links, seals stored secrets. */
  secret: string;
  profiles: ProfileQueries;
  appendQueue: AppendQueue;
}

/**
 * Part of the composition root: messaging's services, the channel for each kind (the
 * workspace's own provider account, else the instance's, else the local outbox), and what an
 * erasure must also remove.
 */
export function composeMessaging(d: MessagingDeps) {
  const { config, database, clock, wallClock, logger, profiles } = d;
  const links = new LinkSigner(
    d.secret,
    config.publicUrl ?? `http://localhost:${config.port === 0 ? 8080 : config.port}`,
  );
  const timeline = timelineRecorder(profiles, d.appendQueue);
  const consent = new ConsentService(database, {
    // A consent change lands in the profile's timeline as an event (journeys can react).
    onChange: (change) =>
      timeline({
        workspaceId: change.workspaceId,
        profileId: change.profileId,
        event: change.status === 'unsubscribed' ? 'Unsubscribed' : 'Consent Updated',
        messageId: `consent:${change.profileId}:${change.channel}:${change.at}:${change.status}`,
        at: change.at,
        properties: { channel: change.channel, status: change.status, source: change.source },
      }),
  });
  // Consent that arrives with tracking, imports and connectors (identify traits).
  const consentFollower = new ConsentFollower(database, logger);
  const outbox = new Outbox(database);
  const templates = new TemplateService(database, clock);
  const windows = new ConversationWindows(database);
  // Outgoing webhooks: the webhook channel's per-workspace secret, and subscriptions to events.
  const secretBox = new SecretBox(d.secret);
  const webhookSecrets = new WebhookSecrets(database, secretBox);
  const webhookSubscriptions = new WebhookSubscriptions(database, secretBox);
  const webhookDispatcher = new WebhookDispatcher(database, secretBox, clock, logger);
  // The in-app inbox needs no provider; web push needs a VAPID contact (keys are generated).
  const inbox = new Inbox(database, clock);
  const clientTokens = new ClientTokens(links, clock);
  const vapidKeys = new VapidKeys(database, secretBox);
  const pushSubscriptions = new PushSubscriptions(database, clock);

  // An erasure also removes what messaging keeps of the person.
  profiles.addErasureParticipant((trx, person) => consent.eraseProfile(trx, person));
  profiles.addErasureParticipant((trx, person) => outbox.eraseProfile(trx, person));
  profiles.addErasureParticipant(async (trx, person) => {
    for (const table of ['outgoing_deliveries', 'inbox_messages', 'push_subscriptions'] as const)
      await trx
        .deleteFrom(table)
        .where('workspace_id', '=', person.workspaceId)
        .where('profile_id', '=', person.profileId)
        .execute();
  });

  const messageChannels = new Map<ChannelKind, Channel>();
  for (const kind of channels) messageChannels.set(kind, new LocalChannel(kind));
  messageChannels.set('webhook', new WebhookChannel(webhookSecrets, clock));
  messageChannels.set('inbox', new InboxChannel(database, clock));
  if (config.vapidSubject !== undefined)
    messageChannels.set(
      'push',
      new WebPushChannel({
        subscriptions: pushSubscriptions,
        vapidKeys,
        subject: config.vapidSubject,
        clock,
      }),
    );
  // One factory per provider: the instance's accounts and the workspaces' own are built alike.
  const publicUrl = config.publicUrl;
  const build: ChannelFactories = {
    twilio: (account) =>
      new TwilioSmsChannel({
        ...account,
        apiUrl: config.twilio?.apiUrl ?? config.twilioApiUrl,
        clock: wallClock,
        // Delivery reports need an address Twilio can reach: without one, none arrive.
        ...(publicUrl !== undefined
          ? {
              statusCallbackUrl: (m: OutgoingMessage) =>
                `${publicUrl}/webhooks/twilio/${encodeURIComponent(m.workspaceId)}/status/${m.id}`,
            }
          : {}),
      }),
    whatsapp: (account) =>
      new WhatsAppChannel({
        accessToken: account.accessToken,
        phoneNumberId: account.phoneNumberId,
        apiUrl: config.whatsapp?.apiUrl ?? config.whatsappApiUrl,
        windows,
        clock,
      }),
    smtp: (account) =>
      new EmailChannel({
        smtpUrl: account.url,
        from: account.from,
        messageIdDomain: account.from.replace(/^.*@/, '').replace(/>.*$/, ''),
        // Rate limits are operational time: the wall clock, also under a manual clock.
        clock: wallClock,
        // DKIM stays per instance: its key signs every workspace's email, own SMTP or not.
        ...(config.dkim !== undefined ? { dkim: config.dkim } : {}),
      }),
  };
  if (config.twilio !== undefined) messageChannels.set('sms', build.twilio(config.twilio));
  if (config.whatsapp !== undefined)
    messageChannels.set('whatsapp', build.whatsapp(config.whatsapp));
  if (config.smtpUrl !== undefined)
    messageChannels.set('email', build.smtp({ url: config.smtpUrl, from: config.emailFrom }));
  // A workspace's own accounts (saved by an owner) take the place of the instance's.
  const providerCredentials = new ProviderCredentials(database, secretBox, clock, wallClock);
  const workspaceChannels = new WorkspaceChannels(
    providerCredentials,
    messageChannels,
    build,
    logger,
  );
  const sender = new MessageSender(outbox, workspaceChannels, clock, logger, {
    gate: (m) => consent.mayReceive(m),
    unsubscribeUrl: (m) => {
      const channel = consentChannelOf(m.channel);
      return m.kind === 'marketing' && channel !== null && m.profileId !== null
        ? links.url('unsubscribe', { w: m.workspaceId, p: m.profileId, c: channel, m: m.id })
        : null;
    },
    suppress: (workspaceId, channel, address, reason, now) =>
      consent.suppress(workspaceId, channel, address, 'hard_bounce', reason, now),
  });
  const feedback = new Feedback(consent, outbox, timeline);
  const senderSettings = new SenderSettings(database, () => wallClock.now());
  const messaging = new MessagingService({
    database,
    clock,
    templates,
    outbox,
    consent,
    links,
    profiles,
    senderSettings,
    onQueued: () => sender.notify(),
  });
  return {
    services: {
      templates,
      messaging,
      outbox,
      sender,
      consent,
      consentFollower,
      links,
      windows,
      timeline,
      webhookSecrets,
      webhookSubscriptions,
      webhookDispatcher,
      feedback,
      senderSettings,
      inbox,
      clientTokens,
      vapidKeys,
      pushSubscriptions,
      providerCredentials,
    } satisfies Partial<Services>,
    /** Closed on shutdown: the instance's channels, and those built for workspaces' accounts. */
    closeChannels: async () => {
      await workspaceChannels.close();
      for (const channel of messageChannels.values()) await channel.close();
    },
  };
}
