import type { ChannelKind, MessageStatus } from '@comeback/contracts';

/** One colour per outcome: green reached the person, red did not, gray still on its way. */
export const messageStatusColor: Record<MessageStatus, string> = {
  queued: 'gray',
  sending: 'gray',
  sent: 'teal',
  delivered: 'green',
  failed: 'red',
  suppressed: 'orange',
  bounced: 'red',
  complained: 'red',
};

const CHANNELS = [
  'email',
  'sms',
  'whatsapp',
  'push',
  'inbox',
  'webhook',
] as const satisfies readonly ChannelKind[];
export const isChannel = (value: string): value is ChannelKind =>
  CHANNELS.some((channel) => channel === value);
