import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from './support/engines.js';
import { expectEnvelope, expectRefused, rowCounts } from './support/rejections.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/**
 * Input that is valid JSON but awkward for storage: NUL characters and lone surrogates (which
 * PostgreSQL text and jsonb cannot hold), very deep nesting, a cursor past the bigint range. The
 * server may accept such input or refuse it with a 400 naming the field; it must never answer
 * 500, must behave alike on both engines, and must never make other requests fail.
 */
const awkward: [what: string, body: Record<string, unknown>, field: RegExp][] = [
  ['a NUL in a property value', { properties: { note: 'a\u0000b' } }, /^properties/],
  ['a NUL in a property name', { properties: { 'n\u0000te': 1 } }, /^properties/],
  ['a NUL in the event name', { event: 'Viewed\u0000' }, /^event/],
  ['a NUL in the userId', { userId: 'u-\u0000' }, /^userId/],
  ['a lone surrogate in a property', { properties: { note: '\ud800' } }, /^properties/],
  ['a NUL in context', { context: { page: { title: '\u0000' } } }, /^context/],
];

/** 200 and stored, or 400 naming the field and nothing stored. */
async function acceptedOrRefused(t: TestServer, send: () => Promise<Response>, field: RegExp) {
  const before = await rowCounts(t);
  const res = await send();
  if (res.status === 200) {
    expect(await res.json()).toEqual({ success: true });
    expect((await rowCounts(t)).events).toBe(before.events + 1);
    return;
  }
  await expectEnvelope(res, { status: 400, code: 'validation_failed', field });
  expect(await rowCounts(t)).toEqual(before);
}

describe.each(engines)('awkward but valid JSON on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
  });
  afterAll(async () => t?.stop());

  it.each(awkward)('%s: accepted or refused naming it, never 500', async (_what, change, field) => {
    const call = { userId: 'u-odd', event: 'Viewed', ...change };
    await acceptedOrRefused(t, () => t.send('/v1/track', call), field);
    await acceptedOrRefused(
      t,
      () => t.send('/v1/batch', { batch: [{ type: 'track', ...call }] }),
      new RegExp(`^batch\\.0\\.${field.source.slice(1)}`),
    );
  });

  it('never fails the innocent requests committed together with an awkward one', async () => {
    const good = Array.from({ length: 10 }, (_, i) =>
      t.send('/v1/track', { userId: `u-good-${i}`, event: 'Viewed', messageId: `good-${i}` }),
    );
    const odd = t.send('/v1/track', {
      userId: 'u-odd',
      event: 'Viewed',
      messageId: 'odd-1',
      properties: { note: 'a\u0000b' },
    });
    const statuses = await Promise.all(good.map(async (r) => (await r).status));
    expect(statuses).toEqual(Array(10).fill(200));
    expect([200, 400]).toContain((await odd).status);
    await rowCounts(t); // settles
    const stored = await t.server.services.database.db
      .selectFrom('events')
      .select('message_id')
      .where('message_id', 'like', 'good-%')
      .execute();
    expect(stored).toHaveLength(10);
  });

  it('refuses nesting too deep to store with a 400, not a 500', async () => {
    const depth = 10_000; // 20 KB: well under the 32 KB event limit
    const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    await expectRefused(
      t,
      () => t.send('/v1/track', `{"userId":"u-deep","event":"Viewed","properties":{"d":${deep}}}`),
      { status: 400, code: 'validation_failed', field: /^(body|properties)/ },
    );
  });

  it('refuses lookups with characters no identifier can hold, naming the field', async () => {
    await expectRefused(t, () => t.api('/api/v1/profiles?email=a%00b@example.com'), {
      status: 400,
      code: 'validation_failed',
      field: 'querystring.email',
    });
    await expectRefused(t, () => t.api('/api/v1/profiles/a%00b'), {
      status: 400,
      code: 'validation_failed',
      field: 'params.id',
    });
    await expectRefused(t, () => t.api('/api/v1/custom-fields/a%00b', { method: 'DELETE' }), {
      status: 400,
      code: 'validation_failed',
      field: 'params.name',
    });
  });

  it('treats a cursor past any sequence number as a first page or a 400, not a 500', async () => {
    await t.send('/v1/identify', { userId: 'u-cur', traits: { email: 'cur@example.com' } });
    await rowCounts(t); // settles
    const [p] = (
      (await (await t.api('/api/v1/profiles?userId=u-cur')).json()) as { data: { id: string }[] }
    ).data;
    const res = await t.api(`/api/v1/profiles/${p?.id}/events?cursor=99999999999999999999`);
    if (res.status === 200) {
      const page = (await res.json()) as { data: unknown[] };
      expect(page.data).toHaveLength(1);
    } else {
      await expectEnvelope(res, {
        status: 400,
        code: 'validation_failed',
        field: 'querystring.cursor',
      });
    }
  });

  it('stores or refuses awkward strings in admin writes, never 500', async () => {
    const fieldRes = await t.api('/api/v1/custom-fields', {
      method: 'POST',
      body: { name: 'note', type: 'string', description: 'a\u0000b' },
    });
    if (fieldRes.status !== 201) {
      await expectEnvelope(fieldRes, {
        status: 400,
        code: 'validation_failed',
        field: 'description',
      });
    }
    const keyRes = await t.api('/api/v1/keys', {
      method: 'POST',
      body: { scope: 'write', label: 'a\u0000b' },
    });
    if (keyRes.status !== 201) {
      await expectEnvelope(keyRes, { status: 400, code: 'validation_failed', field: 'label' });
    }
  });
});
