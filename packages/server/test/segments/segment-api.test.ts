/**
 * Segments through the admin API on both engines: a small store built with tracking calls
 * (segment-api-world.ts) where who belongs to what is known by hand; every recipe saved and
 * evaluated; CRUD, refusals with their JSON paths, paging, CSV, preview, the fields list, the
 * profile detail's segments.
 */
import {
  segmentDefinitionJsonSchema,
  segmentRecipes,
  type ErrorEnvelope,
  type Profile,
  type Segment,
  type SegmentCondition,
} from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { engines } from '../support/engines.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import {
  LAUNCHED,
  NOW,
  buildWorld,
  expectedRecipeMembers,
  segmentApi,
  type Member,
  type MemberPage,
} from './segment-api-world.js';

const heavyLenses: SegmentCondition = {
  type: 'field',
  field: 'traits.lens_power',
  operator: 'lt',
  value: -2,
};

describe.each(engines)('segments API on %s', (engine) => {
  let t: TestServer;
  let ids = new Map<string, string>();
  const clock = new ManualClock(NOW);
  /** profile id -> userId */
  const userOf = (profileId: string) =>
    [...ids].find(([, id]) => id === profileId)?.[0] ?? `?${profileId}`;
  const idsOf = (users: string[]) => users.map((u) => ids.get(u) ?? `?${u}`).sort();

  const { call, create, refusal, allMembers } = segmentApi(() => t);

  beforeAll(async () => {
    t = await startTestServer(engine, { clock });
    ids = await buildWorld(t);
  });
  afterAll(async () => t?.stop());

  it('saves every recipe and finds exactly who it describes', async () => {
    const listed = await call<{ data: unknown[] }>('/api/v1/segments/recipes');
    expect(listed.body.data).toEqual(segmentRecipes);
    expect(Object.keys(expectedRecipeMembers).sort()).toEqual(
      segmentRecipes.map((r) => r.id).sort(),
    );
    const got: Record<string, string[]> = {};
    for (const recipe of segmentRecipes) {
      const condition = JSON.parse(
        JSON.stringify(recipe.condition).replaceAll('LAUNCHED-PRODUCT-ID', LAUNCHED),
      ) as SegmentCondition;
      const saved = await create(recipe.name, condition, recipe.description);
      expect(saved.status, `${recipe.id}: ${JSON.stringify(saved.body)}`).toBe(201);
      const counted = await call<{ count: number; at: string }>(
        `/api/v1/segments/${saved.body.id}/count`,
      );
      expect(counted.body.at).toBe(new Date(NOW).toISOString());
      const members = (await allMembers(saved.body.id, 100)).flat();
      expect(counted.body.count, recipe.id).toBe(members.length);
      got[recipe.id] = members.map(userOf).sort();
    }
    expect(got).toEqual(expectedRecipeMembers);
  });

  it('creates, reads, lists and updates with a version bump; names are unique', async () => {
    const created = await create('Heavy lenses', heavyLenses, 'Sphere power under -2');
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^seg_[0-9a-f]{20}$/),
      name: 'Heavy lenses',
      description: 'Sphere power under -2',
      condition: heavyLenses,
      version: 1,
      createdAt: new Date(NOW).toISOString(),
      updatedAt: new Date(NOW).toISOString(),
    });
    const id = created.body.id;
    expect((await call<Segment>(`/api/v1/segments/${id}`)).body).toEqual(created.body);
    const listed = await call<{ data: Segment[] }>('/api/v1/segments');
    expect(listed.body.data.find((s) => s.id === id)).toEqual(created.body);

    const duplicate = await refusal(
      '/api/v1/segments',
      {
        method: 'POST',
        body: { name: 'Heavy lenses', condition: heavyLenses },
      },
      409,
    );
    expect(duplicate.details).toEqual([
      { field: 'name', message: 'already used by another segment of this workspace' },
    ]);

    clock.advance(60_000);
    const stronger = { ...heavyLenses, value: -3.5 };
    const updated = await call<Segment>(`/api/v1/segments/${id}`, {
      method: 'PUT',
      body: { name: 'Very heavy lenses', condition: stronger },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({
      id,
      name: 'Very heavy lenses',
      condition: stronger,
      version: 2,
      createdAt: new Date(NOW).toISOString(),
      updatedAt: new Date(NOW + 60_000).toISOString(),
    });
    const counted = await call<{ count: number }>(`/api/v1/segments/${id}/count`);
    expect(counted.body.count).toBe(1); // cy, -4
    // Renaming onto another segment's name is refused; nothing changes.
    const other = await create('Lens wearers', {
      type: 'field',
      field: 'traits.lens_power',
      operator: 'exists',
    });
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    await refusal(
      `/api/v1/segments/${other.body.id}`,
      {
        method: 'PUT',
        body: { name: 'Very heavy lenses', condition: heavyLenses },
      },
      409,
    );
    expect((await call<Segment>(`/api/v1/segments/${other.body.id}`)).body.version).toBe(1);
  });

  it('refuses bad definitions with the JSON path of each fault, and saves nothing', async () => {
    const before = (await call<{ data: Segment[] }>('/api/v1/segments')).body.data.length;
    const post = (condition: unknown) =>
      refusal('/api/v1/segments', { method: 'POST', body: { name: 'Bad', condition } }, 400);
    const fields = (e: ErrorEnvelope['error']) => e.details.map((d) => d.field);
    const ok: SegmentCondition = {
      type: 'field',
      field: 'computed.order_count',
      operator: 'gte',
      value: 1,
    };

    const unknownField = await post({
      type: 'and',
      conditions: [ok, { type: 'field', field: 'computed.nope', operator: 'eq', value: 1 }],
    });
    expect(unknownField.code).toBe('validation_failed');
    expect(fields(unknownField)).toContain('condition.conditions.1.field');

    const wrongOperator = await post({
      type: 'or',
      conditions: [{ type: 'not', condition: { ...ok, operator: 'starts_with', value: 1 } }, ok],
    });
    expect(fields(wrongOperator)).toContain('condition.conditions.0.condition.operator');

    const negativeWindow = await post({
      type: 'purchased',
      window: { kind: 'last', amount: -3, unit: 'days' },
    });
    expect(fields(negativeWindow)).toEqual(['condition.window.amount']);

    const missing = await post({
      type: 'and',
      conditions: [ok, { type: 'segment', segment: 'seg_does_not_exist' }],
    });
    expect(fields(missing)).toEqual(['condition.conditions.1.segment']);
    expect(missing.message).toContain('seg_does_not_exist');

    const undeclaredEnumValue = await post({
      type: 'field',
      field: 'traits.wear',
      operator: 'eq',
      value: 'yearly',
    });
    expect(fields(undeclaredEnumValue)).toContain('condition.value');

    const previewFault = await refusal(
      '/api/v1/segments/preview',
      {
        method: 'POST',
        body: {
          condition: {
            type: 'field',
            field: 'computed.total_spent',
            operator: 'contains',
            value: 'x',
          },
        },
      },
      400,
    );
    expect(fields(previewFault)).toContain('condition.operator');

    expect((await call<{ data: Segment[] }>('/api/v1/segments')).body.data.length).toBe(before);
  });

  it('refuses a cycle made by an update and a delete while referenced', async () => {
    const a = await create('Cycle A', heavyLenses);
    const b = await create('Cycle B', {
      type: 'not',
      condition: { type: 'segment', segment: a.body.id },
    });
    expect([a.status, b.status]).toEqual([201, 201]);
    // B's members: not (lens_power < -2), i.e. everyone but ana, cy and dee.
    expect((await call<{ count: number }>(`/api/v1/segments/${b.body.id}/count`)).body.count).toBe(
      ids.size - 3,
    );

    const cycle = await refusal(
      `/api/v1/segments/${a.body.id}`,
      {
        method: 'PUT',
        body: { name: 'Cycle A', condition: { type: 'segment', segment: b.body.id } },
      },
      400,
    );
    expect(cycle.details.map((d) => d.field)).toEqual(['condition.segment']);
    const self = await refusal(
      `/api/v1/segments/${a.body.id}`,
      {
        method: 'PUT',
        body: {
          name: 'Cycle A',
          condition: {
            type: 'or',
            conditions: [heavyLenses, { type: 'segment', segment: a.body.id }],
          },
        },
      },
      400,
    );
    expect(self.details.map((d) => d.field)).toEqual(['condition.conditions.1.segment']);
    expect((await call<Segment>(`/api/v1/segments/${a.body.id}`)).body.version).toBe(1);

    const refused = await refusal(`/api/v1/segments/${a.body.id}`, { method: 'DELETE' }, 409);
    expect(refused.code).toBe('conflict');
    expect(refused.message).toContain(`"Cycle B" (${b.body.id})`);
    expect((await t.api(`/api/v1/segments/${b.body.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await t.api(`/api/v1/segments/${a.body.id}`, { method: 'DELETE' })).status).toBe(204);
    await refusal(`/api/v1/segments/${a.body.id}`, {}, 404);
  });

  it('answers 404 for an unknown id everywhere, and 400 for an over-long one', async () => {
    const unknown = '/api/v1/segments/seg_00000000000000000000';
    for (const [path, method, body] of [
      [unknown, 'GET', undefined],
      [unknown, 'PUT', { name: 'X', condition: heavyLenses }],
      [unknown, 'DELETE', undefined],
      [`${unknown}/count`, 'GET', undefined],
      [`${unknown}/members`, 'GET', undefined],
      [`${unknown}/members.csv`, 'GET', undefined],
    ] as const) {
      const e = await refusal(path, { method, ...(body ? { body } : {}) }, 404);
      expect(e.code, `${method} ${path}`).toBe('not_found');
    }
    const long = await refusal(`/api/v1/segments/${'x'.repeat(101)}`, {}, 400);
    expect(long.details.map((d) => d.field)).toEqual(['params.id']);
  });

  it('pages members with an opaque cursor, in ascending id order', async () => {
    const buyers = await create('Buyers', {
      type: 'field',
      field: 'computed.order_count',
      operator: 'gte',
      value: 1,
    });
    const expected = idsOf(['ana', 'bo', 'cy', 'dee', 'eve', 'gus', 'oli', 'pat', 'sam', 'uma']);
    const pages = await allMembers(buyers.body.id, 3);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 3, 1]);
    expect(pages.flat()).toEqual(expected);

    const first = await call<MemberPage>(`/api/v1/segments/${buyers.body.id}/members?limit=1`);
    const lowest = userOf(expected[0] ?? '');
    expect(first.body.data).toEqual([
      expect.objectContaining({
        id: expected[0],
        email: `${lowest}@example.com`,
        userId: lowest,
      }),
    ]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    for (const cursor of ['not-a-cursor', 'Zm9v!', '']) {
      const e = await refusal(
        `/api/v1/segments/${buyers.body.id}/members?cursor=${cursor}`,
        {},
        400,
      );
      expect(
        e.details.map((d) => d.field),
        cursor,
      ).toEqual(['querystring.cursor']);
    }
    await refusal(`/api/v1/segments/${buyers.body.id}/members?limit=0`, {}, 400);
  });

  it('exports members as CSV, formula-safe', async () => {
    const saved = await create('CSV buyers', {
      type: 'and',
      conditions: [
        { type: 'field', field: 'computed.order_count', operator: 'gte', value: 1 },
        { type: 'field', field: 'traits.lens_power', operator: 'lte', value: -1.5 },
      ],
    });
    const res = await t.api(`/api/v1/segments/${saved.body.id}/members.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="segment-${saved.body.id}.csv"`,
    );
    const rows: Record<string, string> = {
      ana: `${ids.get('ana')},ana@example.com,ana,Ana,Silva,2,570,2026-06-01T10:00:00.000Z`,
      bo: `${ids.get('bo')},bo@example.com,bo,'=Bo,,1,80,2026-03-01T10:00:00.000Z`,
      cy: `${ids.get('cy')},cy@example.com,cy,Cy,,2,70,2026-05-20T10:00:00.000Z`,
      dee: `${ids.get('dee')},dee@example.com,dee,Dee,,1,150,2026-06-15T07:00:00.000Z`,
    };
    const expected = Object.keys(rows)
      .sort((x, y) => ((ids.get(x) ?? '') < (ids.get(y) ?? '') ? -1 : 1))
      .map((u) => rows[u]);
    expect(await res.text()).toBe(
      [
        'profile_id,email,user_id,first_name,last_name,order_count,total_spent,last_order_at',
        ...expected,
        '',
      ].join('\r\n'),
    );
  });

  it('previews a condition: count, a sample of light profiles, the time taken', async () => {
    const res = await call<{ count: number; sample: Member[]; at: string; tookMs: number }>(
      '/api/v1/segments/preview',
      { method: 'POST', body: { condition: heavyLenses } },
    );
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(3);
    expect(res.body.sample.map((m) => m.id)).toEqual(idsOf(['ana', 'cy', 'dee']));
    expect(res.body.sample.find((m) => m.id === ids.get('cy'))).toEqual({
      id: ids.get('cy'),
      email: 'cy@example.com',
      userId: 'cy',
      firstName: 'Cy',
      lastName: null,
      name: 'Cy',
      orderCount: 2,
      totalSpent: 70,
      lastOrderAt: '2026-05-20T10:00:00.000Z',
    });
    expect(res.body.at).toBe(new Date(clock.now()).toISOString());
    expect(res.body.tookMs).toBeGreaterThanOrEqual(0);
    const everyone = await call<{ count: number; sample: Member[] }>('/api/v1/segments/preview', {
      method: 'POST',
      body: {
        condition: {
          type: 'not',
          condition: { type: 'field', field: 'traits.nothing', operator: 'exists' },
        },
      },
    });
    expect(everyone.body.count).toBe(ids.size);
    expect(everyone.body.sample.map((m) => m.id)).toEqual([...ids.values()].sort().slice(0, 10));
  });

  it('lists the fields with declared custom fields typed, and the JSON Schema', async () => {
    const fields = await call<{ data: { path: string; type: string; values?: string[] }[] }>(
      '/api/v1/segments/fields',
    );
    const byPath = new Map(fields.body.data.map((f) => [f.path, f]));
    expect(byPath.get('traits.lens_power')).toMatchObject({ type: 'number' });
    expect(byPath.get('traits.wear')).toMatchObject({ type: 'enum', values: ['daily', 'monthly'] });
    expect(byPath.get('computed.order_count')).toMatchObject({ type: 'number' });
    expect(byPath.get('predictions.churn_risk')).toMatchObject({ type: 'enum' });
    const schema = await call('/api/v1/segments/schema');
    expect(schema.body).toEqual(segmentDefinitionJsonSchema());
  });

  it("shows on a profile's detail the segments it is in now", async () => {
    const segments = (await call<{ data: Segment[] }>('/api/v1/segments')).body.data;
    const cy = ids.get('cy') ?? '';
    const expected: string[] = [];
    for (const s of segments) {
      const counted = await call<MemberPage>(`/api/v1/segments/${s.id}/members?limit=1000`);
      if (counted.body.data.some((m) => m.id === cy)) expected.push(s.id);
    }
    // cy: bought last month and last 3 months, a Baby order of 2018, lens power -4.
    const names = segments.filter((s) => expected.includes(s.id)).map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining(['Bought in the last month', 'Bought a baby product 7 years ago']),
    );
    const detail = await call<Profile>(`/api/v1/profiles/${cy}`);
    expect(detail.status).toBe(200);
    expect([...detail.body.segments].sort()).toEqual(expected.sort());
    const quinn = await call<Profile>(`/api/v1/profiles/${ids.get('quinn')}`);
    const notLens = segments.filter((s) => s.name === 'Buyers' || s.name === 'Very heavy lenses');
    for (const s of notLens) expect(quinn.body.segments).not.toContain(s.id);
  });

  it('answers 409 for a saved definition the workspace no longer fits', async () => {
    await t.api('/api/v1/custom-fields', {
      method: 'POST',
      body: { name: 'tier', type: 'number' },
    });
    const saved = await create('Tier over 5', {
      type: 'field',
      field: 'traits.tier',
      operator: 'gt',
      value: 5,
    });
    expect(saved.status).toBe(201);
    expect((await t.api('/api/v1/custom-fields/tier', { method: 'DELETE' })).status).toBe(204);
    await t.api('/api/v1/custom-fields', {
      method: 'POST',
      body: { name: 'tier', type: 'string' },
    });
    const stale = await refusal(`/api/v1/segments/${saved.body.id}/count`, {}, 409);
    expect(stale.message).toContain('Tier over 5');
    expect(stale.details.map((d) => d.field)).toContain('condition.operator');
  });
});
