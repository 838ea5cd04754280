import type { Clock } from '../../platform/clock.js';
import type { LinkSigner } from './signed-links.js';

/** How long a client token works: a storefront asks for a new one well before it ends. */
export const CLIENT_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export interface ClientToken {
  token: string;
  /** Milliseconds since the epoch; the token is refused from this instant on. */
  expiresAt: number;
}

export interface ClientIdentity {
  workspaceId: string;
  profileId: string;
}

const DIGITS = /^[0-9]{1,16}$/;

/**
 * The credential a storefront or app holds for ONE person: it reads that person's inbox and
 * manages that person's push subscriptions, nothing else. The admin key never leaves the
 * store's server; its server asks for a client token (`POST /api/v1/profiles/:id/client-token`)
 * and hands it to the browser. Signed with the link signer under its own `client` key, so no
 * unsubscribe or click token can pass as one. Tokens cannot be revoked before they expire:
 * that is why they live 30 days, not longer.
 */
export class ClientTokens {
  readonly #signer: LinkSigner;
  readonly #clock: Clock;

  constructor(signer: LinkSigner, clock: Clock) {
    this.#signer = signer;
    this.#clock = clock;
  }

  issue(workspaceId: string, profileId: string): ClientToken {
    if (workspaceId === '' || profileId === '') throw new Error('a client token needs both ids');
    const expiresAt = this.#clock.now() + CLIENT_TOKEN_TTL_MS;
    const token = this.#signer.sign('client', {
      w: workspaceId,
      p: profileId,
      e: String(expiresAt),
    });
    return { token, expiresAt };
  }

  /** Whose token it is, or null for a forged, altered, other-kind or expired one. */
  verify(token: string): ClientIdentity | null {
    const payload = this.#signer.verify('client', token);
    if (payload === null) return null;
    const { w, p, e } = payload;
    if (!w || !p || e === undefined || !DIGITS.test(e)) return null;
    if (this.#clock.now() >= Number(e)) return null;
    return { workspaceId: w, profileId: p };
  }
}
