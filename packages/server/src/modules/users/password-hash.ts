import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Passwords are stored as scrypt hashes (memory-hard: a stolen database costs an attacker
 * 32 MiB and tens of milliseconds per guess) in a self-describing text,
 * `scrypt$N$r$p$salt$hash`, so the parameters can be raised later without breaking the
 * hashes already stored.
 */
interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

const CURRENT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/** scrypt needs 128·N·r bytes: 32 MiB here, which Node's default limit (32 MiB) refuses. */
const maxmemOf = ({ N, r, p }: ScryptParams) => 128 * N * r * 2 + 128 * r * p;

function derive(password: string, salt: Buffer, params: ScryptParams, bytes: number) {
  return new Promise<Buffer>((resolve, reject) =>
    // NFC: the same password typed on two systems must give the same bytes.
    scrypt(
      password.normalize('NFC'),
      salt,
      bytes,
      { ...params, maxmem: maxmemOf(params) },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, CURRENT, KEY_BYTES);
  const { N, r, p } = CURRENT;
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** The parameters of a stored hash, if it is one this code can check (bounded: no 4 GiB N). */
function parse(encoded: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const [scheme, n, r, p, salt, key, ...rest] = encoded.split('$');
  if (scheme !== 'scrypt' || rest.length || salt === undefined || key === undefined) return null;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const powerOfTwo = Number.isInteger(Math.log2(params.N));
  const sane =
    powerOfTwo &&
    params.N >= 2 ** 10 &&
    params.N <= 2 ** 20 &&
    Number.isInteger(params.r) &&
    params.r >= 1 &&
    params.r <= 32 &&
    Number.isInteger(params.p) &&
    params.p >= 1 &&
    params.p <= 16;
  const parsed = {
    params,
    salt: Buffer.from(salt, 'base64url'),
    key: Buffer.from(key, 'base64url'),
  };
  return sane && parsed.key.length >= 16 && parsed.key.length <= 64 ? parsed : null;
}

/** Compares in constant time; a malformed stored hash matches nothing. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const stored = parse(encoded);
  if (!stored) return false;
  const key = await derive(password, stored.salt, stored.params, stored.key.length);
  return timingSafeEqual(key, stored.key);
}

let dummy: Promise<string> | undefined;
/**
 * A hash no password matches: checked when the email is unknown, so that an unknown account
 * takes as long to refuse as a wrong password and the timing does not reveal who has one.
 */
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(32).toString('base64url'));
  return dummy;
}

/** 24 characters of base64url (144 random bits): shown once to whoever creates the user. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
