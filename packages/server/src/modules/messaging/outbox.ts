import { randomBytes } from 'node:crypto';
import { sql, type UpdateObject } from 'kysely';
import type { ChannelKind, MessageStatus } from '@comeback/contracts';
import type { Database, Db, Trx } from '../../platform/db/database.js';
import type { Schema } from '../../platform/db/schema.js';
import { readJsonObject } from '../../platform/json.js';
import {
  findByProvider,
  iso,
  listMessages,
  messageContents,
  messageDetail,
  narrowChannel,
  narrowKind,
  sentAtOf,
  type MessageDetail,
  type MessageFilter,
  type MessageKind,
} from './outbox-reads.js';
import { checkDedupeKey, insertQueued, queuedRow } from './outbox-enqueue.js';
import { recordSentMany } from './outbox-marks.js';

export type { MessageDetail, MessageFilter, MessageKind } from './outbox-reads.js';

/** A rendered message to send; whatever decided to send it derives `dedupeKey`. */
export interface NewMessage {
  /** Chosen by the caller before rendering (tracking links carry it); `msg_` + 24 hex digits. */
  id?: string;
  workspaceId: string;
  profileId: string | null;
  channel: ChannelKind;
  kind: MessageKind;
  templateId: string | null;
  templateVersion: number | null;
  language: string | null;
  dedupeKey: string;
  to: string;
  subject: string | null;
  html: string | null;
  text: string;
  extra?: Record<string, unknown>;
  /** Not before this instant (epoch ms); now when absent. */
  sendAt?: number;
}

/** A message leased to one sender until its lease expires. */
export interface ClaimedMessage {
  id: string;
  workspaceId: string;
  profileId: string | null;
  channel: ChannelKind;
  kind: MessageKind;
  to: string;
  subject: string | null;
  html: string | null;
  text: string;
  extra: Record<string, unknown>;
  /** Provider calls begun so far (before this claim's). */
  attempts: number;
  /** It was 'sending' when its sender's lease ran out: that sender died mid-call. */
  resumed: boolean;
  lockedBy: string;
}

const MAX_DETAIL = 2000;
export const newMessageId = (): string => `msg_${randomBytes(12).toString('hex')}`;
const clip = (s: string) => (s.length > MAX_DETAIL ? s.slice(0, MAX_DETAIL) : s);

/**
 * The outbox and send log: every message is a row from 'queued' to its last status, each
 * change recorded. Senders lease due messages (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so many
 * senders never block each other; SQLite: its single writer makes the claiming UPDATE atomic)
 * and only the lease holder may move a message on. A message is 'sending' before the provider
 * call and 'sent' after it, so a sender that dies in between leaves a 'sending' row whose lease
 * expires: it is sent again with the same id (and Message-ID), for the receiver to recognise.
 */
export class Outbox {
  readonly #database: Database;
  constructor(database: Database) {
    this.#database = database;
  }

