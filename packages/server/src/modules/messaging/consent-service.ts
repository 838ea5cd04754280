import {
  consentChannels,
  consentStatuses,
  type ChannelKind,
  type ConsentChannel,
  type ConsentState,
  type ConsentStatus,
} from '@comeback/contracts';
import type { Database, Trx } from '../../platform/db/database.js';
import type { Result } from '../../platform/errors.js';
import { oneOf } from '../../platform/json.js';
import { consentStandings, liveProfileId, type ConsentStanding } from './consent-merges.js';
import {
  iso,
  lockConsentWrites,
  proofOf,
  stateOf,
  storable,
  type ConsentProof,
} from './consent-records.js';
import { directSendCheckReads, type SendCheckReads } from './send-check-reads.js';
import {
  shortSuppressionList,
  suppressionPage,
  suppressionReasons,
  type SuppressionReason,
  type SuppressionView,
} from './suppression-list.js';

// Kept importable from here, where the routes have always taken them.
export type { ConsentProof } from './consent-records.js';
export {
  suppressionReasons,
  type SuppressionReason,
  type SuppressionView,
} from './suppression-list.js';

export interface ConsentChangeInput {
  channel: ConsentChannel;
  status: ConsentStatus;
  /** Who or what changed it: `api`, `one-click`, `unsubscribe-page`, `complaint`, ... */
  source: string;
  proof?: ConsentProof;
}

/** Told of every recorded change after it is committed (the lead records a timeline event). */
export type ConsentChangeHook = (change: {
  workspaceId: string;
  profileId: string;
  channel: ConsentChannel;
  status: ConsentStatus;
  source: string;
  at: number;
}) => Promise<void>;

/** What the send-time gate decides for one message. */
export type SendDecision = { ok: true } | { ok: false; reason: string };

export interface SendCandidate {
  workspaceId: string;
  profileId: string | null;
  channel: ChannelKind;
  kind: 'marketing' | 'transactional';
  to: string;
}

/** A person changing their mind a thousand times is kept; only the latest 1,000 are shown. */
const MAX_HISTORY = 1000;
const MAX_ADDRESS = 320;
const MAX_DETAIL = 1000;
/**
 * Marketing consent per person and channel, with its full history, and the suppression list of
 * addresses no message may go to. `mayReceive` is the gate every message passes at send time,
 * so a withdrawal between enqueueing and sending still stops the message.
 */
export class ConsentService {
  readonly #database: Database;
  readonly #onChange: ConsentChangeHook | undefined;
  /** The gate's reads straight from the database: what every send-time check uses. */
  readonly directReads: SendCheckReads;

  constructor(database: Database, options: { onChange?: ConsentChangeHook } = {}) {
    this.#database = database;
    this.#onChange = options.onChange;
    this.directReads = directSendCheckReads(database);
  }

  /**
   * The person's consent on each channel that has a record, in `consentChannels` order. Every
   * method takes a merged-away profile id for the profile it was merged into (a link signed
   * before a merge still acts on the person).
   */
  async get(workspaceId: string, profileId: string): Promise<ConsentState[]> {
    const db = this.#database.db;
    const rows = await db
      .selectFrom('consents')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', await liveProfileId(db, workspaceId, profileId))
      .execute();
    const states = rows.flatMap((r) => {
      const state = stateOf(r.channel, r.status, r.source, r.proof, r.updated_at);
      return state ? [state] : [];
    });
    return states.sort(
      (a, b) => consentChannels.indexOf(a.channel) - consentChannels.indexOf(b.channel),
    );
  }

