/**
 * A profile's timeline (`GET /profiles/{id}/events`) shows its segment entries and exits as
 * `Segment Entered` / `Segment Exited` events at their instants, among the events that caused
 * them, through real HTTP on both engines: paged with any limit, every entry exactly once;
 * filtered by name, the segment's entries and exits too.
 */
import type { StoredEvent } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  pageTimeline,
  type TimelineEntry,
  type TimelineSource,
} from '../../src/modules/profiles/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const MINUTE = 60_000;
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

interface TimelinePage {
  data: StoredEvent[];
  nextCursor: string | null;
}

describe.each(engines)('segment changes in the profile timeline on %s', (engine) => {
  let ts: TestServer;
  const clock = new ManualClock(T0);
  let profileId = '';
  let gold = '';
  let browsers = '';

  beforeAll(async () => {
    ts = await startTestServer(engine, { clock, background: false });
  });
  afterAll(async () => {
    await ts?.stop();
  });

  const createSegment = async (name: string, condition: unknown): Promise<string> => {
    const res = await ts.api('/api/v1/segments', { method: 'POST', body: { name, condition } });
    expect(res.status).toBe(201);
    return (await json<{ id: string }>(res)).id;
  };
  const sendAt = async (at: number, path: string, body: Record<string, unknown>) => {
    clock.set(at);
    const res = await ts.send(path, { userId: 'u1', timestamp: iso(at), ...body });
    expect(res.status).toBe(200);
    await ts.settle();
  };
  const timeline = async (query: string): Promise<TimelinePage> => {
    const res = await ts.api(`/api/v1/profiles/${profileId}/events?${query}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return json<TimelinePage>(res);
  };
  /** Every entry, following nextCursor page by page. */
  const allPages = async (query: string) => {
    const pages: StoredEvent[][] = [];
    let cursor: string | null = null;
    do {
      const page = await timeline(`${query}${cursor !== null ? `&cursor=${cursor}` : ''}`);
      pages.push(page.data);
      cursor = page.nextCursor;
    } while (cursor !== null && pages.length < 50);
    return pages;
  };
  /** An entry as the assertions read it: what, when, and which segment why. */
  const brief = (e: StoredEvent) => {
    const properties = e.payload.properties as Record<string, unknown> | undefined;
    return e.event?.startsWith('Segment ')
      ? { event: e.event, at: e.timestamp, properties }
      : { event: e.event ?? e.type, at: e.timestamp, messageId: e.messageId };
  };
  const change =
    (event: string, at: number, segment: () => string, name: string, cause: string) =>
    (): Record<string, unknown> => ({
      event,
      at: iso(at),
      properties: { segment: { id: segment(), name }, cause },
    });
  const logged = (event: string, at: number, messageId: string) => () => ({
    event,
    at: iso(at),
    messageId,
  });

  // Newest first: a change sits above the event that caused it, at the same instant.
  const expected = [
    change(
      'Segment Exited',
      T0 + 2 * MINUTE + 7 * DAY,
      () => browsers,
      'Viewed this week',
      'time: a window moved',
    ),
    change('Segment Exited', T0 + 4 * MINUTE, () => gold, 'Gold plan', 'message id-silver'),
    logged('identify', T0 + 4 * MINUTE, 'id-silver'),
    logged('Product Added', T0 + 3 * MINUTE, 'add-1'),
    change(
      'Segment Entered',
      T0 + 2 * MINUTE,
      () => browsers,
      'Viewed this week',
      'message view-1',
    ),
    logged('Product Viewed', T0 + 2 * MINUTE, 'view-1'),
    change('Segment Entered', T0 + MINUTE, () => gold, 'Gold plan', 'message id-gold'),
    logged('identify', T0 + MINUTE, 'id-gold'),
  ];
  const all = () => expected.map((entry) => entry());

  it('shows entries and exits at their instants, among the events that caused them', async () => {
    gold = await createSegment('Gold plan', {
      type: 'field',
      field: 'traits.plan',
      operator: 'eq',
      value: 'gold',
    });
    browsers = await createSegment('Viewed this week', {
      type: 'event',
      event: 'Product Viewed',
      window: { kind: 'last', amount: 7, unit: 'days' },
    });
    await ts.settle();

    await sendAt(T0 + MINUTE, '/v1/identify', { messageId: 'id-gold', traits: { plan: 'gold' } });
    await sendAt(T0 + 2 * MINUTE, '/v1/track', {
      messageId: 'view-1',
      event: 'Product Viewed',
      properties: { product_id: 'p1' },
    });
    await sendAt(T0 + 3 * MINUTE, '/v1/track', {
      messageId: 'add-1',
      event: 'Product Added',
      properties: { product_id: 'p1' },
    });
    await sendAt(T0 + 4 * MINUTE, '/v1/identify', {
      messageId: 'id-silver',
      traits: { plan: 'silver' },
    });
    // The view leaves the 7-day window: the timer takes the profile out at that instant.
    clock.set(T0 + 2 * MINUTE + 7 * DAY);
    await ts.settle();

    const found = await json<{ data: { id: string }[] }>(
      await ts.api('/api/v1/profiles?userId=u1'),
    );
    profileId = found.data[0]?.id ?? '';
    const page = await timeline('limit=100');
    expect(page.nextCursor).toBeNull();
    expect(page.data.map(brief)).toEqual(all());
    // The id is the one webhook subscribers receive for the same change.
    const entered = page.data.find((e) => e.event === 'Segment Entered');
    expect(entered).toMatchObject({
      type: 'track',
      messageId: expect.stringMatching(/^seg:\d+$/),
      receivedAt: entered?.timestamp,
      payload: { type: 'track', event: 'Segment Entered', messageId: entered?.messageId },
    });
  });

  it('pages through the merged timeline, every entry exactly once', async () => {
    for (const limit of [1, 2, 3, 5, 7]) {
      const pages = await allPages(`limit=${limit}`);
      expect(pages.every((p) => p.length <= limit)).toBe(true);
      expect(pages.flat().map(brief), `limit ${limit}`).toEqual(all());
      expect(pages.length).toBe(Math.ceil(expected.length / limit));
    }
  });

  it('filters by name: segment entries and exits as well as logged events', async () => {
    const pick = (name: string) => all().filter((e) => e.event === name);
    for (const name of ['Segment Entered', 'Segment Exited', 'identify', 'Product Viewed']) {
      const query = `event=${encodeURIComponent(name)}`;
      if (name === 'identify') {
        // An identify has no event name: the filter names track events and segment changes.
        expect((await timeline(query)).data).toEqual([]);
        continue;
      }
      expect(pick(name).length).toBeGreaterThan(0);
      expect((await allPages(`${query}&limit=1`)).flat().map(brief), name).toEqual(pick(name));
    }
    expect((await timeline('event=Nothing%20Like%20This')).data).toEqual([]);
  });

  it('keeps the history of a deleted segment, without its name', async () => {
    expect((await ts.api(`/api/v1/segments/${gold}`, { method: 'DELETE' })).status).toBe(204);
    const exits = (await timeline('event=Segment%20Exited')).data;
    expect(exits.map((e) => e.payload.properties)).toEqual([
      { segment: { id: browsers, name: 'Viewed this week' }, cause: 'time: a window moved' },
      { segment: { id: gold, name: null }, cause: 'message id-silver' },
    ]);
  });

  it('refuses a cursor that no page handed out, naming it', async () => {
    for (const cursor of ['5', '1.2.3', 'abc']) {
      const res = await ts.api(`/api/v1/profiles/${profileId}/events?cursor=${cursor}`);
      expect(res.status).toBe(400);
      const body = await json<{ error: { details: { field: string }[] } }>(res);
      expect(body.error.details.map((d) => d.field)).toContain('querystring.cursor');
    }
  });
});

describe('a timeline merged from several sources', () => {
  const entry = (source: number, position: number, at: number): TimelineEntry => {
    const id = `${source}:${position}`;
    const time = iso(at);
    return {
      position,
      at,
      event: {
        messageId: id,
        type: 'track',
        event: id,
        timestamp: time,
        receivedAt: time,
        payload: {},
      },
    };
  };
  const sourceOf =
    (entries: TimelineEntry[]): TimelineSource =>
    async ({ limit, before }) =>
      entries.filter((e) => before === undefined || e.position < before).slice(0, limit);
  const unwrapped = async (sources: TimelineSource[], limit: number, cursor?: string) => {
    const page = await pageTimeline(sources, {
      limit,
      ...(cursor !== undefined ? { cursor } : {}),
    });
    if (!page.ok) throw new Error(page.error.message);
    return page.value;
  };

  it('pages any interleaving, even of times out of order within a source, each entry once', async () => {
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 40; round++) {
      // Newest first by position; the times wander (late receipts), ties included.
      const sources = [0, 1].map((s) =>
        sourceOf(
          Array.from({ length: random(9) }, (_, i) => entry(s, i + 1, random(12))).reverse(),
        ),
      );
      const whole = await unwrapped(sources, 1000);
      const ids = whole.data.map((e) => e.messageId);
      expect(new Set(ids).size).toBe(ids.length);
      for (const limit of [1, 2, 3, 5]) {
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          pages += 1;
          const page = await unwrapped(sources, limit, cursor);
          expect(page.data.length).toBeLessThanOrEqual(limit);
          seen.push(...page.data.map((e) => e.messageId));
          cursor = page.nextCursor ?? undefined;
        } while (cursor !== undefined && pages <= 20);
        expect(seen, `round ${round}, limit ${limit}`).toEqual(ids);
      }
    }
  });

  it('takes the newer instant first, and the first source on a tie', async () => {
    const changes = sourceOf([entry(0, 2, 30), entry(0, 1, 10)]);
    const events = sourceOf([entry(1, 3, 30), entry(1, 2, 20), entry(1, 1, 10)]);
    const page = await unwrapped([changes, events], 10);
    expect(page.data.map((e) => e.messageId)).toEqual(['0:2', '1:3', '1:2', '0:1', '1:1']);
  });
});
