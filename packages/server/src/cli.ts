import { createRequire } from 'node:module';
import { Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { explainStartupFailure } from './cli-errors.js';
import { processEnv, readConfig, type Config } from './config/config.js';
import { migrateToLatest, openDatabase } from './platform/db/database.js';
import { SystemClock } from './platform/clock.js';
import { oneOf } from './platform/json.js';
import { sealIntrinsics } from './platform/safe-object.js';
import {
  DEFAULT_WORKSPACE_ID,
  ensureWorkspace,
  generateKey,
  InstanceSecretProblem,
  insertKey,
  listKeys,
  revokeKey,
} from './modules/workspaces/index.js';

/** The configuration the running command read, to name its port and database in errors. */
let loaded: Config | undefined;

function loadConfig(overrides: Partial<Config> = {}): Config {
  const result = readConfig(processEnv(), overrides);
  if (!result.ok) {
    process.stderr.write(`Invalid configuration:\n  ${result.problems.join('\n  ')}\n`);
    process.exit(2);
  }
  loaded = result.config;
  return result.config;
}

const { version } = z
  .object({ version: z.string() })
  .parse(createRequire(import.meta.url)('../package.json'));

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port number');
  return n;
};

// The CLI is a composition root: its commands stamp records with the system's time.
const clock = new SystemClock();
// Whatever this process creates (the database and its side files, the instance secret, import
// work and rejected-row files) holds customers' data: readable by the owner only.
process.umask(0o077);

const program = new Command()
  .name('comeback')
  .description('Comeback: open retention and marketing automation for online stores')
  .version(version, '-v, --version', 'print the version and exit')
  .addHelpText(
    'after',
    '\nExit codes: 0 done; 1 failed (could not start, or the import failed); 2 bad arguments or configuration.',
  )
  // Commander exits 1 on a usage error; the help above promises 2.
  .exitOverride((error) => process.exit(error.exitCode === 1 ? 2 : error.exitCode))
  .showHelpAfterError()
  // Every command handles store data: a slip that writes into a shared prototype throws.
  .hook('preAction', () => sealIntrinsics());

program
  .command('serve')
  .description('start the API and the worker (default: both, on embedded SQLite)')
  .option('--role <role>', 'all | api | worker (default: $COMEBACK_ROLE or all)')
  .option('--port <n>', 'HTTP port (default: $PORT or 8080)', port)
  .action(async (opts: { role?: string; port?: number }) => {
    const role = opts.role === undefined ? undefined : oneOf(['all', 'api', 'worker'], opts.role);
    if (opts.role !== undefined && role === undefined) {
      return program.error(`--role must be all, api or worker (got ${opts.role})`);
    }
    const config = loadConfig({
      ...(role !== undefined ? { role } : {}),
      ...(opts.port !== undefined ? { port: opts.port } : {}),
    });
    // A signal that arrives while starting is honoured as soon as the server is up.
    let early: string | undefined;
    const remember = (signal: string) => (early = signal);
    process.once('SIGTERM', remember);
    process.once('SIGINT', remember);
    const { startServer } = await import('./server.js');
    const server = await startServer(config);
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      server.services.logger.info({ signal }, 'shutting down');
      server.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          server.services.logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    // The shutdown handlers are in place before the early ones go and before anything is
    // printed: a signal sent the moment "started" is read must never find the process with no
    // handler (Node then falls back to the default action and the process dies unclean).
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.off('SIGTERM', remember);
    process.off('SIGINT', remember);
    for (const k of server.bootstrap.createdKeys) {
      process.stdout.write(
        `Created ${k.scope} key for workspace "${k.workspaceId}" (shown once): ${k.key}\n`,
      );
    }
    const owner = server.createdOwner;
    if (owner !== null) {
      const password =
        owner.generatedPassword === null
          ? '(password from COMEBACK_OWNER_PASSWORD)'
          : `(password shown once): ${owner.generatedPassword}`;
      process.stdout.write(`Created dashboard owner ${owner.email} ${password}\n`);
      if (server.url) process.stdout.write(`Sign in to the dashboard at ${server.url}/\n`);
    }
    if (server.url) {
      process.stdout.write(
        `Comeback is listening on ${server.url} (API docs at ${server.url}/docs)\n`,
      );
    } else {
      process.stdout.write(
        `Comeback worker started on ${server.services.database.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}: applying events and running jobs (no HTTP in --role worker)\n`,
      );
    }
    if (early !== undefined) shutdown(early);
  });

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () => {
    const database = openDatabase(loadConfig().databaseUrl);
    try {
      const applied = await migrateToLatest(database);
      process.stdout.write(
        applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date\n',
      );
    } finally {
      await database.close();
    }
  });