  /** Queues `m` once per (workspace, dedupeKey); a second enqueue returns the first's id. */
  async enqueue(
    m: NewMessage,
    now: number,
    trx?: Trx | Db,
  ): Promise<{ id: string; created: boolean }> {
    checkDedupeKey(m);
    const run = async (db: Trx | Db) => {
      const id = m.id ?? newMessageId();
      const inserted = await db
        .insertInto('messages')
        .values(queuedRow(m, id, now))
        .onConflict((oc) => oc.columns(['workspace_id', 'dedupe_key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) {
        await db
          .insertInto('message_contents')
          .values({ message_id: id, html: m.html, body_text: m.text })
          .execute();
        await this.#recordChange(db, id, 'queued', null, now);
        return { id, created: true };
      }
      const existing = await db
        .selectFrom('messages')
        .select('id')
        .where('workspace_id', '=', m.workspaceId)
        .where('dedupe_key', '=', m.dedupeKey)
        .executeTakeFirstOrThrow();
      return { id: existing.id, created: false };
    };
    const db = trx ?? this.#database.db;
    return db.isTransaction ? run(db) : db.transaction().execute(run);
  }

  /**
   * `enqueue` for many messages inside the caller's transaction, a few statements for the lot
   * (a journey pass's messages; see insertQueued). Returns how many were queued now.
   */
  async enqueueMany(messages: readonly NewMessage[], now: number, trx: Trx): Promise<number> {
    const withIds = messages.map((m) => ({ ...m, id: m.id ?? newMessageId() }));
    return (await insertQueued(trx, withIds, now)).length;
  }

  /**
   * Leases up to `limit` messages to `workerId` until `now + leaseMs`: queued ones due by now,
   * and 'sending' ones whose sender's lease expired (that sender died mid-call).
   */
  async claimDue(
    now: number,
    workerId: string,
    limit: number,
    leaseMs: number,
  ): Promise<ClaimedMessage[]> {
    const due = this.#database.db
      .selectFrom('messages')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([
            eb('status', '=', 'queued'),
            eb('next_attempt_at', '<=', now),
            eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]),
          ]),
          eb.and([eb('status', '=', 'sending'), eb('locked_until', '<', now)]),
        ]),
      )
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(limit);
    const lockedDue = this.#database.dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
    const rows = await this.#database.db
      .updateTable('messages')
      .set({ locked_by: workerId, locked_until: now + leaseMs, updated_at: now })
      .where('id', 'in', lockedDue)
      .returning([
        'id',
        'workspace_id',
        'profile_id',
        'channel',
        'kind',
        'to_address',
        'subject',
        'extra',
        'attempts',
        'status',
        'next_attempt_at',
      ])
      .execute();
    // Read after the claim's commit, so the write lock is not held while bodies are read. A
    // body goes only with its message (erasure's cascade): a claimed message whose body is
    // gone was erased meanwhile and is not handed out.
    const contents = await messageContents(
      this.#database.db,
      rows.map((r) => r.id),
    );
    return rows
      .sort((a, b) => a.next_attempt_at - b.next_attempt_at || (a.id < b.id ? -1 : 1))
      .flatMap((r) => {
        const content = contents.get(r.id);
        return content ? [{ ...r, ...content }] : [];
      })
      .map((r) => ({
        id: r.id,
        workspaceId: r.workspace_id,
        profileId: r.profile_id,
        channel: narrowChannel(r.channel),
        kind: narrowKind(r.kind),
        to: r.to_address,
        subject: r.subject,
        html: r.html,
        text: r.text,
        extra: readJsonObject(r.extra),
        attempts: Number(r.attempts),
        resumed: r.status === 'sending',
        lockedBy: workerId,
      }));
  }

  /**
   * Marks the message 'sending' (one more attempt), committed before the provider is called.
   * False when `workerId` no longer holds the lease: then it must not send.
   */
  markSending(id: string, workerId: string, now: number): Promise<boolean> {
    return this.#move(id, workerId, 'sending', null, now, {
      status: 'sending',
      attempts: sql<number>`attempts + 1`,
    });
  }

  markSent(id: string, workerId: string, providerMessageId: string, now: number) {
    return this.#move(id, workerId, 'sent', null, now, {
      status: 'sent',
      provider_message_id: providerMessageId,
      sent_at: now,
      last_error: null,
      locked_by: null,
      locked_until: null,
    });
  }

  /**
   * Record-only channels (the local outbox): 'sending' and 'sent' at once, for many messages in
   * one transaction (no provider call to wait for, and nothing happens outside the database
   * between the two, so a claimed batch needs one commit, not one each; the status history is
   * the same). Returns the ids this worker still held and recorded.
   */
  markRecordedMany(
    recorded: readonly { id: string; providerMessageId: string }[],
    workerId: string,
    now: number,
  ): Promise<Set<string>> {
    if (recorded.length === 0) return Promise.resolve(new Set());
    return this.#database.db
      .transaction()
      .execute((trx) => recordSentMany(trx, recorded, workerId, now));
  }

  /** Back to 'queued' until `at`, keeping `reason` as the last error. */
  markRetry(id: string, workerId: string, reason: string, at: number, now: number) {
    return this.#move(id, workerId, 'queued', `retry at ${iso(at)}: ${reason}`, now, {
      status: 'queued',
      next_attempt_at: at,
      last_error: clip(reason),
      locked_by: null,
      locked_until: null,
    });
  }

  markFailed(
    id: string,
    workerId: string,
    status: 'failed' | 'suppressed',
    reason: string,
    now: number,
  ) {
    return this.#move(id, workerId, status, reason, now, {
      status,
      last_error: clip(reason),
      locked_by: null,
      locked_until: null,
    });
  }

  /** Provider feedback after sending (a delivery receipt, a bounce, a complaint). */
  async recordStatus(
    workspaceId: string,
    id: string,
    status: 'delivered' | 'bounced' | 'complained',
    detail: string | null,
    now: number,
  ): Promise<boolean> {
    return this.#database.db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('messages')
        .set({
          status,
          updated_at: now,
          ...(status === 'delivered' ? {} : { last_error: detail === null ? null : clip(detail) }),
        })
        .where('id', '=', id)
        .where('workspace_id', '=', workspaceId)
        .where('status', 'in', ['sent', 'delivered', 'bounced', 'complained'])
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return false;
      await this.#recordChange(trx, id, status, detail, now);
      return true;
    });
  }

  /** A workspace's messages, newest first (a cursor it did not hand out: validation_failed). */
  list(workspaceId: string, filter: MessageFilter) {
    return listMessages(this.#database.db, workspaceId, filter);
  }

  /** One message with its rendered content and every status change. */
  get(workspaceId: string, id: string): Promise<MessageDetail | null> {
    return messageDetail(this.#database.db, workspaceId, id);
  }

  /** The message a provider's id (a wamid, a Twilio sid) was recorded for. */
  findByProvider(providerMessageId: string, workspaceId?: string) {
    return findByProvider(this.#database.db, providerMessageId, workspaceId);
  }

  /** When a message was sent (null: not sent, or not this workspace's): for click timing. */
  sentAt(workspaceId: string, id: string): Promise<number | null> {
    return sentAtOf(this.#database.db, workspaceId, id);
  }

  /** Erasure participant: the person's messages (their bodies and histories by cascade) go. */
  async eraseProfile(trx: Trx, person: { workspaceId: string; profileId: string }) {
    await trx
      .deleteFrom('messages')
      .where('workspace_id', '=', person.workspaceId)
      .where('profile_id', '=', person.profileId)
      .execute();
  }

  /** One guarded status move and its history line, in one transaction. */
  #move(
    id: string,
    workerId: string,
    status: MessageStatus,
    detail: string | null,
    now: number,
    set: UpdateObject<Schema, 'messages'>,
  ): Promise<boolean> {
    return this.#database.db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('messages')
        .set({ ...set, updated_at: now })
        .where('id', '=', id)
        .where('locked_by', '=', workerId)
        .where('status', 'in', ['queued', 'sending'])
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return false;
      await this.#recordChange(trx, id, status, detail, now);
      return true;
    });
  }

  async #recordChange(
    db: Trx | Db,
    messageId: string,
    status: MessageStatus,
    detail: string | null,
    now: number,
  ): Promise<void> {
    await db
      .insertInto('message_status_changes')
      .values({
        message_id: messageId,
        status,
        at: now,
        detail: detail === null ? null : clip(detail),
      })
      .execute();
  }
}
