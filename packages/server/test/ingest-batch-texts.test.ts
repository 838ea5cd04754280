/**
 * `/v1/batch` stores each call as the text it was sent as, whenever that text holds exactly the
 * call: the stored event reads back as it always did (JSON.stringify of the parsed call), on
 * both engines. Where the server changes the call (a batch context merged in, declared traits
 * coerced, characters scrubbed, numbers JSON cannot keep) it is serialized as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonObject } from '../src/platform/json.js';
import { engines } from './support/engines.js';
import { startTestServer, type TestServer } from './support/test-server.js';

describe.each(engines)('calls stored as sent through /v1/batch on %s', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine);
    const age = { name: 'age', type: 'number' };
    expect((await t.api('/api/v1/custom-fields', { method: 'POST', body: age })).status).toBe(201);
  });
  afterAll(async () => t?.stop());

  /** Sends `body` (JSON text) and returns each stored call's payload, raw, by messageId. */
  const send = async (body: string, ids: string[]) => {
    const res = await t.send('/v1/batch', body);
    expect(res.status, await res.clone().text()).toBe(200);
    await t.server.services.appendQueue.drain();
    const rows = await t.server.services.database.db
      .selectFrom('events')
      .select(['message_id', 'payload'])
      .where('message_id', 'in', ids)
      .execute();
    return new Map(rows.map((r) => [r.message_id, r.payload]));
  };

  it('stores calls written any way exactly as sent, reading back as the parsed call', async () => {
    const calls = [
      '{"type":"track","messageId":"tx-1","userId":"u-tx","event":"Viewed","properties":{"a":1}}',
      // Whitespace, escapes, brackets and quotes inside strings, a key sent twice.
      `{ "type" : "track" ,\n  "messageId":"tx-2", "userId":"u-tx", "event":"Say \\"hi\\" [x] {y}",
        "properties": { "path": "\\/a\\\\b", "name": "caf\\u00e9 😀", "n": 1.50, "n": 2 } }`,
      '{"type":"identify","messageId":"tx-3","userId":"u-tx","traits":{"email":"tx@example.com"}}',
      '{"type":"page","messageId":"tx-4","anonymousId":"a-tx","name":"Home","properties":{"list":[1,[2,{"x":"]"}]]}}',
      // An escaped surrogate pair might be a lone one: this call is serialized (and checked).
      '{"type":"track","messageId":"tx-5","userId":"u-tx","event":"\\uD83D\\uDE00"}',
    ];
    const body = `{"sentAt":"2026-05-01T10:00:00Z","batch":[${calls.join(' ,\n')}]}`;
    const ids = ['tx-1', 'tx-2', 'tx-3', 'tx-4', 'tx-5'];
    const stored = await send(body, ids);
    for (const [i, id] of ids.entries()) {
      const sent = calls[i] ?? '';
      // PostgreSQL keeps jsonb, its own form of the same value; SQLite keeps the text itself.
      if (engine === 'sqlite') expect(stored.get(id) === sent).toBe(id !== 'tx-5');
      expect(readJsonObject(stored.get(id))).toEqual(JSON.parse(JSON.stringify(JSON.parse(sent))));
    }
  });

  it('serializes the calls the server changes, exactly as before', async () => {
    const body = `{"context":{"locale":"de-DE"},"batch":[
      {"type":"track","messageId":"ch-1","userId":"u-ch","event":"Merged"},
      {"type":"track","messageId":"ch-2","userId":"u-ch","event":"Own","context":{"ip":"10.0.0.1"}},
      {"type":"identify","messageId":"ch-3","userId":"u-ch","traits":{"age":"42"},"context":{}},
      {"type":"track","messageId":"ch-4","userId":"u-ch","event":"Big","properties":{"x":1e400,"y":-0,"z":2E3}},
      {"type":"track","messageId":"ch-5","userId":"u-ch","event":"NUL\\u0000","properties":{"s":"\\ud800"}}
    ]}`;
    const stored = await send(body, ['ch-1', 'ch-2', 'ch-3', 'ch-4', 'ch-5']);
    const read = (id: string) => readJsonObject(stored.get(id));
    // The batch's context is laid into a call without one, not into one with its own.
    expect(read('ch-1').context).toEqual({ locale: 'de-DE' });
    expect(read('ch-2').context).toEqual({ ip: '10.0.0.1' });
    // A declared number trait is stored as the number it was coerced to.
    expect(read('ch-3').traits).toEqual({ age: 42 });
    // Numbers as JSON.stringify wrote them: Infinity as null, -0 as 0.
    expect(read('ch-4').properties).toEqual({ x: null, y: 0, z: 2000 });
    expect(Object.is((read('ch-4').properties as { y: number }).y, 0)).toBe(true);
    // Characters PostgreSQL cannot store are replaced, on both engines.
    expect(read('ch-5')).toMatchObject({ event: 'NUL\uFFFD', properties: { s: '\uFFFD' } });
  });

  it('accepts a call longer as sent than the event limit when its JSON is within it', async () => {
    // 6,000 "é" written as \u00e9: 36,000 characters as sent, 12,000 bytes once serialized.
    const note = '\\u00e9'.repeat(6000);
    const body = `{"batch":[{"type":"track","messageId":"lg-1","userId":"u-lg","event":"Long","properties":{"note":"${note}"}}]}`;
    const stored = await send(body, ['lg-1']);
    expect(readJsonObject(stored.get('lg-1')).properties).toEqual({ note: 'é'.repeat(6000) });
  });
});
