import { consentStatuses, type ConsentStatus } from '@comeback/contracts';
import { sql } from 'kysely';
import type { Database, Db, Trx } from '../../platform/db/database.js';
import { inMainFileTransaction } from '../../platform/db/main-file-transaction.js';
import { oneOf } from '../../platform/json.js';
import { lockConsentWrites, proofOf, storable } from './consent-records.js';

/**
 * Consent when identity resolution merges two profiles (ADR 0006, ADR 0019 rule 8).
 *
 * Merges are made by the processor in the derived state; consent is first-hand data in the main
 * file, which a processor batch on SQLite must not write (ADR 0015). So the merge's own record,
 * `profile_merges` (committed in the batch that merges), is what consent follows: the consent
 * follower walks it by id and moves the merged-away profile's consent to the survivor, and until
 * it has, the send-time gate and every consent read already look through the merge.
 *
 * A cursor over `profile_merges.id` passes no merge over: only processor batches insert merges,
 * one batch at a time (SQLite has one writer; on PostgreSQL batches hold the cursor row), so
 * ids become visible in order. AUTOINCREMENT / identity ids are never reused.
 */

/** The part of a consent row the merge rule reads. */
export interface ConsentChoice {
  status: string;
  updated_at: number;
}

/**
 * Most restrictive first: on equal times the opt-out wins, then a pending double opt-in, then a
 * subscription. A status this version does not know ranks with the opt-out (never a send).
 */
const RESTRICTIVENESS: Readonly<Record<ConsentStatus, number>> = {
  unsubscribed: 0,
  pending: 1,
  subscribed: 2,
};
const rank = (status: string) => {
  const known = oneOf(consentStatuses, status);
  return known === undefined ? 0 : RESTRICTIVENESS[known];
};

/**
 * Which of one person's two records for a channel stands once their profiles are one: the more
 * recent choice, by its time; on equal times (or no telling them apart) the more restrictive, so
 * a merge never turns an opt-out into an opt-in. Returns `kept` when it stands (also when both
 * say the same at the same time), else `other`. Order-independent in the status it yields.
 */
export function preferredConsent<T extends ConsentChoice>(kept: T, other: T): T {
  if (other.updated_at !== kept.updated_at)
    return other.updated_at > kept.updated_at ? other : kept;
  return rank(other.status) < rank(kept.status) ? other : kept;
}

/** The profile `profileId` lives on now: itself, or the survivor it was merged into. */
export async function liveProfileId(
  reader: Db | Trx,
  workspaceId: string,
  profileId: string,
): Promise<string> {
  // A merge re-points earlier merges into the loser, so one row names the final survivor.
  const row = await reader
    .selectFrom('profile_merges')
    .select('into_profile_id')
    .where('workspace_id', '=', workspaceId)
    .where('from_profile_id', '=', profileId)
    .executeTakeFirst();
  return row?.into_profile_id ?? profileId;
}

/**
 * The record that stands on one channel for the profile `profileId` lives on now (itself, or
 * the survivor it was merged into), counting the records still kept under the ids merged into
 * that one (the consent follower has not moved them yet): the send-time gate reads this, so a
 * merge is honoured from the moment it is committed.
 *
 * One statement: the gate asks it for every message, and a journey for every send step it
 * plans (three lookups each were a fifth of a send's reads). The live id is looked up inside
 * it, and the union's two halves each keep their own index on both engines (the merged-away
 * ids by `into_profile_id` alone; profile ids are unique across workspaces), as an `or`
 * would not.
 */
export async function consentStanding(
  reader: Db | Trx,
  workspaceId: string,
  profileId: string,
  channel: string,
): Promise<{ status: string; updated_at: number } | undefined> {
  const live = sql<string>`coalesce((select m.into_profile_id from profile_merges as m
    where m.workspace_id = ${workspaceId} and m.from_profile_id = ${profileId} limit 1),
    ${profileId})`;
  const { rows } = await sql<{ merged: number; status: string; updated_at: number }>`
    select 0 as merged, c.status, c.updated_at from consents as c
      where c.workspace_id = ${workspaceId} and c.channel = ${channel} and c.profile_id = ${live}
    union all
    select 1 as merged, c.status, c.updated_at from consents as c
      where c.workspace_id = ${workspaceId} and c.channel = ${channel} and c.profile_id in
        (select f.from_profile_id from profile_merges as f where f.into_profile_id = ${live})
    order by merged`.execute(reader);
  // The live profile's own record first: it stands on a full tie.
  return rows
    .map((r) => ({ status: r.status, updated_at: Number(r.updated_at) }))
    .reduce<{ status: string; updated_at: number } | undefined>(
      (kept, row) => (kept === undefined ? row : preferredConsent(kept, row)),
      undefined,
    );
}

