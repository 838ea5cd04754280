import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { userEmailSchema, userPasswordSchema } from '@comeback/contracts';
import { z } from 'zod';

/** A key given in the environment: long enough not to be guessed. */
const envKey = z
  .string()
  .min(
    24,
    'must be at least 24 characters: a key that short could be guessed (generate one with `openssl rand -base64 24`)',
  );

/**
 * The one typed configuration, read once at start from the environment and passed in
 * explicitly. This is the only file that reads `process.env`.
 */
const configSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'must start with sqlite: or postgres://')
    .default('sqlite:./comeback-data/comeback.db'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  COMEBACK_SECRET: z.string().min(16).optional(),
  COMEBACK_WRITE_KEY: envKey.optional(),
  COMEBACK_API_KEY: envKey.optional(),
  COMEBACK_DATA_DIR: z.string().min(1).optional(),
  COMEBACK_CLOCK: z.enum(['system', 'manual']).default('system'),
  COMEBACK_ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  COMEBACK_EMAIL_FROM: z
    .string()
    .regex(
      /@[A-Za-z0-9.-]+\.?[A-Za-z0-9-]*>?$/,
      'must be an address such as "Store <shop@example.com>"',
    )
    .default('Comeback <no-reply@localhost>'),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'must be AC + 32 hex')
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(16).optional(),
  TWILIO_FROM: z
    .string()
    .regex(/^(\+[1-9][0-9]{6,14}|MG[0-9a-fA-F]{32})$/, 'must be +E.164 or a Messaging Service SID')
    .optional(),
  TWILIO_API_URL: z.url().default('https://api.twilio.com'),
  WHATSAPP_ACCESS_TOKEN: z.string().min(10).optional(),
  WHATSAPP_PHONE_NUMBER_ID: z
    .string()
    .regex(/^[0-9]{1,30}$/)
    .optional(),
  WHATSAPP_APP_SECRET: z.string().min(8).optional(),
  WHATSAPP_VERIFY_TOKEN: z.string().min(8).optional(),
  WHATSAPP_API_URL: z.url().default('https://graph.facebook.com/v21.0'),
  COMEBACK_VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:)/)
    .optional(),
  COMEBACK_DKIM_DOMAIN: z.string().min(3).optional(),
  COMEBACK_DKIM_SELECTOR: z.string().min(1).optional(),
  COMEBACK_DKIM_PRIVATE_KEY: z.string().min(100).optional(),
  COMEBACK_PUBLIC_URL: z.url().optional(),
  COMEBACK_INGEST_MAX_PENDING: z.coerce.number().int().min(100).default(50_000),
  COMEBACK_INGEST_MAX_WAIT_MS: z.coerce.number().int().min(50).max(60_000).default(2000),
  COMEBACK_PROCESSOR_BATCH: z.coerce.number().int().min(1).max(20_000).default(5000),
  COMEBACK_PROCESSOR_THREAD: z.enum(['true', 'false']).default('true'),
  COMEBACK_PROCESSOR_GATHER_MS: z.coerce.number().int().min(0).max(5000).default(50),
  COMEBACK_OWNER_EMAIL: userEmailSchema.default('owner@localhost'),
  COMEBACK_OWNER_PASSWORD: userPasswordSchema.optional(),
  COMEBACK_DASHBOARD_DIR: z.string().min(1).optional(),
});

/**
 * The built dashboard beside the server in the repository: this file is
 * packages/server/{src,dist}/config/, the dashboard's build packages/dashboard/dist.
 */
const defaultDashboardDir = () =>
  fileURLToPath(new URL('../../../dashboard/dist', import.meta.url));

