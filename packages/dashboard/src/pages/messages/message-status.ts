import type { MessageStatus } from '@comeback/contracts';

export const STATUSES: readonly MessageStatus[] = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'failed',
  'suppressed',
  'bounced',
  'complained',
];
export const STATUS_COLORS: Record<MessageStatus, string> = {
  queued: 'gray',
  sending: 'blue',
  sent: 'teal',
  delivered: 'green',
  failed: 'red',
  suppressed: 'orange',
  bounced: 'red',
  complained: 'grape',
};