/** Profile ids per query: well within both engines' limits on bound parameters. */
const IDS_PER_QUERY = 500;

/** The record that stands on one channel (consentStanding's answer). */
export type ConsentStanding = { status: string; updated_at: number };

/**
 * consentStanding for many profiles of one workspace at once, on every channel with a record:
 * per profile asked, per channel, the record that stands (a channel without one is absent).
 * The same rows as consentStanding reads for each profile, in a few queries for the lot: the
 * merges of the asked ids (their live ids), the live ids' own records, and the records still
 * kept under ids merged into a live id. A journey pass reads its batch's consent so.
 */
export async function consentStandings(
  reader: Db | Trx,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<Map<string, Map<string, ConsentStanding>>> {
  const asked = [...new Set(profileIds)];
  const liveOf = new Map<string, string>();
  for (const part of chunks(asked)) {
    const merges = await reader
      .selectFrom('profile_merges')
      .select(['from_profile_id', 'into_profile_id'])
      .where('workspace_id', '=', workspaceId)
      .where('from_profile_id', 'in', part)
      .execute();
    // consentStanding's `limit 1`: the first row names the survivor (there is one per id).
    for (const m of merges)
      if (!liveOf.has(m.from_profile_id)) liveOf.set(m.from_profile_id, m.into_profile_id);
  }
  const live = [...new Set(asked.map((id) => liveOf.get(id) ?? id))];
  // Per live id: its own records first (they stand on a full tie), then the merged-away ones'.
  const own = new Map<string, { channel: string; row: ConsentStanding }[]>();
  const merged = new Map<string, { channel: string; row: ConsentStanding }[]>();
  const push = (into: typeof own, id: string, channel: string, row: ConsentStanding) => {
    const list = into.get(id);
    if (list) list.push({ channel, row });
    else into.set(id, [{ channel, row }]);
  };
  const intoOf = new Map<string, string[]>();
  for (const part of chunks(live)) {
    for (const r of await recordsOf(reader, workspaceId, part))
      push(own, r.profileId, r.channel, r.row);
    const losers = await reader
      .selectFrom('profile_merges')
      .select(['from_profile_id', 'into_profile_id'])
      .where('into_profile_id', 'in', part)
      .execute();
    for (const m of losers) {
      const intos = intoOf.get(m.from_profile_id);
      if (intos) intos.push(m.into_profile_id);
      else intoOf.set(m.from_profile_id, [m.into_profile_id]);
    }
  }
  for (const part of chunks([...intoOf.keys()])) {
    for (const r of await recordsOf(reader, workspaceId, part))
      for (const into of new Set(intoOf.get(r.profileId))) push(merged, into, r.channel, r.row);
  }
  const out = new Map<string, Map<string, ConsentStanding>>();
  for (const id of asked) {
    const liveId = liveOf.get(id) ?? id;
    const standing = new Map<string, ConsentStanding>();
    for (const { channel, row } of [...(own.get(liveId) ?? []), ...(merged.get(liveId) ?? [])]) {
      const kept = standing.get(channel);
      standing.set(channel, kept === undefined ? row : preferredConsent(kept, row));
    }
    out.set(id, standing);
  }
  return out;
}

/** The consent records of some profiles of a workspace, on every channel. */
async function recordsOf(reader: Db | Trx, workspaceId: string, profileIds: string[]) {
  const rows = await reader
    .selectFrom('consents')
    .select(['profile_id', 'channel', 'status', 'updated_at'])
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', 'in', profileIds)
    .execute();
  return rows.map((r) => ({
    profileId: r.profile_id,
    channel: r.channel,
    row: { status: r.status, updated_at: Number(r.updated_at) },
  }));
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += IDS_PER_QUERY) out.push(items.slice(i, i + IDS_PER_QUERY));
  return out;
}

const CURSOR_KEY = 'consent-merge-cursor';
/** Merges taken per transaction: a first run over an old install's merges goes in steps. */
const MERGES_PER_TRANSACTION = 500;

interface MergeRow {
  workspace_id: string;
  from_profile_id: string;
  into_profile_id: string;
  merged_at: number;
}
type ConsentRow = Awaited<ReturnType<typeof loadConsents>>[number];

/**
 * Moves the consent of every profile merged away since the last call to the profile it lives on
 * now, with its history; returns how many survivor records changed. Each step is one transaction
 * that moves the consent of up to MERGES_PER_TRANSACTION merges and the cursor past them, so a
 * crash leaves either the whole step or none of it, and a step done again finds nothing left to
 * move. The cursor starts at 0: the first run also moves what merges made before this existed.
 */
