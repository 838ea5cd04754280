import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, verifyPassword } from '../../src/modules/users/index.js';

describe('password hashing', () => {
  it('stores scrypt with its parameters, a 16-byte salt and a 32-byte key', async () => {
    const encoded = await hashPassword('correct horse battery');
    const [scheme, n, r, p, salt, key] = encoded.split('$');
    expect([scheme, n, r, p]).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(salt ?? '', 'base64url')).toHaveLength(16);
    expect(Buffer.from(key ?? '', 'base64url')).toHaveLength(32);
    expect(encoded).not.toContain('correct horse');
    // A fresh salt each time.
    expect(await hashPassword('correct horse battery')).not.toBe(encoded);
  });

  it('verifies the password and nothing else', async () => {
    const encoded = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', encoded)).toBe(true);
    expect(await verifyPassword('correct horse batterY', encoded)).toBe(false);
    expect(await verifyPassword('', encoded)).toBe(false);
  });

  it('refuses malformed hashes and parameters out of bounds', async () => {
    const encoded = await hashPassword('pw-with-other-parameters');
    const parts = encoded.split('$');
    for (const bad of [
      'plain-text',
      `bcrypt$${parts.slice(1).join('$')}`,
      ['scrypt', String(2 ** 30), ...parts.slice(2)].join('$'),
      ['scrypt', '1000', ...parts.slice(2)].join('$'),
      `${encoded}$extra`,
    ]) {
      expect(await verifyPassword('pw-with-other-parameters', bad), bad).toBe(false);
    }
  });

  it('generates passwords of 20 characters or more, all different', () => {
    const passwords = new Set(Array.from({ length: 50 }, generatePassword));
    expect(passwords.size).toBe(50);
    for (const p of passwords) expect(p.length).toBeGreaterThanOrEqual(20);
  });
});
