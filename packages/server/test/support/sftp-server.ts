import { createHash, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ssh2, { type Attributes, type Connection, type SFTPWrapper } from 'ssh2';

const { OPEN_MODE, STATUS_CODE, flagsToString } = ssh2.utils.sftp;

export interface TestSftpServer {
  port: number;
  /** The folder on disk the server serves as `/`. */
  root: string;
  /** `SHA256:…` of the host key, as `ssh-keygen -lf` prints it. */
  hostFingerprint: string;
  username: string;
  password: string;
  /** Refuse RENAME requests (a move that fails after the import). */
  refuseRenames: boolean;
  /** Logins that succeeded. */
  logins: number;
  /** Writes a file into the served folder, as the ERP dropping it would. */
  drop(remotePath: string, content: string | Buffer): void;
  /** Names in a served folder, sorted; [] when it does not exist. */
  list(remoteDir: string): string[];
  stop(): Promise<void>;
}

const same = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

/**
 * A real SFTP server on 127.0.0.1 (ssh2's Server and its SFTP subsystem) serving a temporary
 * folder on disk, with password and, optionally, public-key authentication. The host key is an
 * ed25519 key in OpenSSH format (ssh2 reads OpenSSH and PKCS#1 PEM keys, not PKCS#8).
 */
export async function startSftpServer(
  opts: { username?: string; password?: string; authorizedKey?: string } = {},
): Promise<TestSftpServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'comeback-sftpd-'));
  const hostKey = ssh2.utils.generateKeyPairSync('ed25519');
  const hostPublic = ssh2.utils.parseKey(hostKey.public);
  if (hostPublic instanceof Error) throw hostPublic;
  const allowedKey = opts.authorizedKey ? ssh2.utils.parseKey(opts.authorizedKey) : null;
  if (allowedKey instanceof Error) throw allowedKey;
  const clients = new Set<Connection>();

  const state: TestSftpServer = {
    port: 0,
    root,
    hostFingerprint: `SHA256:${createHash('sha256')
      .update(hostPublic.getPublicSSH())
      .digest('base64')
      .replace(/=+$/, '')}`,
    username: opts.username ?? 'erp',
    password: opts.password ?? 'drop-it-here',
    refuseRenames: false,
    logins: 0,
    drop(remotePath, content) {
      const file = local(remotePath);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    },
    list(remoteDir) {
      const dir = local(remoteDir);
      return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
    },
    stop: async () => {
      for (const c of clients) c.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  // Chrooted: `..` never leaves the served folder.
  const local = (p: string) => path.join(root, path.posix.normalize(`/${p}`));

  const server = new ssh2.Server({ hostKeys: [hostKey.private] }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => clients.delete(client));
    client.on('authentication', (ctx) => {
      if (ctx.username !== state.username) return ctx.reject();
      if (ctx.method === 'password') {
        return same(Buffer.from(ctx.password), Buffer.from(state.password))
          ? ctx.accept()
          : ctx.reject();
      }
      if (ctx.method === 'publickey' && allowedKey) {
        const matches =
          ctx.key.algo === allowedKey.type && same(ctx.key.data, allowedKey.getPublicSSH());
        if (!matches) return ctx.reject();
        // Without a signature the client only asks whether the key would do.
        if (!ctx.signature) return ctx.accept();
        return allowedKey.verify(ctx.blob ?? Buffer.alloc(0), ctx.signature, ctx.hashAlgo) === true
          ? ctx.accept()
          : ctx.reject();
      }
      return ctx.reject(allowedKey ? ['password', 'publickey'] : ['password']);
    });
    client.on('ready', () => {
      state.logins++;
      client.on('session', (accept) => {
        accept().on('sftp', (acceptSftp) => serveFolder(acceptSftp(), local, state));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  state.port = typeof address === 'object' && address ? address.port : 0;
  return state;
}

type Open = { kind: 'file'; fd: number } | { kind: 'dir'; dir: string; read: boolean };

const attrsOf = (st: fs.Stats): Attributes => ({
  mode: st.mode,
  uid: st.uid,
  gid: st.gid,
  size: st.size,
  atime: Math.floor(st.atimeMs / 1000),
  mtime: Math.floor(st.mtimeMs / 1000),
});

const noAttrs: Attributes = { mode: 0, uid: 0, gid: 0, size: 0, atime: 0, mtime: 0 };

const codeOf = (e: NodeJS.ErrnoException | null) =>
  e?.code === 'ENOENT'
    ? STATUS_CODE.NO_SUCH_FILE
    : e?.code === 'EACCES'
      ? STATUS_CODE.PERMISSION_DENIED
      : STATUS_CODE.FAILURE;

/** The SFTP requests ssh2's client sends for readdir, stat, fastGet, fastPut, mkdir, rename. */
function serveFolder(sftp: SFTPWrapper, local: (p: string) => string, state: TestSftpServer) {
  const open = new Map<number, Open>();
  let nextHandle = 1;
  const handleOf = (o: Open) => {
    const id = nextHandle++;
    open.set(id, o);
    const h = Buffer.alloc(4);
    h.writeUInt32BE(id, 0);
    return h;
  };
  const lookup = (h: Buffer) => (h.length === 4 ? open.get(h.readUInt32BE(0)) : undefined);
  const done = (id: number) => (e: NodeJS.ErrnoException | null) =>
    sftp.status(id, e ? codeOf(e) : STATUS_CODE.OK);
  const stat = (id: number, p: string, how: typeof fs.stat) =>
    how(local(p), (e, st) => (e ? sftp.status(id, codeOf(e)) : sftp.attrs(id, attrsOf(st))));

  sftp.on('REALPATH', (id, p) => {
    const name = path.posix.normalize(`/${p}`);
    sftp.name(id, [{ filename: name, longname: name, attrs: noAttrs }]);
  });
  sftp.on('STAT', (id, p) => stat(id, p, fs.stat));
  sftp.on('LSTAT', (id, p) => stat(id, p, fs.lstat));
  sftp.on('FSTAT', (id, h) => {
    const o = lookup(h);
    if (o?.kind !== 'file') return sftp.status(id, STATUS_CODE.FAILURE);
    fs.fstat(o.fd, (e, st) => (e ? sftp.status(id, codeOf(e)) : sftp.attrs(id, attrsOf(st))));
  });
  sftp.on('OPEN', (id, p, flags) => {
    const mode = flagsToString(flags) ?? (flags & OPEN_MODE.WRITE ? 'w' : 'r');
    fs.open(local(p), mode, (e, fd) =>
      e ? sftp.status(id, codeOf(e)) : sftp.handle(id, handleOf({ kind: 'file', fd })),
    );
  });
  sftp.on('READ', (id, h, offset, length) => {
    const o = lookup(h);
    if (o?.kind !== 'file') return sftp.status(id, STATUS_CODE.FAILURE);
    fs.read(o.fd, Buffer.alloc(length), 0, length, offset, (e, n, buf) => {
      if (e) return sftp.status(id, codeOf(e));
      if (n === 0) return sftp.status(id, STATUS_CODE.EOF);
      sftp.data(id, buf.subarray(0, n));
    });
  });
  sftp.on('WRITE', (id, h, offset, data) => {
    const o = lookup(h);
    if (o?.kind !== 'file') return sftp.status(id, STATUS_CODE.FAILURE);
    fs.write(o.fd, data, 0, data.length, offset, done(id));
  });
  sftp.on('FSETSTAT', (id) => sftp.status(id, STATUS_CODE.OK));
  sftp.on('SETSTAT', (id) => sftp.status(id, STATUS_CODE.OK));
  sftp.on('CLOSE', (id, h) => {
    const o = lookup(h);
    if (!o) return sftp.status(id, STATUS_CODE.FAILURE);
    open.delete(h.readUInt32BE(0));
    if (o.kind === 'file') fs.close(o.fd, done(id));
    else sftp.status(id, STATUS_CODE.OK);
  });
  sftp.on('OPENDIR', (id, p) => {
    fs.stat(local(p), (e, st) => {
      if (e) return sftp.status(id, codeOf(e));
      if (!st.isDirectory()) return sftp.status(id, STATUS_CODE.FAILURE);
      sftp.handle(id, handleOf({ kind: 'dir', dir: local(p), read: false }));
    });
  });
  sftp.on('READDIR', (id, h) => {
    const o = lookup(h);
    if (o?.kind !== 'dir') return sftp.status(id, STATUS_CODE.FAILURE);
    // Everything in one answer, then EOF.
    if (o.read) return sftp.status(id, STATUS_CODE.EOF);
    o.read = true;
    const entries = fs.readdirSync(o.dir).map((filename) => {
      const st = fs.statSync(path.join(o.dir, filename));
      const kind = st.isDirectory() ? 'd' : '-';
      return {
        filename,
        longname: `${kind}rw-r--r-- 1 erp erp ${st.size} Jan 1 00:00 ${filename}`,
        attrs: attrsOf(st),
      };
    });
    sftp.name(id, entries);
  });
  sftp.on('MKDIR', (id, p) => fs.mkdir(local(p), done(id)));
  sftp.on('RMDIR', (id, p) => fs.rmdir(local(p), done(id)));
  sftp.on('REMOVE', (id, p) => fs.unlink(local(p), done(id)));
  sftp.on('RENAME', (id, from, to) => {
    // Like OpenSSH's sftp-server: never over an existing file.
    if (state.refuseRenames || fs.existsSync(local(to)))
      return sftp.status(id, STATUS_CODE.FAILURE);
    fs.rename(local(from), local(to), done(id));
  });
}
