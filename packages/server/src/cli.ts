import { Command, InvalidArgumentError } from 'commander';
import { processEnv, readConfig, type Config } from './config/config.js';
import { migrateToLatest, openDatabase } from './platform/db/database.js';
import { SystemClock } from './platform/clock.js';
import { oneOf } from './platform/json.js';
import {
  DEFAULT_WORKSPACE_ID,
  bootstrapWorkspace,
  ensureWorkspace,
  generateKey,
  insertKey,
} from './modules/workspaces/index.js';
import { registerImportCommand } from './cli-import.js';
import { startServer } from './server.js';

function loadConfig(overrides: Partial<Config> = {}): Config {
  const result = readConfig(processEnv(), overrides);
  if (!result.ok) {
    process.stderr.write(`Invalid configuration:\n  ${result.problems.join('\n  ')}\n`);
    process.exit(2);
  }
  return result.config;
}

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port number');
  return n;
};

// The CLI is a composition root: its commands stamp records with the system's time.
const clock = new SystemClock();

const program = new Command()
  .name('comeback')
  .description('Comeback: open retention and marketing automation for online stores')
  .showHelpAfterError();

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
    const server = await startServer(config);
    process.off('SIGTERM', remember);
    process.off('SIGINT', remember);
    for (const k of server.bootstrap.createdKeys) {
      process.stdout.write(
        `Created ${k.scope} key for workspace "${k.workspaceId}" (shown once): ${k.key}\n`,
      );
    }
    if (server.url) {
      process.stdout.write(
        `Comeback is listening on ${server.url} (API docs at ${server.url}/docs)\n`,
      );
    }
    const shutdown = (signal: string) => {
      server.services.logger.info({ signal }, 'shutting down');
      server.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          server.services.logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    if (early !== undefined) return shutdown(early);
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
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
      await bootstrapWorkspace(database.db, {
        now: clock.now(),
        generateKeys: false,
        ...(config.secret !== undefined ? { secret: config.secret } : {}),
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
        ...(opts.label !== undefined ? { label: opts.label } : {}),
      });
      process.stdout.write(`${created.key}\n`);
    } finally {
      await database.close();
    }
  });

registerImportCommand(program, () => loadConfig(), clock);

await program.parseAsync(process.argv);
