import { createHash } from 'node:crypto';
import ssh2, { type ConnectConfig, type SFTPWrapper } from 'ssh2';

export interface SftpEndpoint {
  host: string;
  port: number;
  username: string;
  password?: string | undefined;
  privateKey?: string | undefined;
  passphrase?: string | undefined;
  /** `SHA256:…` as `ssh-keygen -lf` prints it; null accepts any host key (and reports it). */
  hostFingerprint: string | null;
}

export interface RemoteFile {
  name: string;
  size: number;
  /** Modification time in ms (SFTP carries whole seconds). */
  mtimeMs: number;
}

export type Connected =
  | { ok: true; session: SftpSession; fingerprint: string }
  | { ok: false; error: string; fingerprint: string | null };

/** OpenSSH's fingerprint of a host key blob: `SHA256:` and the unpadded base64 digest. */
export const fingerprintOf = (key: Buffer) =>
  `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;

/** Why ssh2 cannot use `key` (OpenSSH or PEM, with its passphrase if encrypted), or null. */
export function privateKeyProblem(key: string, passphrase?: string): string | null {
  const parsed = ssh2.utils.parseKey(key, passphrase);
  if (parsed instanceof Error) return parsed.message;
  return null;
}

const hasCode = (e: unknown, code: number | string) =>
  e instanceof Error && 'code' in e && e.code === code;

/**
 * Opens an SSH connection and its SFTP channel. Every failure to get there (refused, timed out,
 * wrong password, a host key that does not match the pinned one) is a value with a sentence an
 * operator can act on.
 */
export function connectSftp(ep: SftpEndpoint, timeoutMs = 20_000): Promise<Connected> {
  return new Promise((resolve) => {
    const client = new ssh2.Client();
    let seen: string | null = null;
    let settled = false;
    const done = (result: Connected) => {
      if (settled) return;
      settled = true;
      if (!result.ok) client.end();
      resolve(result);
    };
    const describe = (error: Error): string => {
      if (ep.hostFingerprint !== null && seen !== null && seen !== ep.hostFingerprint) {
        return `host key mismatch: ${ep.host} presented ${seen}, but the source pins ${ep.hostFingerprint}; refused to connect (update hostFingerprint only if the server's key really changed)`;
      }
      if ('level' in error && error.level === 'client-authentication') {
        return `authentication failed for user ${ep.username} at ${ep.host}:${ep.port}: ${error.message}`;
      }
      if (hasCode(error, 'ECONNREFUSED')) return `connection refused by ${ep.host}:${ep.port}`;
      if (hasCode(error, 'ENOTFOUND')) return `unknown host ${ep.host}`;
      return `cannot connect to ${ep.host}:${ep.port}: ${error.message}`;
    };
    // Stays registered for the life of the connection: a late error must not crash the process.
    client.on('error', (error) => done({ ok: false, error: describe(error), fingerprint: seen }));
    client.on('close', () =>
      done({ ok: false, error: 'the server closed the connection', fingerprint: seen }),
    );
    client.on('ready', () => {
      client.sftp((error, sftp) => {
        if (error) {
          done({ ok: false, error: `SFTP refused: ${error.message}`, fingerprint: seen });
          return;
        }
        done({ ok: true, session: new SftpSession(client, sftp), fingerprint: seen ?? '' });
      });
    });
    const config: ConnectConfig = {
      host: ep.host,
      port: ep.port,
      username: ep.username,
      readyTimeout: timeoutMs,
      keepaliveInterval: 10_000,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer) => {
        seen = fingerprintOf(key);
        return ep.hostFingerprint === null || seen === ep.hostFingerprint;
      },
      ...(ep.password !== undefined ? { password: ep.password } : {}),
      ...(ep.privateKey !== undefined ? { privateKey: ep.privateKey } : {}),
      ...(ep.passphrase !== undefined ? { passphrase: ep.passphrase } : {}),
    };
    try {
      client.connect(config);
    } catch (error) {
      // ssh2 throws synchronously for a key it cannot parse.
      done({
        ok: false,
        error: `cannot connect: ${error instanceof Error ? error.message : String(error)}`,
        fingerprint: null,
      });
    }
  });
}

const call = (fn: (cb: (error: Error | null | undefined) => void) => void) =>
  new Promise<void>((resolve, reject) => fn((error) => (error ? reject(error) : resolve())));

/** The few SFTP operations a pull needs, as promises. Errors are thrown (ssh2's, with `code`). */
export class SftpSession {
  constructor(
    private readonly client: ssh2.Client,
    private readonly sftp: SFTPWrapper,
  ) {}

  /** Regular files directly in `dir` (no subfolders, no links). */
  list(dir: string): Promise<RemoteFile[]> {
    return new Promise((resolve, reject) =>
      this.sftp.readdir(dir, (error, entries) => {
        if (error) return reject(error);
        resolve(
          entries
            .filter((e) => e.attrs.isFile())
            .map((e) => ({ name: e.filename, size: e.attrs.size, mtimeMs: e.attrs.mtime * 1000 })),
        );
      }),
    );
  }

  /** Streams a remote file to disk in parallel chunks (never held in memory). */
  download(remote: string, local: string, onBytes?: (done: number, total: number) => void) {
    return call((cb) =>
      this.sftp.fastGet(
        remote,
        local,
        { step: (done, _chunk, total) => onBytes?.(done, total) },
        cb,
      ),
    );
  }

  upload(local: string, remote: string) {
    return call((cb) => this.sftp.fastPut(local, remote, cb));
  }

  exists(path: string): Promise<boolean> {
    return new Promise((resolve, reject) =>
      this.sftp.stat(path, (error) => {
        if (!error) return resolve(true);
        // SSH_FX_NO_SUCH_FILE
        if (hasCode(error, 2)) return resolve(false);
        reject(error);
      }),
    );
  }

  async ensureDir(path: string): Promise<void> {
    if (await this.exists(path)) return;
    try {
      await call((cb) => this.sftp.mkdir(path, cb));
    } catch (error) {
      // Another client may have made it meanwhile.
      if (!(await this.exists(path))) throw error;
    }
  }

  rename(from: string, to: string) {
    return call((cb) => this.sftp.rename(from, to, cb));
  }

  close(): void {
    this.client.end();
  }
}
