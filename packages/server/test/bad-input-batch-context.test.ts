import type { Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from './support/engines.js';
import { expectRefused } from './support/rejections.js';
import { json, startTestServer, type TestServer } from './support/test-server.js';

/**
 * A batch's top-level `context` applies to every call in it, so its `traits` feed profiles like
 * a call's own `context.traits`: declared custom fields must be checked and coerced there too.
 */
describe.each(engines)('declared fields in a batch-level context on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
    const age = { name: 'age', type: 'number' };
    expect((await t.api('/api/v1/custom-fields', { method: 'POST', body: age })).status).toBe(201);
  });
  afterAll(async () => t?.stop());

  it('refuses a batch whose context.traits do not fit, naming context.traits.<field>', async () => {
    await expectRefused(
      t,
      () =>
        t.send('/v1/batch', {
          batch: [{ type: 'identify', userId: 'u-bctx', traits: { email: 'bctx@example.com' } }],
          context: { traits: { age: 'old' } },
        }),
      { status: 400, code: 'validation_failed', field: 'context.traits.age' },
    );
  });

  it('coerces a batch-level context trait like a call-level one', async () => {
    const res = await t.send('/v1/batch', {
      batch: [{ type: 'identify', userId: 'u-bctx-ok', traits: { email: 'bctx-ok@example.com' } }],
      context: { traits: { age: '42' } },
    });
    expect(res.status).toBe(200);
    await t.settle();
    const found = await t.api('/api/v1/profiles?email=bctx-ok@example.com');
    const [p] = (await json<{ data: Profile[] }>(found)).data;
    expect(p?.traits).toEqual({ email: 'bctx-ok@example.com', age: 42 });
  });
});
