import { randomFillSync } from 'node:crypto';

const POOL_IDS = 256;
const pool = new Uint8Array(16 * POOL_IDS);
let next = POOL_IDS;

/**
 * A UUID of version 7 (RFC 9562, section 5.7): the first 48 bits are the Unix time in
 * milliseconds of `at`, the rest (but the version and variant bits) random - 74 bits, as
 * unguessable as the random UUIDs it replaces for new rows. Ids made later sort later, so the
 * B-tree of a table keyed by them (and every index that leads with them) takes new rows at
 * its right edge instead of on a random page: a processor batch that creates thousands of
 * profiles writes a few pages of each such index, not thousands.
 */
export function timeOrderedUuid(at: number): string {
  if (next === POOL_IDS) {
    randomFillSync(pool);
    next = 0;
  }
  const b = pool.subarray(next * 16, next * 16 + 16);
  next += 1;
  const ms = Math.max(0, Math.floor(at));
  const high = Math.floor(ms / 2 ** 32);
  const low = ms % 2 ** 32;
  b[0] = (high >>> 8) & 0xff;
  b[1] = high & 0xff;
  b[2] = (low >>> 24) & 0xff;
  b[3] = (low >>> 16) & 0xff;
  b[4] = (low >>> 8) & 0xff;
  b[5] = low & 0xff;
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x70;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Buffer.from(b).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
