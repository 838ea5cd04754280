/**
 * `comeback segments list | show | count` as a real process (the built CLI) over the database a
 * running server wrote, on both engines.
 */
import type { Segment } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from '../process/harness.js';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';

describe.each(engines)('comeback segments on %s', (engine) => {
  let t: TestServer;
  let buyers: Segment;
  let env: Record<string, string> = {};

  beforeAll(async () => {
    assertBuilt();
    t = await startTestServer(engine);
    env = { DATABASE_URL: t.server.services.config.databaseUrl };
    const order = (userId: string, orderId: string) => ({
      type: 'track',
      userId,
      event: 'Order Completed',
      messageId: `cli-${orderId}`,
      properties: { order_id: orderId, total: 20, currency: 'EUR' },
    });
    const batch = [
      ...['ana', 'bo', 'cy'].map((userId) => ({ type: 'identify', userId, traits: {} })),
      order('ana', 'A1'),
      order('ana', 'A2'),
      order('bo', 'B1'),
    ];
    expect((await t.send('/v1/batch', { batch })).status).toBe(200);
    await t.settle();
    // Not time-dependent: the CLI's system clock gives the server's answer.
    const condition = { type: 'field', field: 'computed.order_count', operator: 'gte', value: 1 };
    const res = await t.api('/api/v1/segments', {
      method: 'POST',
      body: { name: 'Buyers', description: 'At least one order', condition },
    });
    expect(res.status).toBe(201);
    buyers = await json<Segment>(res);
  });
  afterAll(async () => t?.stop());

  it('lists segments as a table or JSON', async () => {
    const list = await runCli(['segments', 'list'], { env });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.split('\n')).toEqual([
      expect.stringMatching(/^ID\s+NAME\s+VERSION\s+UPDATED$/),
      expect.stringMatching(new RegExp(`^${buyers.id}\\s+Buyers\\s+1\\s+${buyers.updatedAt}$`)),
      '',
    ]);
    const listed = await runCli(['segments', 'list', '--json'], { env });
    expect(JSON.parse(listed.stdout)).toEqual({ data: [buyers] });
    const empty = await runCli(['segments', 'list', '--workspace', 'other'], { env });
    expect(empty.stdout).toBe('No segments in workspace "other"\n');
  });

  it('shows one by id or name', async () => {
    const shown = await runCli(['segments', 'show', buyers.id, '--json'], { env });
    expect(JSON.parse(shown.stdout)).toEqual(buyers);
    const byName = await runCli(['segments', 'show', 'Buyers'], { env });
    expect(byName.stdout.split('\n').slice(0, 4)).toEqual([
      `Buyers (${buyers.id})`,
      'At least one order',
      `version 1, created ${buyers.createdAt}, updated ${buyers.updatedAt}`,
      'condition:',
    ]);
    expect(JSON.parse(byName.stdout.split('condition:\n')[1] ?? '')).toEqual(buyers.condition);
  });

  it('counts the members now', async () => {
    const counted = await runCli(['segments', 'count', buyers.id, '--json'], { env });
    expect(JSON.parse(counted.stdout)).toEqual({
      id: buyers.id,
      name: 'Buyers',
      count: 2,
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const text = await runCli(['segments', 'count', 'Buyers'], { env });
    expect(text.stdout).toMatch(
      new RegExp(`^2 profiles in "Buyers" \\(${buyers.id}\\) at \\S+Z\\n$`),
    );
    const unknown = await runCli(['segments', 'count', 'seg_nope'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('comeback: no segment seg_nope\n');
  });
});
