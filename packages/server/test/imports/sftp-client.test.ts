import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSftp, type SftpEndpoint } from '../../src/modules/imports/sftp/index.js';
import { startSftpServer, type TestSftpServer } from '../support/sftp-server.js';

/** The SFTP client the pulls use, against a real ssh2 SFTP server on loopback. */
describe('SFTP client', () => {
  const userKey = ssh2.utils.generateKeyPairSync('ed25519');
  let sftpd: TestSftpServer;
  let ep: SftpEndpoint;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'comeback-sftp-client-'));
  beforeAll(async () => {
    sftpd = await startSftpServer({ authorizedKey: userKey.public });
    ep = {
      host: '127.0.0.1',
      port: sftpd.port,
      username: sftpd.username,
      password: sftpd.password,
      hostFingerprint: sftpd.hostFingerprint,
    };
  });
  afterAll(async () => {
    await sftpd?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('lists, downloads, uploads, makes folders and renames', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 'abcdefghij');
    sftpd.drop('/in/big.csv', big);
    sftpd.drop('/in/small.csv', 'email\nana@example.com\n');
    sftpd.drop('/in/sub/nested.csv', 'x');
    const c = await connectSftp(ep);
    if (!c.ok) throw new Error(c.error);
    expect(c.fingerprint).toBe(sftpd.hostFingerprint);
    const s = c.session;
    try {
      const files = await s.list('/in');
      expect(files.map((f) => f.name).sort()).toEqual(['big.csv', 'small.csv']);
      expect(files.find((f) => f.name === 'big.csv')?.size).toBe(big.length);
      const local = path.join(work, 'big.csv');
      let seen = 0;
      await s.download('/in/big.csv', local, (done) => (seen = done));
      expect(fs.readFileSync(local).equals(big)).toBe(true);
      expect(seen).toBe(big.length);
      await s.ensureDir('/in/processed');
      await s.ensureDir('/in/processed');
      await s.upload(local, '/in/processed/copy.csv');
      await s.rename('/in/small.csv', '/in/processed/small.csv');
      expect(await s.exists('/in/small.csv')).toBe(false);
      await expect(s.rename('/in/big.csv', '/in/processed/copy.csv')).rejects.toThrow();
      expect(sftpd.list('/in/processed')).toEqual(['copy.csv', 'small.csv']);
      expect(fs.readFileSync(path.join(sftpd.root, 'in/processed/copy.csv')).equals(big)).toBe(
        true,
      );
    } finally {
      s.close();
    }
  });

  it('logs in with a private key', async () => {
    const c = await connectSftp({ ...ep, password: undefined, privateKey: userKey.private });
    expect(c.ok).toBe(true);
    if (c.ok) c.session.close();
  });

  it('reports a wrong password', async () => {
    const c = await connectSftp({ ...ep, password: 'not-it' });
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.error).toMatch(/authentication failed for user erp/);
  });

  it('refuses a server whose host key does not match the pinned one, naming both', async () => {
    const pinned = `SHA256:${'A'.repeat(43)}`;
    const logins = sftpd.logins;
    const c = await connectSftp({ ...ep, hostFingerprint: pinned });
    expect(c.ok).toBe(false);
    if (!c.ok) {
      expect(c.error).toContain('host key mismatch');
      expect(c.error).toContain(sftpd.hostFingerprint);
      expect(c.error).toContain(pinned);
    }
    // The password was never sent.
    expect(sftpd.logins).toBe(logins);
  });

  it('reports a refused connection', async () => {
    const c = await connectSftp({ ...ep, port: 1 });
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.error).toMatch(/connection refused by 127\.0\.0\.1:1/);
  });
});
