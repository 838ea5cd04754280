import { z } from 'zod';

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
  COMEBACK_WRITE_KEY: z.string().min(8).optional(),
  COMEBACK_API_KEY: z.string().min(8).optional(),
  COMEBACK_CLOCK: z.enum(['system', 'manual']).default('system'),
  COMEBACK_ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMTP_URL: z.string().optional(),
  COMEBACK_PUBLIC_URL: z.url().optional(),
  COMEBACK_INGEST_MAX_PENDING: z.coerce.number().int().min(100).default(50_000),
  COMEBACK_PROCESSOR_BATCH: z.coerce.number().int().min(1).max(20_000).default(5000),
  COMEBACK_PROCESSOR_THREAD: z.enum(['true', 'false']).default('true'),
  COMEBACK_PROCESSOR_GATHER_MS: z.coerce.number().int().min(0).max(5000).default(50),
});

export interface Config {
  databaseUrl: string;
  port: number;
  host: string;
  secret: string | undefined;
  writeKey: string | undefined;
  apiKey: string | undefined;
  clock: 'system' | 'manual';
  role: 'all' | 'api' | 'worker';
  logLevel: string;
  smtpUrl: string | undefined;
  /** The base URL stores reach this server at (webhook URLs); else taken from the request. */
  publicUrl: string | undefined;
  /** Events accepted but not yet committed beyond which ingestion answers 429. */
  ingestMaxPending: number;
  processorBatchSize: number;
  /** While events flow, the processor waits this long between batches to make them larger. */
  processorGatherMs: number;
  /** On SQLite, apply events in a worker thread (the second core) instead of the main one. */
  processorThread: boolean;
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
  return {
    ok: true,
    config: {
      databaseUrl: e.DATABASE_URL,
      port: e.PORT,
      host: e.HOST,
      secret: e.COMEBACK_SECRET,
      writeKey: e.COMEBACK_WRITE_KEY,
      apiKey: e.COMEBACK_API_KEY,
      clock: e.COMEBACK_CLOCK,
      role: e.COMEBACK_ROLE,
      logLevel: e.LOG_LEVEL,
      smtpUrl: e.SMTP_URL,
      publicUrl: e.COMEBACK_PUBLIC_URL?.replace(/\/$/, ''),
      ingestMaxPending: e.COMEBACK_INGEST_MAX_PENDING,
      processorBatchSize: e.COMEBACK_PROCESSOR_BATCH,
      processorGatherMs: e.COMEBACK_PROCESSOR_GATHER_MS,
      processorThread: e.COMEBACK_PROCESSOR_THREAD === 'true',
      ...overrides,
    },
  };
}

/** The process environment, for the CLI entry point only. */
export function processEnv(): Record<string, string | undefined> {
  return process.env;
}
