import type { ImportJobView, Profile } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealIntrinsics } from '../src/platform/safe-object.js';
import { engines } from './support/engines.js';
import { ADMIN_KEY, json, startTestServer, type TestServer } from './support/test-server.js';

/**
 * The CLI seals Object.prototype, Array.prototype and Function.prototype at start (issue 9,
 * item 1), so a future slip that walks user input into a prototype throws instead of changing
 * every object in the process. This file seals its own process the same way and drives the
 * server through the paths that copy user-named keys (zod parsing, traits, attributes, imports,
 * the processor, exports, the OpenAPI document): none of them may break.
 */
sealIntrinsics();

describe('sealed prototypes', () => {
  it('refuse new properties, so a pollution attempt throws', () => {
    const walked = JSON.parse('{"__proto__":{}}') as Record<string, Record<string, unknown>>;
    const viaSetter: Record<string, unknown> = {};
    // The classic slip: a user-given path walked with plain property access.
    const proto = Object.getPrototypeOf(viaSetter) as Record<string, unknown>;
    expect(() => {
      proto.userId = 'pwned';
    }).toThrow(TypeError);
    const arrayProto = Object.getPrototypeOf([]) as Record<string, unknown>;
    expect(() => {
      arrayProto.polluted = true;
    }).toThrow(TypeError);
    expect(Object.hasOwn(walked, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).userId).toBeUndefined();
  });

  it('still let objects own keys named like inherited ones', () => {
    const o: Record<string, unknown> = {};
    o['constructor'] = 'c';
    o['toString'] = 't';
    expect(JSON.stringify(o)).toBe('{"constructor":"c","toString":"t"}');
  });
});

describe.each(engines)('the server with sealed prototypes on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => (t = await startTestServer(engine)));
  afterAll(async () => t?.stop());

  const finished = async (res: Response): Promise<ImportJobView> => {
    expect(res.status).toBe(202);
    const { id } = await json<ImportJobView>(res);
    for (let i = 0; i < 300; i++) {
      const job = await json<ImportJobView>(await t.api(`/api/v1/imports/${id}`));
      if (job.status === 'done' || job.status === 'failed') return job;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`import ${id} did not finish`);
  };
  const upload = (query: string, body: string, type: string) =>
    fetch(`${t.url}/api/v1/imports?${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': type },
      body,
    }).then(finished);

  it('tracks, imports, stores products and reads profiles back', async () => {
    const traits = { email: 'sealed@example.com', constructor: 'c', toString: 't', valueOf: 'v' };
    expect((await t.send('/v1/identify', { userId: 'u-sealed', traits })).status).toBe(200);
    const batch = {
      batch: [
        {
          type: 'track',
          userId: 'u-sealed',
          event: 'Order Completed',
          properties: { order_id: 's-1', total: 5, products: [{ product_id: 'p', price: 5 }] },
          context: { traits: { hasOwnProperty: 'h' } },
        },
      ],
    };
    expect((await t.send('/v1/batch', batch)).status).toBe(200);
    const product = await t.api('/api/v1/products', {
      method: 'POST',
      body: { id: 'sealed-1', title: 'Sealed', attributes: { constructor: 'x', toString: [1] } },
    });
    expect(product.status).toBeLessThan(300);
    const customers = await upload(
      'kind=customers',
      'email,first_name,traits.valueOf\nsealed-2@example.com,Ana,v\n',
      'text/csv',
    );
    expect(customers).toMatchObject({ status: 'done', summary: { imported: 1 } });
    const events = await upload(
      'kind=events&format=jsonl',
      '{"type":"identify","userId":"u-sealed-3","traits":{"constructor":"c3"}}\n',
      'application/x-ndjson',
    );
    expect(events).toMatchObject({ status: 'done', summary: { imported: 1 } });

    await t.settle();
    const found = await json<{ data: Profile[] }>(await t.api('/api/v1/profiles?userId=u-sealed'));
    const [profile] = found.data;
    expect(profile?.traits).toMatchObject({ ...traits, hasOwnProperty: 'h' });
    expect(profile?.computed.order_count).toBe(1);
    expect((await t.api(`/api/v1/profiles/${profile?.id}/export`)).status).toBe(200);
    const third = await json<{ data: Profile[] }>(
      await t.api('/api/v1/profiles?userId=u-sealed-3'),
    );
    expect(third.data[0]?.traits).toEqual({ constructor: 'c3' });
    const stored = await json<{ attributes: Record<string, unknown> }>(
      await t.api('/api/v1/products/sealed-1'),
    );
    expect(stored.attributes).toEqual({ constructor: 'x', toString: [1] });
    expect((await fetch(`${t.url}/docs/json`)).status).toBe(200);
  });
});