export async function moveConsentOfMergedProfiles(database: Database): Promise<number> {
  let changed = 0;
  for (;;) {
    // Cheap when nothing was merged: no lock, no transaction.
    const waiting = await database.db
      .selectFrom('profile_merges')
      .select('id')
      .where('id', '>', await readCursor(database.db))
      .limit(1)
      .executeTakeFirst();
    if (waiting === undefined) return changed;
    // Consent and its cursor live in the main file: no lock on the derived file (database.ts).
    const step = await inMainFileTransaction(database, async (trx) => {
      // First: on PostgreSQL this orders our history rows with every other consent write and
      // makes concurrent followers (one per worker process) take turns over the cursor.
      await lockConsentWrites(trx, database.dialect);
      const merges = await trx
        .selectFrom('profile_merges')
        .select(['id', 'workspace_id', 'from_profile_id', 'into_profile_id', 'merged_at'])
        .where('id', '>', await readCursor(trx))
        .orderBy('id')
        .limit(MERGES_PER_TRANSACTION)
        .execute();
      const last = merges.at(-1);
      if (last === undefined) return { moved: 0, more: false };
      const losers = await loadConsents(
        trx,
        merges.map((m) => m.from_profile_id),
      );
      let moved = 0;
      for (const merge of merges) {
        const theirs = losers.filter(
          (r) => r.profile_id === merge.from_profile_id && r.workspace_id === merge.workspace_id,
        );
        if (theirs.length) moved += await moveConsent(trx, merge, theirs);
      }
      const position = String(last.id);
      await trx
        .insertInto('settings')
        .values({ key: CURSOR_KEY, value: position })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: position }))
        .execute();
      return { moved, more: merges.length === MERGES_PER_TRANSACTION };
    });
    changed += step.moved;
    if (!step.more) return changed;
  }
}

async function readCursor(reader: Db | Trx): Promise<number> {
  const row = await reader
    .selectFrom('settings')
    .select('value')
    .where('key', '=', CURSOR_KEY)
    .executeTakeFirst();
  return Number(row?.value ?? 0);
}

function loadConsents(trx: Trx, profileIds: string[]) {
  return trx
    .selectFrom('consents')
    .selectAll()
    .where('profile_id', 'in', [...new Set(profileIds)])
    .orderBy('profile_id')
    .orderBy('channel')
    .execute();
}

/**
 * One merge: each of the loser's records that stands against the survivor's (or meets none)
 * becomes the survivor's, with the time, source and proof of the choice, and a history row for
 * the survivor (`merge: <source>`) - the row live segments follow, like any consent change; the
 * loser's history moves with the person (the proof of each choice goes where they are); the
 * loser's records go.
 */
async function moveConsent(trx: Trx, merge: MergeRow, theirs: ConsentRow[]): Promise<number> {
  const workspaceId = merge.workspace_id;
  const survivorId = merge.into_profile_id;
  const ours = await trx
    .selectFrom('consents')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', survivorId)
    .execute();
  let changed = 0;
  for (const record of theirs) {
    const current = ours.find((r) => r.channel === record.channel);
    if (current !== undefined && preferredConsent(current, record) === current) continue;
    const proof = proofOf(record.proof);
    const values = {
      status: record.status,
      source: record.source,
      proof: proof === null ? null : JSON.stringify(proof),
      updated_at: record.updated_at,
    };
    const written = await trx
      .insertInto('consents')
      .values({
        workspace_id: workspaceId,
        profile_id: survivorId,
        channel: record.channel,
        ...values,
      })
      .onConflict((oc) =>
        oc
          .columns(['profile_id', 'channel'])
          .doUpdateSet(values)
          .where('consents.workspace_id', '=', workspaceId),
      )
      .executeTakeFirst();
    if (Number(written.numInsertedOrUpdatedRows ?? 0) === 0)
      throw new Error(`profile ${survivorId} has consent records in another workspace`);
    await trx
      .insertInto('consent_changes')
      .values({
        workspace_id: workspaceId,
        profile_id: survivorId,
        channel: record.channel,
        status: record.status,
        source: storable(`merge: ${record.source}`, 200),
        proof: JSON.stringify({
          text: `from profile ${merge.from_profile_id}, merged into this one`,
        }),
        // When the survivor took the status over: the merge, or a later write under the old id.
        at: Math.max(merge.merged_at, record.updated_at),
      })
      .execute();
    changed++;
  }
  await trx
    .updateTable('consent_changes')
    .set({ profile_id: survivorId })
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', merge.from_profile_id)
    .execute();
  await trx
    .deleteFrom('consents')
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', merge.from_profile_id)
    .execute();
  return changed;
}