  /**
   * Sets the person's consent on one channel and appends the change to its history, in one
   * transaction; every call is recorded, even one that repeats the current status (the new
   * source and proof are evidence too). The hook runs after the commit, unless `announce` is
   * false: a change read from an event already in the timeline (an identify's traits) is not
   * announced again.
   */
  async update(
    workspaceId: string,
    profileId: string,
    update: ConsentChangeInput,
    now: number,
    options: { announce?: boolean } = {},
  ): Promise<ConsentState> {
    const liveId = await this.#database.db.transaction().execute(async (trx) => {
      await lockConsentWrites(trx, this.#database.dialect);
      return recordConsentChange(trx, workspaceId, profileId, update, now);
    });
    const source = storable(update.source, 200);
    const proof = proofOf(update.proof ?? null);
    if (options.announce !== false)
      await this.#onChange?.({
        workspaceId,
        profileId: liveId,
        channel: update.channel,
        status: update.status,
        source,
        at: now,
      });
    return { channel: update.channel, status: update.status, source, updatedAt: iso(now), proof };
  }

  /** Every recorded change, oldest first (the latest 1,000). */
  async history(
    workspaceId: string,
    profileId: string,
  ): Promise<(ConsentState & { at: string })[]> {
    const db = this.#database.db;
    const rows = await db
      .selectFrom('consent_changes')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', '=', await liveProfileId(db, workspaceId, profileId))
      .orderBy('seq', 'desc')
      .limit(MAX_HISTORY)
      .execute();
    return rows.reverse().flatMap((r) => {
      const state = stateOf(r.channel, r.status, r.source, r.proof, r.at);
      return state ? [{ ...state, at: state.updatedAt }] : [];
    });
  }

  /**
   * The send-time gate. A suppressed address refuses every message; marketing on a consent
   * channel also needs the person's `subscribed`; transactional messages, the inbox and
   * webhooks need no consent.
   */
  async mayReceive(
    m: SendCandidate,
    reads: SendCheckReads = this.directReads,
  ): Promise<SendDecision> {
    const address = this.normaliseAddress(m.channel, m.to);
    const suppressed = await reads.suppression(m.workspaceId, m.channel, address);
    if (suppressed) return { ok: false, reason: `suppressed: ${suppressed.reason}` };
    if (m.kind === 'transactional') return { ok: true };
    const channel = oneOf(consentChannels, m.channel);
    if (channel === undefined) return { ok: true };
    const refuse = (why: string) => ({
      ok: false as const,
      reason: `no ${channel} marketing consent (${why})`,
    });
    if (m.profileId === null) return refuse('no profile');
    // The recipient's record - or one still kept under an id merged into it, if that one stands
    // (ADR 0019 rule 8): a merge is honoured here from its commit, before consent is moved.
    const consent = await reads.standing(m.workspaceId, m.profileId, channel);
    if (consent === undefined) return refuse('never given');
    if (consent.status === 'subscribed') return { ok: true };
    if (consent.status === 'pending')
      return refuse(`awaiting confirmation since ${iso(consent.updated_at)}`);
    return refuse(`${consent.status} since ${iso(consent.updated_at)}`);
  }

  /**
   * consentStanding for many profiles of a workspace at once, per profile and channel (a
   * channel without a record is absent): what a journey pass reads for its batch.
   */
  standings(
    workspaceId: string,
    profileIds: readonly string[],
  ): Promise<Map<string, Map<string, ConsentStanding>>> {
    return consentStandings(this.#database.db, workspaceId, profileIds);
  }

  /**
   * A workspace's whole suppression list on one channel (address to reason) when it has at
   * most `max` entries, else null: a journey pass reads a short list once instead of asking
   * for each address it plans to send to.
   */
  suppressionList(
    workspaceId: string,
    channel: ChannelKind,
    max: number,
  ): Promise<Map<string, string> | null> {
    return shortSuppressionList(this.#database.db, workspaceId, channel, max);
  }

  /**
   * Adds an address to the suppression list; a second call for the same address keeps the
   * first entry. A complaint (spam report) on email also withdraws the email consent of every
   * profile holding that address.
   */
  async suppress(
    workspaceId: string,
    channel: ChannelKind,
    address: string,
    reason: SuppressionReason,
    detail: string | null,
    now: number,
  ): Promise<void> {
    if (!oneOf(suppressionReasons, reason)) throw new Error(`not a suppression reason`);
    const normalised = this.normaliseAddress(channel, address);
    if (normalised === '') throw new Error('cannot suppress an empty address');
    await this.#database.db
      .insertInto('suppressions')
      .values({
        workspace_id: workspaceId,
        channel,
        address: normalised,
        reason,
        detail: detail === null ? null : storable(detail, MAX_DETAIL),
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['workspace_id', 'channel', 'address']).doNothing())
      .execute();
    if (reason === 'complaint' && channel === 'email')
      await this.#withdrawEmailConsentOf(workspaceId, normalised, now);
  }

  async #withdrawEmailConsentOf(workspaceId: string, email: string, now: number): Promise<void> {
    const holders = await this.#database.db
      .selectFrom('identifiers')
      .select('profile_id')
      .where('workspace_id', '=', workspaceId)
      .where('kind', '=', 'email')
      .where('value', '=', email)
      .execute();
    for (const { profile_id: profileId } of holders) {
      const current = (await this.get(workspaceId, profileId)).find((s) => s.channel === 'email');
      if (current?.status === 'unsubscribed') continue;
      await this.update(
        workspaceId,
        profileId,
        { channel: 'email', status: 'unsubscribed', source: 'complaint' },
        now,
      );
    }
  }

  /** Removes an address from the suppression list; false when it was not on it. */
  async unsuppress(workspaceId: string, channel: ChannelKind, address: string): Promise<boolean> {
    const gone = await this.#database.db
      .deleteFrom('suppressions')
      .where('workspace_id', '=', workspaceId)
      .where('channel', '=', channel)
      .where('address', '=', this.normaliseAddress(channel, address))
      .executeTakeFirst();
    return Number(gone.numDeletedRows) > 0;
  }

  /** The suppression list, newest first; `cursor` is a previous page's `nextCursor`. */
  suppressions(
    workspaceId: string,
    page: { channel?: ChannelKind; limit: number; cursor?: string },
  ): Promise<Result<{ data: SuppressionView[]; nextCursor: string | null }>> {
    return suppressionPage(this.#database.db, workspaceId, page);
  }

  /**
   * The form addresses are compared in: an email trimmed and lower-cased; a phone (SMS,
   * WhatsApp) as `+` and its digits, an international `00` prefix dropped; others trimmed.
   */
  normaliseAddress(channel: ChannelKind, address: string): string {
    const trimmed = address.trim().slice(0, MAX_ADDRESS);
    if (channel === 'email') return trimmed.toLowerCase();
    if (channel === 'sms' || channel === 'whatsapp') {
      const digits = trimmed.replace(/\D/g, '');
      if (digits === '') return '';
      return `+${!trimmed.startsWith('+') && digits.startsWith('00') ? digits.slice(2) : digits}`;
    }
    return trimmed;
  }

  /** Erasure participant: the person's consents and their history go with the profile. */
  async eraseProfile(trx: Trx, person: { workspaceId: string; profileId: string }): Promise<void> {
    // Erasing orders alone calls participants with no profile.
    if (person.profileId === '') return;
    for (const table of ['consents', 'consent_changes'] as const) {
      await trx
        .deleteFrom(table)
        .where('workspace_id', '=', person.workspaceId)
        .where('profile_id', '=', person.profileId)
        .execute();
    }
  }
}

/**
 * Sets one consent and appends the change to its history, in the caller's transaction, which
 * has taken `lockConsentWrites` first (consent_changes rows become visible in `seq` order).
 * Acts on the profile `profileId` lives on now; returns that id. Announces nothing: the caller
 * decides.
 */
export async function recordConsentChange(
  trx: Trx,
  workspaceId: string,
  profileId: string,
  update: ConsentChangeInput,
  now: number,
): Promise<string> {
  // Under the lock: a merge the consent follower moves after this commits still sees the row.
  const live = await liveProfileId(trx, workspaceId, profileId);
  await writeConsentChange(trx, workspaceId, live, update, now);
  return live;
}

/** `recordConsentChange` for a profile id known to be the live one (no merge lookup). */
export async function writeConsentChange(
  trx: Trx,
  workspaceId: string,
  live: string,
  update: ConsentChangeInput,
  now: number,
): Promise<void> {
  if (!oneOf(consentChannels, update.channel)) throw new Error(`not a consent channel`);
  if (!oneOf(consentStatuses, update.status)) throw new Error(`not a consent status`);
  const proof = proofOf(update.proof ?? null);
  const row = {
    workspace_id: workspaceId,
    channel: update.channel,
    status: update.status,
    source: storable(update.source, 200),
    proof: proof === null ? null : JSON.stringify(proof),
    profile_id: live,
  };
  const written = await trx
    .insertInto('consents')
    .values({ ...row, updated_at: now })
    .onConflict((oc) =>
      oc
        .columns(['profile_id', 'channel'])
        .doUpdateSet({
          status: row.status,
          source: row.source,
          proof: row.proof,
          updated_at: now,
        })
        // Profile ids are unique across workspaces; this keeps a caller that mixed up
        // workspaces from overwriting another workspace's record.
        .where('consents.workspace_id', '=', workspaceId),
    )
    .executeTakeFirst();
  if (Number(written.numInsertedOrUpdatedRows ?? 0) === 0)
    throw new Error(`profile ${live} has consent records in another workspace`);
  await trx
    .insertInto('consent_changes')
    .values({ ...row, at: now })
    .execute();
}
