/**
 * A pass reads its batch's budget history at once (pass-reads.ts): inside a read scope, after
 * the prefetch, every send step's question gets what countedSendTimes answers from the
 * database - per profile and channel, counted statuses and marketing only, sent or still due
 * since the instant asked - and a question from before the instant read falls back to the
 * database. On both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countedSendTimes } from '../../src/modules/journeys/budget-guard.js';
import { JourneySettingsStore } from '../../src/modules/journeys/index.js';
import { passBudgetReads } from '../../src/modules/journeys/pass-reads.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { withReadScope } from '../../src/platform/read-scope.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const HOUR = 3_600_000;
const W = 'w_budget_reads';
const PROFILES = ['prof_a', 'prof_b', 'prof_c'];
const STATUSES = ['queued', 'sending', 'sent', 'delivered', 'failed', 'suppressed'];

describe.each(engines)('a pass’s budget history (%s)', (engine) => {
  let test: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    test = await freshDatabase(engine);
    database = openDatabase(test.url);
    await migrateToLatest(database);
    const db = database.db;
    await db
      .insertInto('workspaces')
      .values({ id: W, name: 'Budget shop', currency: 'EUR', created_at: 0 })
      .execute();
    let n = 0;
    for (const profile of PROFILES)
      for (const channel of ['email', 'sms'])
        for (const status of STATUSES)
          for (const kind of ['marketing', 'transactional'])
            for (const hoursAgo of [-5, 1, 20, 30, 200]) {
              n += 1;
              const at = T0 - hoursAgo * HOUR;
              const sent = status === 'sent' || status === 'delivered';
              await db
                .insertInto('messages')
                .values({
                  id: `msg_${String(n).padStart(6, '0')}`,
                  workspace_id: W,
                  profile_id: profile,
                  channel,
                  kind,
                  template_id: null,
                  template_version: null,
                  language: null,
                  dedupe_key: `k${n}`,
                  to_address: 'x@example.com',
                  subject: null,
                  extra: null,
                  status,
                  attempts: 0,
                  next_attempt_at: sent ? at - HOUR : at,
                  created_at: at - 2 * HOUR,
                  updated_at: at,
                  sent_at: sent ? at : null,
                })
                .execute();
            }
    await new JourneySettingsStore(db, () => 0).put(W, {
      budget: {
        email: [{ max: 2, within: { amount: 1, unit: 'days' } }],
        sms: [{ max: 1, within: { amount: 2, unit: 'days' } }],
      },
      quietHours: null,
      timezone: 'UTC',
    });
  });
  afterAll(async () => {
    await database.close();
    await test.drop();
  });

  it('answers each question as the database does', async () => {
    const settings = new JourneySettingsStore(database.db, () => 0);
    const reads = passBudgetReads(database, settings);
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const questions = PROFILES.flatMap((p) =>
      (['email', 'sms'] as const).flatMap((c) =>
        [T0 - 48 * HOUR, T0 - 24 * HOUR, T0 - 10 * HOUR, T0 - 72 * HOUR].map((since) => ({
          p,
          c,
          since,
        })),
      ),
    );
    const fresh = [];
    for (const q of questions)
      fresh.push(sorted(await countedSendTimes(database.db, W, q.p, q.c, q.since)));
    const scoped = await withReadScope(async () => {
      await reads.prefetch(W, PROFILES, T0);
      const out = [];
      for (const q of questions) out.push(sorted(await reads.history(W, q.p, q.c, q.since)));
      return out;
    });
    expect(scoped).toEqual(fresh);
    // Something is counted, and not everything: the question discriminates.
    expect(fresh.some((xs) => xs.length > 0)).toBe(true);
    expect(fresh.every((xs) => xs.length < STATUSES.length * 10)).toBe(true);
  });
});
