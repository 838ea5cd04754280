import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How every outgoing webhook is signed (the webhook channel and subscriptions alike), so a
 * receiver can tell our POSTs from anyone else's and refuse a replayed one:
 *
 *   comeback-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * A receiver recomputes the HMAC over the raw body bytes exactly as received (before any JSON
 * parsing), compares in constant time, and refuses a timestamp more than 5 minutes away from
 * its own clock. `verifyWebhook` below does all three; it is what the subscriber guide shows.
 * Several `v1=` entries may appear (one per secret while a secret is being rotated): any match
 * is enough.
 */
export const SIGNATURE_HEADER = 'comeback-signature';
export const DEFAULT_TOLERANCE_SEC = 300;

const MAX_HEADER_LENGTH = 2000;

const hmacHex = (secret: string, t: number, body: string) =>
  createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex');

/** The header value for `body` sent at `timestamp` (epoch milliseconds). */
export function signWebhook(secret: string, body: string, timestamp: number): string {
  if (secret.length === 0) throw new Error('a webhook needs a signing secret');
  const t = Math.floor(timestamp / 1000);
  return `t=${t},v1=${hmacHex(secret, t, body)}`;
}

export type VerifyResult =
  { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'mismatch' | 'expired' };

/**
 * Checks a received `comeback-signature` header against the raw body: `now` in epoch
 * milliseconds, `toleranceSec` the replay window (either side, so a receiver's clock a little
 * ahead of ours is no problem). `timestamp` is the signed instant in epoch milliseconds.
 */
export function verifyWebhook(
  secret: string,
  header: string | undefined | null,
  body: string,
  now: number,
  toleranceSec = DEFAULT_TOLERANCE_SEC,
): VerifyResult {
  if (typeof header !== 'string' || header.length === 0 || header.length > MAX_HEADER_LENGTH)
    return { ok: false, reason: 'malformed' };
  let t: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return { ok: false, reason: 'malformed' };
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (t !== undefined || !/^\d{1,12}$/.test(value)) return { ok: false, reason: 'malformed' };
      t = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/.test(value)) return { ok: false, reason: 'malformed' };
      candidates.push(value);
    }
    // Other keys (a future v2) are ignored, so a newer sender still verifies here.
  }
  if (t === undefined || candidates.length === 0) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(hmacHex(secret, t, body), 'hex');
  const matches = candidates.some((c) => timingSafeEqual(Buffer.from(c, 'hex'), expected));
  if (!matches) return { ok: false, reason: 'mismatch' };
  if (Math.abs(Math.floor(now / 1000) - t) > toleranceSec) return { ok: false, reason: 'expired' };
  return { ok: true, timestamp: t * 1000 };
}