const keys = program.command('keys').description('manage API keys');
keys
  .command('create')
  .description('create a key and print it (shown once)')
  .requiredOption('--scope <scope>', 'write (tracking) | admin (API)')
  .option('--workspace <id>', 'the store it is for; created if new', DEFAULT_WORKSPACE_ID)
  .option('--label <text>', 'a note to recognise the key by')
  .action(async (opts: { scope: string; workspace: string; label?: string }) => {
    const scope = oneOf(['write', 'admin'], opts.scope);
    if (scope === undefined)
      return program.error(`--scope must be write or admin (got ${opts.scope})`);
    if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(opts.workspace)) {
      return program.error('--workspace must be lower-case letters, digits, - or _ (at most 63)');
    }
    const config = loadConfig();
    const database = openDatabase(config.databaseUrl);
    try {
      await migrateToLatest(database);
      // The default workspace exists as after a first start; the instance secret is left to
      // the server (generated here, it could land on another host than the server's).
      await ensureWorkspace(database.db, {
        id: DEFAULT_WORKSPACE_ID,
        name: 'Default store',
        now: clock.now(),
      });
      await ensureWorkspace(database.db, {
        id: opts.workspace,
        name: opts.workspace,
        now: clock.now(),
      });
      const created = await insertKey(database.db, {
        workspaceId: opts.workspace,
        scope,
        key: generateKey(scope),
        now: clock.now(),
        origin: 'cli',
        ...(opts.label !== undefined ? { label: opts.label } : {}),
      });
      process.stdout.write(`${created.key}\n`);
    } finally {
      await database.close();
    }
  });
keys
  .command('list')
  .description('list keys: id, scope, prefix, origin, created, last used, revoked (never the key)')
  .option('--workspace <id>', 'only this workspace (default: every workspace)')
  .action(async (opts: { workspace?: string }) => {
    const database = openDatabase(loadConfig().databaseUrl);
    const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());
    try {
      await migrateToLatest(database);
      const rows = (await listKeys(database.db, opts.workspace)).map((k) => [
        k.id,
        k.workspaceId,
        k.scope,
        `${k.prefix}...`,
        k.origin,
        iso(k.createdAt),
        iso(k.lastUsedAt),
        iso(k.revokedAt),
        k.label ?? '',
      ]);
      const header = ['ID', 'WORKSPACE', 'SCOPE', 'PREFIX', 'ORIGIN', 'CREATED', 'LAST USED'];
      process.stdout.write(formatTable([[...header, 'REVOKED', 'LABEL'], ...rows]));
    } finally {
      await database.close();
    }
  });
keys
  .command('revoke')
  .description('revoke a key by its id (see keys list); it answers 401 within seconds')
  .argument('<id>', 'the key id')
  .action(async (id: string) => {
    const database = openDatabase(loadConfig().databaseUrl);
    try {
      await migrateToLatest(database);
      // Whoever runs the CLI holds the database: the last admin key may go (keys create
      // makes a new one), but not without saying so.
      const result = await revokeKey(database, { id, now: clock.now(), keepOneAdmin: false });
      if (!result.ok) {
        process.stderr.write(`comeback: ${result.error.message}\n`);
        process.exitCode = 1;
        return;
      }
      const { key, changed, lastAdminKey } = result.value;
      process.stdout.write(
        `${changed ? 'Revoked' : 'Already revoked:'} ${key.scope} key ${key.id} (${key.prefix}...) of workspace "${key.workspaceId}"\n`,
      );
      if (lastAdminKey) {
        process.stdout.write(
          `Workspace "${key.workspaceId}" has no active admin key now; create one with: comeback keys create --scope admin --workspace ${key.workspaceId}\n`,
        );
      }
    } finally {
      await database.close();
    }
  });

/** Left-aligned columns, two spaces apart. */
function formatTable(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}

/**
 * The other commands by name, each in its own module: only the one asked for is loaded, so a
 * short command does not pay for loading the whole server (about 0.6 s of a 0.9 s start here).
 * Help and unknown names load them all, in this order.
 */
const config = () => loadConfig();
const commandModules: Readonly<Record<string, () => Promise<void>>> = {
  import: async () =>
    (await import('./cli-import.js')).registerImportCommand(program, config, clock),
  segments: async () =>
    (await import('./cli-segments.js')).registerSegmentCommands(program, config, clock),
  'send-test': async () =>
    (await import('./cli-messaging.js')).registerMessagingCommands(program, config),
  journeys: async () =>
    (await import('./cli-journeys.js')).registerJourneyCommands(program, config, clock),
  backtest: async () =>
    (await import('./cli-backtest.js')).registerBacktestCommand(program, config, clock),
  flows: async () => (await import('./cli-flows.js')).registerFlowCommands(program, config, clock),
  demo: async () => (await import('./cli-demo.js')).registerDemoCommand(program, config, clock),
  users: async () => (await import('./cli-users.js')).registerUserCommands(program, config, clock),
};
const asked = process.argv[2];
const builtIn = new Set(['serve', 'migrate', 'keys']);
if (asked !== undefined && Object.hasOwn(commandModules, asked)) await commandModules[asked]?.();
else if (asked === undefined || !builtIn.has(asked))
  for (const register of Object.values(commandModules)) await register();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // A failure of the environment (a taken port, a database out of reach) is one line with the
  // fix; anything else is a bug and keeps its stack.
  // An instance secret that does not fit the database explains itself.
  const explained =
    error instanceof InstanceSecretProblem
      ? error.message
      : explainStartupFailure(error, {
          ...(loaded !== undefined
            ? { databaseUrl: loaded.databaseUrl, host: loaded.host, port: loaded.port }
            : {}),
        });
  if (explained === undefined) throw error;
  process.stderr.write(`comeback: ${explained}\n`);
  process.exit(1);
}
