import type { Profile, RenderedMessage, Template } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import { json, startTestServer, type TestServer } from '../support/test-server.js';

/**
 * POST /api/v1/templates/preview on both engines: a template the editor has not saved rendered
 * as the saved preview would render it (language choice, right to left, the profile's
 * variables), its Liquid and MJML errors answered with line and column, and nothing stored.
 */
const mjml = (text: string) =>
  `<mjml>\n<mj-body>\n<mj-section>\n<mj-column>\n<mj-text>${text}</mj-text>\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>`;

const draft = {
  name: 'Autumn offer (draft)',
  channel: 'email',
  kind: 'marketing',
  defaultLanguage: 'en',
  variants: {
    en: {
      subject: 'Autumn offer for {{ profile.first_name | default: "you" }}',
      body: mjml('Hello {{ profile.first_name | default: "there" }}, 15% off at {{ store.name }}.'),
    },
    he: {
      subject: 'מבצע סתיו ל{{ profile.first_name | default: "לך" }}',
      body: mjml('שלום {{ profile.first_name | default: "לך" }}, 15% הנחה.'),
    },
  },
};

interface ErrorBody {
  error: { code: string; message: string; details: { field: string; message: string }[] };
}

for (const engine of engines) {
  describe(`template draft preview (${engine})`, () => {
    let t: TestServer;
    let profileId: string;

    const preview = (body: unknown) => t.api('/api/v1/templates/preview', { method: 'POST', body });
    const rendered = async (body: unknown) => {
      const res = await preview(body);
      expect(res.status, await res.clone().text()).toBe(200);
      return json<RenderedMessage>(res);
    };
    const templateList = async () =>
      json<{ data: Template[] }>(await t.api('/api/v1/templates')).then((b) => b.data);

    beforeAll(async () => {
      t = await startTestServer(engine, { background: false });
      const saved = await t.api('/api/v1/templates', {
        method: 'POST',
        body: { ...draft, name: 'Saved already' },
      });
      expect(saved.status).toBe(201);
      await t.send('/v1/identify', {
        userId: 'u-noa',
        traits: { email: 'noa@example.com', first_name: 'Noa', language: 'he' },
      });
      await t.settle();
      const found = await json<{ data: Profile[] }>(
        await t.api('/api/v1/profiles?email=noa@example.com'),
      );
      profileId = found.data[0]!.id;
    }, 60_000);
    afterAll(async () => t?.stop());

    it('renders a draft in English, and in Hebrew right to left', async () => {
      const en = await rendered({ ...draft, language: 'en' });
      expect(en).toMatchObject({
        channel: 'email',
        language: 'en',
        direction: 'ltr',
        subject: 'Autumn offer for Dana',
      });
      expect(en.html).toContain('Hello Dana, 15% off at');
      expect(en.text).toContain('Hello Dana');

      const he = await rendered({ ...draft, language: 'he' });
      expect(he).toMatchObject({ language: 'he', direction: 'rtl', subject: 'מבצע סתיו לDana' });
      expect(he.html).toMatch(/<html[^>]*dir="rtl"/);
      expect(he.html).toContain('שלום Dana');
    });

    it("brings a profile's first name through, in the profile's language", async () => {
      const forNoa = await rendered({ ...draft, profileId });
      expect(forNoa).toMatchObject({ language: 'he', direction: 'rtl', subject: 'מבצע סתיו לNoa' });
      const inEnglish = await rendered({ ...draft, profileId, language: 'en' });
      expect(inEnglish.subject).toBe('Autumn offer for Noa');
      // `data` is there as for a saved template's preview.
      const withData = await rendered({
        ...draft,
        language: 'en',
        variants: { en: { subject: 'Order {{ order.number }}', body: mjml('x') } },
        data: { order: { number: 'A-17' } },
      });
      expect(withData.subject).toBe('Order A-17');
    });

    it('answers a Liquid error with its line and column, like saving', async () => {
      const res = await preview({
        ...draft,
        language: 'en',
        variants: {
          ...draft.variants,
          en: { subject: 'Hi', body: mjml('Hello\n{{ profile.first_name') },
        },
      });
      expect(res.status).toBe(400);
      const body = await json<ErrorBody>(res);
      expect(body.error.code).toBe('validation_failed');
      expect(body.error.details[0]!.field).toBe('variants.en.body');
      expect(body.error.details[0]!.message).toMatch(/^line 6, column \d+: /);
      expect(body.error.message).toMatch(/^variants\.en\.body: line 6, column \d+: /);

      const badMjml = await preview({
        ...draft,
        variants: {
          en: { subject: 'x', body: '<mjml><mj-body>\n<mj-colum></mj-colum></mj-body></mjml>' },
        },
      });
      expect(badMjml.status).toBe(400);
      const mjmlError = await json<ErrorBody>(badMjml);
      expect(mjmlError.error.details[0]).toMatchObject({ field: 'variants.en.body' });
      expect(mjmlError.error.details[0]!.message).toMatch(/^line 2/);
    });

    it('refuses what saving refuses, and an unknown profile, naming the field', async () => {
      const noSubject = await preview({ ...draft, variants: { en: { body: mjml('x') } } });
      expect(noSubject.status).toBe(400);
      expect((await json<ErrorBody>(noSubject)).error.details).toContainEqual({
        field: 'variants.en.subject',
        message: 'an email needs a subject',
      });
      const stray = await preview({ ...draft, versionNote: 'x' });
      expect(stray.status).toBe(400);
      const badTag = await preview({ ...draft, language: 'not a tag' });
      expect(badTag.status).toBe(400);
      expect((await json<ErrorBody>(badTag)).error.details[0]!.field).toBe('language');
      const nobody = await preview({ ...draft, profileId: 'no-such-profile' });
      expect(nobody.status).toBe(404);
    });

    it('saves nothing: the template list is unchanged', async () => {
      const before = await templateList();
      expect(before.map((x) => x.name)).toEqual(['Saved already']);
      // Even a draft named like a saved template renders (saving would conflict).
      await rendered({ ...draft, name: 'Saved already', language: 'he' });
      await rendered({ ...draft });
      expect(await templateList()).toEqual(before);
    });
  });
}
