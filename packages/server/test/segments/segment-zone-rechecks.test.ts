/**
 * requestZoneRechecks (a change of the workspace's zone), on both engines: it asks nothing when
 * no segment of the workspace reads the profile's zone (another workspace's does not count),
 * and otherwise asks, in one statement, for exactly the workspace's profiles without a zone of
 * their own, with the cause; a rollback of the change's transaction takes the requests with it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requestZoneRechecks } from '../../src/modules/segments/index.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';

const W = 'w_zone';
const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

function profile(id: string, workspace: string, timeZone: string | null) {
  return {
    id,
    workspace_id: workspace,
    created_at: T0,
    updated_at: T0,
    traits: '{}',
    trait_times: '{}',
    order_count: 0,
    total_spent: 0,
    refunded_total: 0,
    first_order_at: null,
    last_order_at: null,
    last_seen_at: T0,
    last_product_viewed: null,
    last_product_viewed_at: null,
    categories_bought: '[]',
    products_bought: '[]',
    recreated_after_erasure: 0,
    time_zone: timeZone,
  };
}

function segment(id: string, workspace: string, condition: unknown) {
  return {
    id,
    workspace_id: workspace,
    name: id,
    description: null,
    definition: JSON.stringify(condition),
    version: 1,
    created_at: T0,
    updated_at: T0,
  };
}

const birthdayToday = (zone: 'profile' | 'utc') => ({
  type: 'field',
  field: 'traits.birthday',
  operator: 'anniversary_within',
  amount: 1,
  unit: 'days',
  zone,
});

describe.each(engines)('zone re-check requests on %s', (engine) => {
  let test: TestDatabase;
  let database: Database;

  beforeEach(async () => {
    test = await freshDatabase(engine);
    database = openDatabase(test.url);
    await migrateToLatest(database);
    await database.db
      .insertInto('workspaces')
      .values([
        { id: W, name: 'Zone', currency: 'EUR', created_at: 0 },
        { id: 'w_other', name: 'Other', currency: 'EUR', created_at: 0 },
      ])
      .execute();
    await database.db
      .insertInto('profiles')
      .values([
        profile('prof_placed_1', W, null),
        profile('prof_placed_2', W, null),
        profile('prof_own_zone', W, 'Asia/Jerusalem'),
        profile('prof_other', 'w_other', null),
      ])
      .execute();
  });
  afterEach(async () => {
    await database.close();
    await test.drop();
  });

  const ask = () =>
    database.db
      .transaction()
      .execute((trx) => requestZoneRechecks(trx, W, 'time zone: the workspace changed'));
  const requests = () =>
    database.db
      .selectFrom('segment_recheck_requests')
      .select(['workspace_id', 'profile_id', 'cause'])
      .orderBy('profile_id')
      .execute();

  it('asks nothing when no segment of the workspace reads the profile’s zone', async () => {
    await database.db
      .insertInto('segments')
      .values([
        segment('seg_utc', W, birthdayToday('utc')),
        segment('seg_elsewhere', 'w_other', birthdayToday('profile')),
      ])
      .execute();
    expect(await ask()).toBe(0);
    expect(await requests()).toEqual([]);
  });

  it('asks for the profiles the workspace’s zone places, however deep the zoned date sits', async () => {
    await database.db
      .insertInto('segments')
      .values(
        segment('seg_nested', W, {
          type: 'and',
          conditions: [
            { type: 'field', field: 'computed.order_count', operator: 'gte', value: 1 },
            { type: 'not', condition: birthdayToday('profile') },
          ],
        }),
      )
      .execute();
    expect(await ask()).toBe(2);
    expect(await requests()).toEqual([
      { workspace_id: W, profile_id: 'prof_placed_1', cause: 'time zone: the workspace changed' },
      { workspace_id: W, profile_id: 'prof_placed_2', cause: 'time zone: the workspace changed' },
    ]);
    // Asked inside the caller's transaction: a rollback leaves no request behind.
    await database.db.deleteFrom('segment_recheck_requests').execute();
    await expect(
      database.db.transaction().execute(async (trx) => {
        await requestZoneRechecks(trx, W, 'rolled back');
        throw new Error('the settings write failed');
      }),
    ).rejects.toThrow('the settings write failed');
    expect(await requests()).toEqual([]);
  });
});
