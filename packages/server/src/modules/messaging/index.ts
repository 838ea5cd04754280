/**
 * Messaging: templates per channel (Liquid + MJML, versioned), the outbox and the senders that
 * drain it through channel adapters, consent per channel with the suppression list, and the
 * signed links (unsubscribe, preferences, double opt-in) people act on. Journeys and the
 * transactional API send through MessagingService; nothing outside imports anything but this file.
 */
export type { Channel, ChannelResolver, OutgoingMessage, SendOutcome } from './channel.js';
export { channelsFromMap } from './channel.js';
export {
  ProviderCredentials,
  parseAccount,
  type ProviderAccount,
  type EffectiveProviders,
  type InstanceProviders,
  type SavedCredentials,
} from './provider-credentials.js';
export { WorkspaceChannels, type ChannelFactories } from './workspace-channels.js';
export { EmailChannel } from './email-channel.js';
export { LocalChannel } from './local-channel.js';
export { Outbox, type NewMessage } from './outbox.js';
export { MessageSender, type SendGate } from './message-sender.js';
export { ConsentService } from './consent-service.js';
export { ConsentFollower, consentOfEvent, consentStatusOf } from './consent-follower.js';
export type { TimelineEvent, TimelineRecorder } from './timeline.js';
export { LinkSigner } from './signed-links.js';
export { TemplateService, type RenderContext } from './template-service.js';
export { starterLayouts } from './starter-layouts.js';
export { renderSettingsOf } from './template-engine.js';
export { MessagingService, consentChannelOf } from './messaging-service.js';
export { recipientOf, addressFor, checkAddress, type Recipient } from './recipient.js';
export { ConversationWindows, CUSTOMER_SERVICE_WINDOW_MS } from './conversation-windows.js';
export { WhatsAppChannel, OUTSIDE_WINDOW_REASON } from './whatsapp-channel.js';
export { WhatsAppWebhooks, verifyMetaSignature } from './whatsapp-webhooks.js';
export { TwilioSmsChannel, type TwilioSmsChannelOptions } from './sms-channel.js';
export {
  TwilioInbound,
  verifyTwilioSignature,
  twilioSignature,
  keywordOf,
} from './twilio-webhooks.js';
export { WebhookChannel } from './webhook-channel.js';
export { WebhookDispatcher } from './webhook-dispatcher.js';
export { WebhookSubscriptions, WebhookSecrets } from './webhook-subscriptions.js';
export { signWebhook, verifyWebhook, SIGNATURE_HEADER } from './webhook-signing.js';
export { ClientTokens, type ClientToken, type ClientIdentity } from './client-tokens.js';
export { Inbox, InboxChannel, type InboxItem, type InboxPage } from './inbox.js';
export {
  VapidKeys,
  PushSubscriptions,
  WebPushChannel,
  type StoredPushSubscription,
} from './push.js';
export { trackLinks, type TrackingContext } from './link-tracking.js';
export { classifyOpen, classifyClick } from './machine-activity.js';
export { Feedback, type FeedbackReport } from './feedback.js';
export { parseDsn, feedbackOf, outboxIdOf } from './dsn-parser.js';
export {
  SenderSettings,
  senderSettingsSchema,
  type SenderSettingsInput,
  type SenderSettingsView,
} from './sender-settings.js';