export interface Config {
  databaseUrl: string;
  port: number;
  host: string;
  secret: string | undefined;
  writeKey: string | undefined;
  apiKey: string | undefined;
  /**
   * Where files that belong with the database live (the generated instance secret): set, or
   * the SQLite file's directory, or ./comeback-data for PostgreSQL. See instanceSecretFile.
   */
  dataDir: string | undefined;
  clock: 'system' | 'manual';
  role: 'all' | 'api' | 'worker';
  logLevel: string;
  smtpUrl: string | undefined;
  /** The From of marketing and transactional email; its domain names Message-IDs. */
  emailFrom: string;
  /** SMS through Twilio: all of account, token and sender, or none (local outbox). */
  twilio: { accountSid: string; authToken: string; from: string; apiUrl: string } | undefined;
  /** WhatsApp through Meta's Cloud API: token and phone number id, or none (local outbox). */
  whatsapp:
    | {
        accessToken: string;
        phoneNumberId: string;
        appSecret: string | undefined;
        verifyToken: string | undefined;
        apiUrl: string;
      }
    | undefined;
  /**
   * Where Twilio's and Meta's APIs are (TWILIO_API_URL, WHATSAPP_API_URL), also for the
   * workspaces' own accounts (saved through /api/v1/provider-credentials) when the instance
   * has none of its own.
   */
  twilioApiUrl: string;
  whatsappApiUrl: string;
  /** The VAPID `sub` of web push (a mailto: or https: contact); keys are generated and kept. */
  vapidSubject: string | undefined;
  /** DKIM signing of outgoing email (all three COMEBACK_DKIM_* variables, or none). */
  dkim: { domainName: string; keySelector: string; privateKey: string } | undefined;
  /** The base URL stores reach this server at (webhook URLs); else taken from the request. */
  publicUrl: string | undefined;
  /** Events accepted but not yet committed beyond which ingestion answers 429. */
  ingestMaxPending: number;
  /** Tracking answers 429 once the oldest uncommitted request (or a commit) took this long. */
  ingestMaxWaitMs: number;
  processorBatchSize: number;
  /** While events flow, the processor waits this long between batches to make them larger. */
  processorGatherMs: number;
  /** On SQLite, apply events in a worker thread (the second core) instead of the main one. */
  processorThread: boolean;
  /** The dashboard owner a first start creates when the instance has no user at all. */
  ownerEmail: string;
  /** That owner's password; unset: one is generated and printed once. */
  ownerPassword: string | undefined;
  /** The built dashboard (index.html and assets/), served at `/`. */
  dashboardDir: string;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

export function readConfig(
  env: Record<string, string | undefined>,
  overrides: Partial<Config> = {},
): ConfigResult {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    };
  }
  const e = parsed.data;
  if (e.COMEBACK_WRITE_KEY !== undefined && e.COMEBACK_WRITE_KEY === e.COMEBACK_API_KEY) {
    return { ok: false, problems: ['COMEBACK_API_KEY: must differ from COMEBACK_WRITE_KEY'] };
  }
  const dkimParts = [e.COMEBACK_DKIM_DOMAIN, e.COMEBACK_DKIM_SELECTOR, e.COMEBACK_DKIM_PRIVATE_KEY];
  const dkimSet = dkimParts.filter((v) => v !== undefined).length;
  if (dkimSet !== 0 && dkimSet !== 3) {
    return {
      ok: false,
      problems: [
        'COMEBACK_DKIM_DOMAIN: DKIM needs COMEBACK_DKIM_DOMAIN, COMEBACK_DKIM_SELECTOR and COMEBACK_DKIM_PRIVATE_KEY together',
      ],
    };
  }
  return {
    ok: true,
    config: {
      databaseUrl: e.DATABASE_URL,
      port: e.PORT,
      host: e.HOST,
      secret: e.COMEBACK_SECRET,
      writeKey: e.COMEBACK_WRITE_KEY,
      apiKey: e.COMEBACK_API_KEY,
      dataDir: e.COMEBACK_DATA_DIR,
      clock: e.COMEBACK_CLOCK,
      role: e.COMEBACK_ROLE,
      logLevel: e.LOG_LEVEL,
      smtpUrl: e.SMTP_URL,
      emailFrom: e.COMEBACK_EMAIL_FROM,
      dkim:
        e.COMEBACK_DKIM_DOMAIN !== undefined &&
        e.COMEBACK_DKIM_SELECTOR !== undefined &&
        e.COMEBACK_DKIM_PRIVATE_KEY !== undefined
          ? {
              domainName: e.COMEBACK_DKIM_DOMAIN,
              keySelector: e.COMEBACK_DKIM_SELECTOR,
              // An environment variable holds one line: PEM newlines may be written as \n.
              privateKey: e.COMEBACK_DKIM_PRIVATE_KEY.replace(/\\n/g, '\n'),
            }
          : undefined,
      twilio:
        e.TWILIO_ACCOUNT_SID !== undefined &&
        e.TWILIO_AUTH_TOKEN !== undefined &&
        e.TWILIO_FROM !== undefined
          ? {
              accountSid: e.TWILIO_ACCOUNT_SID,
              authToken: e.TWILIO_AUTH_TOKEN,
              from: e.TWILIO_FROM,
              apiUrl: e.TWILIO_API_URL.replace(/\/$/, ''),
            }
          : undefined,
      whatsapp:
        e.WHATSAPP_ACCESS_TOKEN !== undefined && e.WHATSAPP_PHONE_NUMBER_ID !== undefined
          ? {
              accessToken: e.WHATSAPP_ACCESS_TOKEN,
              phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID,
              appSecret: e.WHATSAPP_APP_SECRET,
              verifyToken: e.WHATSAPP_VERIFY_TOKEN,
              apiUrl: e.WHATSAPP_API_URL.replace(/\/$/, ''),
            }
          : undefined,
      twilioApiUrl: e.TWILIO_API_URL.replace(/\/$/, ''),
      whatsappApiUrl: e.WHATSAPP_API_URL.replace(/\/$/, ''),
      vapidSubject: e.COMEBACK_VAPID_SUBJECT,
      publicUrl: e.COMEBACK_PUBLIC_URL?.replace(/\/$/, ''),
      ingestMaxPending: e.COMEBACK_INGEST_MAX_PENDING,
      ingestMaxWaitMs: e.COMEBACK_INGEST_MAX_WAIT_MS,
      processorBatchSize: e.COMEBACK_PROCESSOR_BATCH,
      processorGatherMs: e.COMEBACK_PROCESSOR_GATHER_MS,
      processorThread: e.COMEBACK_PROCESSOR_THREAD === 'true',
      ownerEmail: e.COMEBACK_OWNER_EMAIL,
      ownerPassword: e.COMEBACK_OWNER_PASSWORD,
      dashboardDir: path.resolve(e.COMEBACK_DASHBOARD_DIR ?? defaultDashboardDir()),
      ...overrides,
    },
  };
}

/**
 * The file holding the generated instance secret (used when COMEBACK_SECRET is unset): `secret`
 * in the data directory, which is COMEBACK_DATA_DIR, else the SQLite database's directory, else
 * (PostgreSQL) ./comeback-data. Null for an in-memory SQLite database.
 */
export function instanceSecretFile(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string | null {
  if (config.dataDir !== undefined) return path.resolve(config.dataDir, 'secret');
  if (config.databaseUrl.startsWith('sqlite:')) {
    const file = config.databaseUrl.slice('sqlite:'.length);
    if (file === ':memory:' || file === '') return null;
    return path.join(path.dirname(path.resolve(file)), 'secret');
  }
  return path.resolve('comeback-data', 'secret');
}

/** The process environment, for the CLI entry point only. */
export function processEnv(): Record<string, string | undefined> {
  return process.env;
}
