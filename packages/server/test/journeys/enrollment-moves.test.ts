/**
 * A pass moves its batch's enrollments in a few statements (`moveEnrollments`), each row under
 * its own guard, on both engines: an enrollment another pass moved (its visit), one an event
 * signalled (its signal), and one a goal ended are left exactly as they were and not answered;
 * the others take every column of their move, and keep their last message when the move has
 * none.
 */
import { journeyDefinitionSchema } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JourneyService, storedJourneyReferences } from '../../src/modules/journeys/index.js';
import { moveEnrollments } from '../../src/modules/journeys/enrollment-moves.js';
import { stateOf, type EnrollmentMove } from '../../src/modules/journeys/enrollment-store.js';
import { ManualClock } from '../../src/platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const W = 'w_moves';
const JOURNEY = {
  name: 'Moves',
  trigger: { type: 'event', event: 'Moves Entered' },
  start: 'pause',
  steps: [
    { id: 'pause', type: 'wait', duration: { amount: 1, unit: 'days' }, next: 'done' },
    { id: 'done', type: 'exit' },
  ],
};
const IDS = ['enr_a', 'enr_b', 'enr_c', 'enr_d', 'enr_e', 'enr_f'];

describe.each(engines)('guarded batch moves (%s)', (engine) => {
  let test: TestDatabase;
  let database: Database;
  let journeyId = '';

  beforeAll(async () => {
    test = await freshDatabase(engine);
    database = openDatabase(test.url);
    await migrateToLatest(database);
    const db = database.db;
    await db
      .insertInto('workspaces')
      .values({ id: W, name: 'Moves shop', currency: 'EUR', created_at: 0 })
      .execute();
    const journeys = new JourneyService(database, new ManualClock(T0), storedJourneyReferences(db));
    const created = await journeys.create(W, journeyDefinitionSchema.parse(JOURNEY));
    if (!created.ok) throw new Error(created.error.message);
    journeyId = created.value.id;
    for (const [i, id] of IDS.entries())
      await db
        .insertInto('journey_enrollments')
        .values({
          id,
          workspace_id: W,
          journey_id: journeyId,
          version: 1,
          profile_id: `prof_${i}`,
          entry_key: `event:${id}`,
          status: 'active',
          node: 'pause',
          visit: 2,
          context: JSON.stringify({ trigger: { type: 'event' } }),
          due_at: T0,
          lease_until: T0 + 5,
          armed_node: 'pause',
          armed_since: T0 - 10,
          waiting_event: null,
          signal_seq: 3,
          signal: null,
          holdout: 0,
          entered_at: T0 - 100,
          updated_at: T0 - 100,
          ended_at: null,
          end_reason: null,
          last_message_id: 'msg_before',
          last_message_at: T0 - 50,
          converted_at: null,
          revenue: null,
        })
        .execute();
  });
  afterAll(async () => {
    await database.close();
    await test.drop();
  });

  const rowsOf = async () =>
    database.db
      .selectFrom('journey_enrollments')
      .selectAll()
      .where('workspace_id', '=', W)
      .orderBy('id')
      .execute();

  it('moves the rows whose guard holds, and only those', async () => {
    const db = database.db;
    const read = (await rowsOf()).map(stateOf);
    // Meanwhile: another pass moved b, an event signalled c, a goal ended d.
    await db
      .updateTable('journey_enrollments')
      .set({ visit: 3 })
      .where('id', '=', 'enr_b')
      .execute();
    await db
      .updateTable('journey_enrollments')
      .set({ signal_seq: 4 })
      .where('id', '=', 'enr_c')
      .execute();
    await db
      .updateTable('journey_enrollments')
      .set({ status: 'completed', due_at: null })
      .where('id', '=', 'enr_d')
      .execute();
    const before = await rowsOf();
    const now = T0 + 1000;
    const onward = (m: Partial<EnrollmentMove>): EnrollmentMove => ({
      node: 'done',
      visit: 3,
      dueAt: null,
      armedNode: null,
      armedSince: null,
      waitingEvent: null,
      status: 'active',
      endReason: null,
      holdout: false,
      lastMessage: null,
      ...m,
    });
    const moves = read.map((enrollment) => ({
      enrollment,
      move:
        enrollment.id === 'enr_a'
          ? onward({ node: null, visit: 4, status: 'completed', endReason: 'finished' })
          : enrollment.id === 'enr_e'
            ? onward({
                dueAt: now + 60_000,
                armedNode: 'done',
                armedSince: now,
                waitingEvent: 'Order Completed',
                holdout: true,
                lastMessage: { id: 'msg_new', at: now },
              })
            : onward({}),
    }));
    const moved = await db
      .transaction()
      .execute((trx) => moveEnrollments(database, trx, moves, now));
    expect([...moved].sort()).toEqual(['enr_a', 'enr_e', 'enr_f']);
    const after = await rowsOf();
    const byId = new Map(after.map((r) => [r.id, r]));
    for (const id of ['enr_b', 'enr_c', 'enr_d'])
      expect(byId.get(id)).toEqual(before.find((r) => r.id === id));
    const plain = (r: (typeof after)[number] | undefined) => ({
      status: r?.status,
      node: r?.node,
      visit: Number(r?.visit),
      due_at: r?.due_at === null ? null : Number(r?.due_at),
      armed_node: r?.armed_node,
      armed_since: r?.armed_since === null ? null : Number(r?.armed_since),
      waiting_event: r?.waiting_event,
      end_reason: r?.end_reason,
      ended_at: r?.ended_at === null ? null : Number(r?.ended_at),
      holdout: Number(r?.holdout),
      signal: r?.signal,
      lease_until: r?.lease_until,
      updated_at: Number(r?.updated_at),
      last_message_id: r?.last_message_id,
      last_message_at: Number(r?.last_message_at),
    });
    const common = { signal: null, lease_until: null, updated_at: now };
    expect(plain(byId.get('enr_a'))).toEqual({
      ...common,
      status: 'completed',
      node: null,
      visit: 4,
      due_at: null,
      armed_node: null,
      armed_since: null,
      waiting_event: null,
      end_reason: 'finished',
      ended_at: now,
      holdout: 0,
      last_message_id: 'msg_before',
      last_message_at: T0 - 50,
    });
    expect(plain(byId.get('enr_e'))).toEqual({
      ...common,
      status: 'active',
      node: 'done',
      visit: 3,
      due_at: now + 60_000,
      armed_node: 'done',
      armed_since: now,
      waiting_event: 'Order Completed',
      end_reason: null,
      ended_at: null,
      holdout: 1,
      last_message_id: 'msg_new',
      last_message_at: now,
    });
    expect(plain(byId.get('enr_f'))).toMatchObject({ node: 'done', visit: 3, due_at: null });
    // Moved again from the same reads: every guard now fails, nothing changes.
    const again = await db
      .transaction()
      .execute((trx) => moveEnrollments(database, trx, moves, now + 1));
    expect(again.size).toBe(0);
    expect(await rowsOf()).toEqual(after);
  });
});
