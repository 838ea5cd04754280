/**
 * What an operator reads when a command cannot start: one line naming the cause and the fix,
 * not a stack trace. Only failures of the environment (a taken port, a database that cannot
 * be reached, opened or logged into) are explained; anything else is a bug and keeps its
 * stack (cli.ts rethrows it).
 */

/** Where the command tried to go, to name it in the message (the password is never shown). */
export interface StartupTarget {
  databaseUrl?: string;
  host?: string;
  port?: number;
}

const codeOf = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Node 20 reports a refused connection to a name with several addresses as an
  // AggregateError whose parts carry the code.
  const parts = (error as { errors?: unknown }).errors;
  return Array.isArray(parts) ? parts.map(codeOf).find((c) => c !== undefined) : undefined;
};

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** postgres://user@host:port/name without the password, or the SQLite path. */
export function describeDatabase(url: string | undefined): string {
  if (url === undefined) return 'the database';
  if (url.startsWith('sqlite:')) return `SQLite database ${url.slice('sqlite:'.length)}`;
  try {
    const u = new URL(url);
    return `PostgreSQL at ${u.hostname}:${u.port || '5432'}`;
  } catch {
    return 'the database';
  }
}

const databaseName = (url: string | undefined): string => {
  try {
    return decodeURIComponent(new URL(url ?? '').pathname.replace(/^\//, '')) || 'postgres';
  } catch {
    return '?';
  }
};

const FIX_URL = 'fix DATABASE_URL';

/** Errors opening (or creating the directory of) an SQLite file: the path is the problem. */
const SQLITE_FILE_PROBLEMS = new Set([
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
  'SQLITE_PERM',
  'ENOENT',
  'EEXIST',
  'EACCES',
  'EPERM',
  'ENOTDIR',
  'EROFS',
  'EISDIR',
]);

/** One line for a known start-up failure, or undefined for anything else (a bug). */
export function explainStartupFailure(error: unknown, target: StartupTarget): string | undefined {
  const code = codeOf(error);
  const where = describeDatabase(target.databaseUrl);
  const address = `${target.host ?? '0.0.0.0'}:${target.port ?? '?'}`;
  const sqlite = target.databaseUrl?.startsWith('sqlite:') === true;
  if (sqlite && code !== undefined && SQLITE_FILE_PROBLEMS.has(code)) {
    return `cannot open ${where}: ${messageOf(error)}. Check that its directory can be created and written, or fix DATABASE_URL.`;
  }
  switch (code) {
    case 'EADDRINUSE':
      return `cannot listen on ${address}: the port is already in use. Stop the program using it or choose another port (PORT=N or --port N).`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${address}: this machine has no such address. Fix HOST (0.0.0.0 listens on every interface).`;
    case 'ECONNREFUSED':
      return `cannot connect to ${where}: the connection was refused. Start PostgreSQL, or ${FIX_URL}.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot connect to ${where}: the host name does not resolve. Fix DATABASE_URL.`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `cannot connect to ${where}: no answer (${code}). Check that PostgreSQL is running and reachable, or ${FIX_URL}.`;
    case '3D000':
      return `${where} has no database "${databaseName(target.databaseUrl)}". Create it (createdb ${databaseName(target.databaseUrl)}) or ${FIX_URL}.`;
    case '28P01':
    case '28000':
      return `${where} refused the login: ${messageOf(error)}. Check the user and password in DATABASE_URL.`;
    case '57P03':
      return `${where} is starting up or shutting down; try again in a moment.`;
    case 'EACCES':
      return `cannot listen on ${address}: permission denied (ports below 1024 need privileges). Choose another port (PORT=N or --port N).`;
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
      return `${where} is not a Comeback database (${messageOf(error)}). Point DATABASE_URL at the right file.`;
    default:
      return undefined;
  }
}
