/**
 * Refused `/v1/batch` bodies and the exact envelope each got from the server before the batch
 * fast path existed (ingest-batch-refusals.json: recorded from that server, not written by hand).
 * Bodies are JSON text, so that numbers JSON.stringify cannot write (1e400) can be sent.
 */
import type { ErrorEnvelope } from '@comeback/contracts';
import fs from 'node:fs';

const ok = (i: number) => `{"type":"track","userId":"u-err","event":"E${i}"}`;
/** A batch of three good calls with `item` in the middle, and `extra` top-level members. */
const around = (item: string, extra = '') => `{"batch":[${ok(0)},${item},${ok(2)}]${extra}}`;
const track = (members: string) => around(`{"type":"track","userId":"u-err",${members}}`);
const call = (type: string, members: string) =>
  around(`{"type":"${type}","userId":"u-err"${members === '' ? '' : ','}${members}}`);
const str = (n: number) => JSON.stringify('x'.repeat(n));
/** `n` levels of objects: deep(1) is `{"v":1}`. */
const deep = (n: number) => `${'{"a":'.repeat(n - 1)}{"v":1}${'}'.repeat(n - 1)}`;

const bodies: Record<string, string> = {
  // The envelope.
  'sentAt not a date': around(ok(1), ',"sentAt":"yesterday"'),
  'sentAt a number': around(ok(1), ',"sentAt":12'),
  'context a string': around(ok(1), ',"context":"x"'),
  'context an array': around(ok(1), ',"context":[]'),
  'integrations a number': around(ok(1), ',"integrations":5'),
  'batch null': '{"batch":null}',
  'batch a string': '{"batch":"x"}',
  'batch of 2,001 calls': `{"batch":[${Array.from({ length: 2001 }, (_, i) => ok(i)).join(',')}]}`,
  // A call that is not an object.
  'a number as a call': around('5'),
  'null as a call': around('null'),
  'an array as a call': around('[]'),
  'a string as a call': around('"track"'),
  // Its type.
  'type in capitals': call('TRACK', '"event":"E"'),
  'type a number': around('{"type":5,"userId":"u-err","event":"E"}'),
  'type null': around('{"type":null,"userId":"u-err","event":"E"}'),
  // Common fields.
  'messageId empty': track('"event":"E","messageId":""'),
  'messageId over 256': track(`"event":"E","messageId":${str(257)}`),
  'messageId a number': track('"event":"E","messageId":5'),
  'messageId null': track('"event":"E","messageId":null'),
  'userId empty': around('{"type":"track","userId":"","event":"E"}'),
  'userId an object': around('{"type":"track","userId":{},"event":"E"}'),
  'userId true': around('{"type":"track","userId":true,"event":"E"}'),
  'userId over 512': around(`{"type":"track","userId":${str(513)},"event":"E"}`),
  'userId 1e400': around('{"type":"track","userId":1e400,"event":"E"}'),
  'anonymousId an array': around('{"type":"track","anonymousId":[],"event":"E"}'),
  'timestamp on 30 February': track('"event":"E","timestamp":"2026-02-30T10:00:00Z"'),
  'timestamp without a zone': track('"event":"E","timestamp":"2026-05-01T10:00:00"'),
  'timestamp without seconds': track('"event":"E","timestamp":"2026-05-01T10:00Z"'),
  'timestamp with a space': track('"event":"E","timestamp":"2026-05-01 10:00:00Z"'),
  'timestamp a number': track('"event":"E","timestamp":1746093600000'),
  'originalTimestamp not a date': track('"event":"E","originalTimestamp":"soon"'),
  'sentAt of a call not a date': track('"event":"E","sentAt":"2026-13-01"'),
  'context of a call a string': track('"event":"E","context":"x"'),
  'integrations of a call an array': track('"event":"E","integrations":[]'),
  // Per type.
  'track event empty': track('"event":""'),
  'track event over 256': track(`"event":${str(257)}`),
  'track without event': track('"properties":{}'),
  'track properties a string': track('"event":"E","properties":"x"'),
  'track properties null': track('"event":"E","properties":null'),
  'order price text': track(
    '"event":"Order Completed","properties":{"order_id":"o-1","products":[{"price":"abc"}]}',
  ),
  'order total negative': track('"event":"Order Completed","properties":{"total":-5}'),
  'quantity over the bound': track('"event":"Product Added","properties":{"quantity":2e6}'),
  'order lines adding up past the bound': track(
    '"event":"Order Completed","properties":{"products":[{"price":9e11,"quantity":1},{"price":9e11,"quantity":1}]}',
  ),
  'identify traits an array': call('identify', '"traits":[]'),
  'page name a number': call('page', '"name":5'),
  'page name over 512': call('page', `"name":${str(513)}`),
  'page category an object': call('page', '"category":{}'),
  'page properties an array': call('page', '"properties":[]'),
  'screen name true': call('screen', '"name":true'),
  'alias without previousId': call('alias', ''),
  'alias previousId empty': call('alias', '"previousId":""'),
  'alias previousId null': call('alias', '"previousId":null'),
  'group without groupId': call('group', ''),
  'group traits a string': call('group', '"groupId":"g","traits":"x"'),
  // Several problems: every one is named, in the schema's order.
  'two bad fields in one call': around('{"type":"track","userId":{},"event":5}'),
  'two bad calls': `{"batch":[${ok(0)},{"type":"track","userId":"u","event":5},{"type":"page","userId":"u","name":5}]}`,
  'a bad call and a call without ids': `{"batch":[{"type":"track","event":"E"},{"type":"track","userId":"u","event":5}]}`,
  // What the normalizer refuses, after the schema.
  'a call without ids': around('{"type":"track","event":"E"}'),
  'a blank userId and no anonymousId': around('{"type":"track","userId":"  ","event":"E"}'),
  'an alias without userId': around('{"type":"alias","anonymousId":"a","previousId":"p"}'),
  'properties too deep': track(`"event":"E","properties":${deep(33)}`),
  'two fields too deep, sent in reverse schema order': track(
    `"event":"E","properties":${deep(34)},"context":${deep(35)}`,
  ),
  'an unknown field and properties too deep': track(
    `"event":"E","zzz":${deep(36)},"properties":${deep(33)}`,
  ),
  'a batch context too deep and a field too deep': around(
    `{"type":"track","userId":"u-err","event":"E","properties":${deep(33)}}`,
    `,"context":${deep(34)}`,
  ),
  'a batch context too deep': around(ok(1), `,"context":${deep(34)}`),
  'a call over 32 KB': track(`"event":"E","properties":{"b":${str(33 * 1024)}}`),
  'a call over 32 KB and a call without ids': `{"batch":[{"type":"track","event":"E"},{"type":"track","userId":"u","event":"E","properties":{"b":${str(33 * 1024)}}}]}`,
  // 17,000 "é" written as \u00e9: 34,000 bytes once serialized, three times that as sent.
  'a call with escapes over 32 KB in bytes': track(
    `"event":"E","properties":{"b":"${'\\u00e9'.repeat(17_000)}"}`,
  ),
};

export interface BatchErrorCase {
  name: string;
  body: string;
  status: number;
  error: ErrorEnvelope['error'];
}

/** Recorded envelopes, by case name (see the file comment). */
const EXPECTED = JSON.parse(
  fs.readFileSync(new URL('./ingest-batch-refusals.json', import.meta.url), 'utf8'),
) as Record<string, { status: number; error: ErrorEnvelope['error'] }>;

export const BATCH_ERROR_BODIES = bodies;

/** Every case; one whose envelope was never recorded fails its test rather than passing. */
export const BATCH_ERROR_CASES: BatchErrorCase[] = Object.entries(bodies).map(([name, body]) => ({
  name,
  body,
  ...(EXPECTED[name] ?? {
    status: 0,
    error: { code: 'internal', message: 'no recorded envelope', details: [] },
  }),
}));
