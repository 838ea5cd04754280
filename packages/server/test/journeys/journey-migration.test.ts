import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import { json } from '../support/test-server.js';
import { mjml, startJourneyWorld, type JourneyWorld } from './journey-world.js';

/**
 * Versions at run time: an enrollment finishes on the version it entered, unless the explicit
 * migration moves it (by step id, or through a map for a renamed step); a step the new version
 * lacks is refused with its name and nothing moves.
 */
const template = (name: string) => ({
  name,
  channel: 'email',
  kind: 'marketing',
  variants: { en: { subject: name, body: mjml(name) } },
});
const version = (third: { id: string; template: string }, wait = 'two_days') => ({
  name: 'Nurture',
  trigger: { type: 'event', event: 'Signed Up' },
  entry: { rule: 'every_time' },
  start: 'first',
  steps: [
    { id: 'first', type: 'send', template: 'First', next: wait },
    { id: wait, type: 'wait', duration: { amount: 2, unit: 'days' }, next: third.id },
    { id: third.id, type: 'send', template: third.template, next: 'done' },
    { id: 'done', type: 'exit' },
  ],
});

for (const engine of engines) {
  describe(`journey versions at run time (${engine})`, () => {
    let w: JourneyWorld;
    let id: string;
    const signUp = async (user: string) => {
      await w.t.send('/v1/identify', {
        userId: user,
        traits: { email: `${user}@example.com`, email_consent: 'subscribed' },
      });
      await w.t.send('/v1/track', { userId: user, event: 'Signed Up', messageId: `su-${user}` });
      await w.advance('PT1M');
    };
    const subjectsTo = (user: string) =>
      w.sink.messages
        .filter((m) => m.envelopeTo[0] === `${user}@example.com`)
        .map((m) => m.parsed.subject);

    beforeAll(async () => {
      w = await startJourneyWorld(engine);
      for (const name of ['First', 'Old third', 'New third'])
        await w.post('/api/v1/templates', template(name), 201);
      id = (
        await w.post<{ id: string }>(
          '/api/v1/journeys',
          version({ id: 'third', template: 'Old third' }),
          201,
        )
      ).id;
      await w.post(`/api/v1/journeys/${id}/activate`, {});
    }, 60_000);
    afterAll(async () => {
      await w?.close();
    });

    it('finishes on the version it entered; new entries take the new one', async () => {
      await signUp('stays');
      await signUp('moves');
      const edited = version({ id: 'third_v2', template: 'New third' });
      const put = await w.t.api(`/api/v1/journeys/${id}`, { method: 'PUT', body: edited });
      expect(put.status).toBe(200);
      await w.post(`/api/v1/journeys/${id}/activate`, {});
      await signUp('late'); // enters version 2
      // Asking to move the active version's own enrollments is refused.
      const same = await w.t.api(`/api/v1/journeys/${id}/migrate`, {
        method: 'POST',
        body: { from: 2 },
      });
      expect(same.status).toBe(400);
      await w.advance('P2D');
      // Nobody was moved: the two of version 1 get the old third message, "late" the new one.
      expect(subjectsTo('stays')).toEqual(['First', 'Old third']);
      expect(subjectsTo('moves')).toEqual(['First', 'Old third']);
      expect(subjectsTo('late')).toEqual(['First', 'New third']);
    });

    it('moves waiting enrollments by step id, keeping their wait', async () => {
      const put = await w.t.api(`/api/v1/journeys/${id}`, {
        method: 'PUT',
        body: version({ id: 'third_v3', template: 'Old third' }),
      });
      expect(put.status).toBe(200);
      await w.post(`/api/v1/journeys/${id}/activate`, {}); // version 3: Old third again
      await signUp('mover'); // version 3, waits at two_days
      const put4 = await w.t.api(`/api/v1/journeys/${id}`, {
        method: 'PUT',
        body: version({ id: 'third_v4', template: 'New third' }, 'pause'),
      });
      expect(put4.status).toBe(200);
      await w.post(`/api/v1/journeys/${id}/activate`, {}); // version 4 renames the wait
      const refused = await w.t.api(`/api/v1/journeys/${id}/migrate`, {
        method: 'POST',
        body: { from: 3 },
      });
      expect(refused.status).toBe(400);
      const body = await json<{ error: { details: { field: string; message: string }[] } }>(
        refused,
      );
      expect(body.error.details[0]).toEqual({
        field: 'map.two_days',
        message: '1 enrollment(s) are at two_days, which version 4 does not have: map it to a step',
      });
      const moved = await w.post<{ moved: number; steps: unknown[] }>(
        `/api/v1/journeys/${id}/migrate`,
        { from: 3, map: { two_days: 'pause' } },
      );
      expect(moved).toEqual({
        from: 3,
        to: 4,
        moved: 1,
        steps: [{ from: 'two_days', to: 'pause', moved: 1 }],
      });
      await w.advance('P1D');
      expect(subjectsTo('mover')).toEqual(['First']);
      await w.advance('P1D');
      expect(subjectsTo('mover')).toEqual(['First', 'New third']);
    });
  });
}
