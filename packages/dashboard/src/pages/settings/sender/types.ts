/**
 * GET /api/v1/messaging/status (server: modules/messaging/sending-status.ts, whose zod schema
 * is the source of truth). Credentials never appear in it: only whether they are set.
 */
export interface DkimStatus {
  configured: true;
  domain: string;
  selector: string;
  keyValid: boolean;
  keyBits: number | null;
  keyProblem: string | null;
  signing: boolean;
  alignedWithFrom: boolean;
  dnsRecordName: string;
  dnsRecordValue: string | null;
}

export interface EmailStatus {
  mode: 'smtp' | 'local-outbox';
  host: string | null;
  port: number | null;
  secure: boolean | null;
  authenticated: boolean;
  problem: string | null;
  from: string;
  dkim: DkimStatus | null;
  listUnsubscribeOneClick: true;
  feedbackUrl: string;
  bounceMailUrl: string;
}

export interface SmsStatus {
  mode: 'twilio' | 'local-outbox';
  from: string | null;
  account: string | null;
  inboundUrl: string;
  statusCallbackUrl: string | null;
}

export interface WhatsAppStatus {
  mode: 'meta' | 'local-outbox';
  phoneNumberId: string | null;
  webhookUrl: string;
  verifyTokenSet: boolean;
  appSecretSet: boolean;
}

export interface SendingStatus {
  publicUrl: string | null;
  baseUrl: string;
  email: EmailStatus;
  sms: SmsStatus;
  whatsapp: WhatsAppStatus;
  push: { configured: boolean; subject: string | null; vapidPublicKey: string | null };
  inbox: { enabled: true };
  webhooks: { enabled: true; signatureHeader: string; secretUrl: string };
  /** Whose account each channel sends through: this store's own, the server's, or none. */
  sources?: Record<'email' | 'sms' | 'whatsapp', 'workspace' | 'instance' | 'none'>;
}
