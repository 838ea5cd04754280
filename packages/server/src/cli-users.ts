import { text } from 'node:stream/consumers';
import type { Command } from 'commander';
import { userEmailSchema, userPasswordSchema, userRoles } from '@comeback/contracts';
import { shown, table, type Outcome } from './cli-journey-output.js';
import type { Config } from './config/config.js';
import { SessionStore, UserStore, generatePassword } from './modules/users/index.js';
import { DEFAULT_WORKSPACE_ID, ensureWorkspace } from './modules/workspaces/index.js';
import type { Clock } from './platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from './platform/db/database.js';
import { oneOf } from './platform/json.js';

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());
const WORKSPACE_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** The password piped in (`--password-stdin`), without its final newline. */
async function passwordFromStdin(): Promise<string> {
  return (await text(process.stdin)).replace(/\r?\n$/, '');
}

/**
 * `comeback users list | create | password | remove`: dashboard users, for whoever holds the
 * database (the first owner's lost password, a locked-out workspace). Generated passwords are
 * printed once.
 */
export function registerUserCommands(
  program: Command,
  loadConfig: () => Config,
  clock: Clock,
): void {
  const run = async (
    work: (users: UserStore, sessions: SessionStore, database: Database) => Promise<Outcome>,
  ) => {
    const database = openDatabase(loadConfig().databaseUrl);
    try {
      await migrateToLatest(database);
      const users = new UserStore(database, clock);
      const sessions = new SessionStore(database.db, users, clock, { now: () => clock.now() });
      const outcome = await work(users, sessions, database);
      process.stdout.write(outcome.out);
      if (outcome.err !== undefined) process.stderr.write(outcome.err);
      if (outcome.code !== undefined && outcome.code !== 0) process.exitCode = outcome.code;
    } finally {
      await database.close();
    }
  };
  const emailOf = (text: string) => {
    const parsed = userEmailSchema.safeParse(text);
    return parsed.success ? parsed.data : program.error(`--email must be an email address`);
  };
  const workspaceOf = (text: string) =>
    WORKSPACE_ID.test(text)
      ? text
      : program.error('--workspace must be lower-case letters, digits, - or _ (at most 63)');
  /** The password piped in, checked; or a generated one to print. */
  const passwordOf = async (fromStdin: boolean | undefined) => {
    if (!fromStdin) return { password: generatePassword(), generated: true };
    const parsed = userPasswordSchema.safeParse(await passwordFromStdin());
    if (!parsed.success)
      return program.error(
        `the password on stdin ${parsed.error.issues[0]?.message ?? 'is invalid'}`,
      );
    return { password: parsed.data, generated: false };
  };
  const notFound = (email: string, where = ''): Outcome => ({
    out: '',
    err: `comeback: no user ${shown(email)}${where}\n`,
    code: 1,
  });

  const users = program.command('users').description('dashboard users: sign-in and roles');
  users
    .command('list')
    .description('list users: email, name, role, workspace, created, last sign-in')
    .option('--workspace <id>', 'only this workspace (default: every workspace)')
    .action((opts: { workspace?: string }) =>
      run(async (store) => {
        const rows = (await store.list(opts.workspace)).map((m) => [
          m.email,
          shown(m.name ?? ''),
          m.role,
          m.workspaceId,
          iso(m.createdAt),
          iso(m.lastLoginAt),
          m.id,
        ]);
        const header = ['EMAIL', 'NAME', 'ROLE', 'WORKSPACE', 'CREATED', 'LAST SIGN-IN', 'ID'];
        return { out: table([header, ...rows]) };
      }),
    );

  users
    .command('create')
    .description('add a user to a workspace; a generated password is printed once')
    .requiredOption('--email <address>', 'the address they sign in with')
    .requiredOption('--role <role>', 'owner | editor | viewer')
    .option('--name <text>', 'the name the dashboard shows')
    .option('--workspace <id>', 'the workspace they join; created if new', DEFAULT_WORKSPACE_ID)
    .option('--password-stdin', 'read the password from stdin instead of generating one')
    .action(
      async (opts: {
        email: string;
        role: string;
        name?: string;
        workspace: string;
        passwordStdin?: boolean;
      }) => {
        const email = emailOf(opts.email);
        const role = oneOf(userRoles, opts.role);
        if (role === undefined) {
          return program.error(`--role must be owner, editor or viewer (got ${opts.role})`);
        }
        const workspaceId = workspaceOf(opts.workspace);
        const { password, generated } = await passwordOf(opts.passwordStdin);
        await run(async (store, _sessions, database) => {
          // As `keys create`: the default workspace as after a first start, the named one too.
          const now = clock.now();
          await ensureWorkspace(database.db, {
            id: DEFAULT_WORKSPACE_ID,
            name: 'Default store',
            now,
          });
          await ensureWorkspace(database.db, { id: workspaceId, name: workspaceId, now });
          const added = await store.addMember(workspaceId, {
            email,
            role,
            password,
            ...(opts.name !== undefined ? { name: opts.name } : {}),
          });
          if (!added.ok) return { out: '', err: `comeback: ${added.error.message}\n`, code: 1 };
          const { member, newAccount } = added.value;
          const joined = `${member.email} joined workspace "${workspaceId}" as ${role}`;
          if (!newAccount) return { out: `${joined} (an existing user: their password stays)\n` };
          return {
            out: generated ? `${joined}\nPassword (shown once): ${password}\n` : `${joined}\n`,
          };
        });
      },
    );

  users
    .command('password')
    .description("set a new password (generated and printed once) and end the user's sessions")
    .requiredOption('--email <address>', 'whose password')
    .option('--password-stdin', 'read the new password from stdin instead of generating one')
    .action(async (opts: { email: string; passwordStdin?: boolean }) => {
      const email = emailOf(opts.email);
      const { password, generated } = await passwordOf(opts.passwordStdin);
      await run(async (store, sessions) => {
        const account = await store.accountByEmail(email);
        if (!account) return notFound(email);
        await store.setPassword(account.id, password);
        await sessions.deleteForUser(account.id);
        const done = `New password for ${account.email}; their sessions have ended`;
        return { out: generated ? `${done}\nPassword (shown once): ${password}\n` : `${done}\n` };
      });
    });

  users
    .command('remove')
    .description('remove a user from a workspace (their account stays for the others)')
    .requiredOption('--email <address>', 'who')
    .option('--workspace <id>', 'the workspace they leave', DEFAULT_WORKSPACE_ID)
    .action((opts: { email: string; workspace: string }) => {
      const email = emailOf(opts.email);
      const workspaceId = workspaceOf(opts.workspace);
      return run(async (store) => {
        const account = await store.accountByEmail(email);
        if (!account) return notFound(email);
        // Whoever runs the CLI holds the database: the last owner may go, with a note.
        const removed = await store.removeMember(workspaceId, account.id, { keepOneOwner: false });
        if (!removed.ok) return notFound(email, ` in workspace "${workspaceId}"`);
        const left = (await store.list(workspaceId)).some((m) => m.role === 'owner');
        const note = left
          ? ''
          : `Workspace "${workspaceId}" has no owner now; add one with: comeback users create --role owner --workspace ${workspaceId} --email <address>\n`;
        return { out: `Removed ${account.email} from workspace "${workspaceId}"\n${note}` };
      });
    });
}
