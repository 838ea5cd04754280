/**
 * Journey definitions over real HTTP on both engines: a Fastify app holding just the journey
 * routes, with the real JourneyService, TemplateService and SegmentService on a fresh database
 * and a real admin key. Covers saving and reading, refusals with their JSON paths, names,
 * versions made by activation, the lifecycle, racing activations, and which journeys use a
 * segment or template.
 */
import {
  journeyDefinitionJsonSchema,
  journeyDefinitionSchema,
  journeySchema,
  type Journey,
  type JourneyDefinitionInput,
  type TemplateDefinition,
} from '@comeback/contracts';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandler } from '../../src/http/error-handler.js';
import { journeyExamples, welcomeDefinition } from '../../src/http/openapi/journey-operations.js';
import { journeyRoutes } from '../../src/http/routes/journey-routes.js';
import { JourneyService, storedJourneyReferences } from '../../src/modules/journeys/index.js';
import { TemplateService } from '../../src/modules/messaging/template-service.js';
import { CustomFieldRegistry } from '../../src/modules/profiles/index.js';
import { SegmentService } from '../../src/modules/segments/index.js';
import { KeyResolver, generateKey, insertKey } from '../../src/modules/workspaces/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';

const T0 = Date.UTC(2026, 4, 4, 9, 30, 0);
const iso = (ms: number) => new Date(ms).toISOString();
const W = 'w-journeys';
const OTHER = 'w-other';

const mjml = (text: string) =>
  `<mjml><mj-body><mj-section><mj-column><mj-text>${text}</mj-text></mj-column></mj-section></mj-body></mjml>`;
const templates: TemplateDefinition[] = [
  { name: 'Welcome 1', channel: 'email', variants: { en: { subject: 'Hi', body: mjml('Hi') } } },
  { name: 'Lens reminder SMS', channel: 'sms', variants: { en: { body: 'Lenses low?' } } },
  { name: 'Loyal buyer WhatsApp', channel: 'whatsapp', variants: { en: { body: 'Thanks!' } } },
  {
    name: 'CRM hook',
    channel: 'webhook',
    webhookUrl: 'https://crm.example/hooks/journey',
    variants: { en: { body: '{"profile": "{{ profile.id }}"}' } },
  },
].map((t) => ({ kind: 'marketing', defaultLanguage: 'en', ...t }) as TemplateDefinition);

/** The catalogue's example with another name (and any change `over` makes). */
const welcome = (name: string, over: Partial<JourneyDefinitionInput> = {}) =>
  ({ ...structuredClone(welcomeDefinition), name, ...over }) as JourneyDefinitionInput;
const stepsOf = () => structuredClone(welcomeDefinition.steps) as JourneyDefinitionInput['steps'];

interface Answer<T> {
  status: number;
  body: T;
}
interface Refusal {
  error: { code: string; message: string; details: { field: string; message: string }[] };
}
type Version = { version: number; activatedAt: string; definition: unknown };

describe.each(engines)('journeys API on %s', (engine) => {
  let test: TestDatabase;
  let database: Database;
  let app: FastifyInstance;
  let base: string;
  let adminKey: string;
  let journeys: JourneyService;
  let segments: SegmentService;
  const clock = new ManualClock(T0);
  const ids = new Map<string, string>();

  beforeAll(async () => {
    test = await freshDatabase(engine);
    database = openDatabase(test.url);
    await migrateToLatest(database);
    for (const id of [W, OTHER])
      await database.db
        .insertInto('workspaces')
        .values({ id, name: 'Lens shop', currency: 'USD', created_at: 0 })
        .execute();
    adminKey = generateKey('admin');
    await insertKey(database.db, { workspaceId: W, scope: 'admin', key: adminKey, now: T0 });
    const templateService = new TemplateService(database, clock);
    for (const t of templates) {
      const saved = await templateService.create(W, t);
      if (!saved.ok) throw new Error(saved.error.message);
      ids.set(t.name, saved.value.id);
    }
    segments = new SegmentService(
      database,
      new CustomFieldRegistry(database.db, () => clock.now()),
      clock,
    );
    for (const name of ['Lens buyers', 'VIP']) {
      const saved = await segments.create(W, {
        name,
        condition: { type: 'field', field: 'computed.order_count', operator: 'gte', value: 1 },
      });
      if (!saved.ok) throw new Error(saved.error.message);
      ids.set(name, saved.value.id);
    }
    journeys = new JourneyService(database, clock, storedJourneyReferences(database.db));
    app = Fastify({ routerOptions: { maxParamLength: 512 } });
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    installErrorHandler(app);
    journeyRoutes(app, { journeys, keys: new KeyResolver(database.db, () => Date.now()) });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
    await test?.drop();
  });

  async function call<T = Journey>(
    method: string,
    path: string,
    body?: unknown,
    key: string | null = adminKey,
  ): Promise<Answer<T>> {
    const response = await fetch(`${base}/api/v1/journeys${path}`, {
      method,
      headers: {
        ...(key !== null ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as T };
  }
  const refusal = async (method: string, path: string, body?: unknown) => {
    const answer = await call<Refusal>(method, path, body);
    return { status: answer.status, ...answer.body.error };
  };
  const created = async (definition: JourneyDefinitionInput) => {
    const answer = await call('POST', '', definition);
    expect(answer.status).toBe(201);
    return answer.body;
  };
  const versionsOf = async (id: string) =>
    (await call<{ data: Version[] }>('GET', `/${id}/versions`)).body.data;

  it('saves the documented example as a draft and reads it by id, by name and in the list', async () => {
    const journey = await created(welcome('Welcome after the first order'));
    const definition = journeyDefinitionSchema.parse(welcomeDefinition);
    expect(journey).toEqual({
      id: expect.stringMatching(/^jrn_[0-9a-f]{20}$/),
      status: 'draft',
      definition,
      activeVersion: null,
      changedSinceActivation: true,
      createdAt: iso(T0),
      updatedAt: iso(T0),
    });
    expect((await call('GET', `/${journey.id}`)).body).toEqual(journey);
    expect((await call('GET', `/${encodeURIComponent(definition.name)}`)).body).toEqual(journey);
    const listed = await call<{ data: Journey[] }>('GET', '');
    expect(listed.body.data.filter((j) => j.id === journey.id)).toEqual([journey]);
    expect(await journeys.list(OTHER)).toEqual([]);
    expect(await refusal('GET', '/jrn_00000000000000000000')).toMatchObject({
      status: 404,
      code: 'not_found',
      message: 'no journey jrn_00000000000000000000',
    });
    expect((await call('GET', '', undefined, null)).status).toBe(401);
    expect((await call<unknown>('GET', '/schema')).body).toEqual(journeyDefinitionJsonSchema());
    // The catalogue's answers have the contract's shape.
    expect(journeySchema.safeParse(journeyExamples.draftJourney).success).toBe(true);
    expect(journeySchema.safeParse(journeyExamples.activeJourney).success).toBe(true);
  });

  it('refuses a broken graph with the JSON path of the fault, saving nothing', async () => {
    const before = (await journeys.list(W)).length;
    const missing = stepsOf();
    missing[1] = {
      id: 'three-days',
      type: 'wait',
      duration: { amount: 3, unit: 'days' },
      next: 'nowhere',
    };
    const loop = stepsOf();
    loop[1] = {
      id: 'three-days',
      type: 'wait',
      duration: { amount: 3, unit: 'days' },
      next: 'thank-you',
    };
    const orphan = [...stepsOf(), { id: 'orphan', type: 'exit' as const }];
    const cases: [JourneyDefinitionInput['steps'], string, string][] = [
      [missing, 'steps.1.next', 'no step nowhere'],
      [
        loop,
        'steps.0',
        'the steps loop (thank-you -> three-days -> thank-you): every branch must end',
      ],
      [orphan, 'steps.6', 'orphan cannot be reached from thank-you'],
    ];
    for (const [steps, field, message] of cases)
      expect(await refusal('POST', '', welcome('Broken', { steps }))).toEqual({
        status: 400,
        code: 'validation_failed',
        message: `${field}: ${message}`,
        details: [{ field, message }],
      });
    expect(await journeys.list(W)).toHaveLength(before);
  });

  it('refuses unknown segments and templates, and templates of the wrong kind, by path', async () => {
    const steps = stepsOf();
    steps[0] = { id: 'thank-you', type: 'send', template: 'Welcome 2', next: 'three-days' };
    steps[3] = { id: 'sms-reminder', type: 'send', template: 'CRM hook', next: 'done' };
    const welcomeId = ids.get('Welcome 1') ?? '';
    steps[4] = { id: 'whatsapp-thanks', type: 'webhook', template: welcomeId, next: 'vip' };
    steps.splice(5, 0, {
      id: 'vip',
      type: 'split',
      branches: [
        {
          condition: { type: 'not', condition: { type: 'segment', segment: 'Ghost' } },
          next: 'done',
        },
      ],
      otherwise: 'hook',
    });
    steps.push({ id: 'hook', type: 'webhook', template: 'CRM hook', next: 'done' });
    const definition = welcome('Bad references', {
      trigger: { type: 'segment_entered', segment: 'seg_00000000000000000000' },
      entry: {
        rule: 'once',
        whileInside: false,
        segment: 'Lens buyers',
        condition: { type: 'segment', segment: 'Nobody' },
      },
      steps,
    });
    const answer = await refusal('POST', '', definition);
    expect(answer).toEqual({
      status: 400,
      code: 'validation_failed',
      message: 'trigger.segment: no segment "seg_00000000000000000000"',
      details: [
        { field: 'trigger.segment', message: 'no segment "seg_00000000000000000000"' },
        { field: 'entry.condition.segment', message: 'no segment "Nobody"' },
        { field: 'steps.0.template', message: 'no template "Welcome 2"' },
        {
          field: 'steps.3.template',
          message: 'template "CRM hook" is a webhook template: use a webhook step for it',
        },
        {
          field: 'steps.4.template',
          message: `template "${welcomeId}" is for email: a webhook step needs a webhook template`,
        },
        { field: 'steps.5.branches.0.condition.condition.segment', message: 'no segment "Ghost"' },
      ],
    });
    expect((await journeys.list(W)).some((j) => j.definition.name === 'Bad references')).toBe(
      false,
    );
    // The same references, by id and name, once they exist and fit: saved.
    const fixed = welcome('Good references', {
      trigger: { type: 'segment_entered', segment: ids.get('VIP') ?? '' },
      entry: { rule: 'once', whileInside: false, segment: 'Lens buyers' },
    });
    expect((await call('POST', '', fixed)).status).toBe(201);
  });

  it('keeps names unique per workspace, on create and on rename', async () => {
    await created(welcome('Taken'));
    const other = await created(welcome('Free'));
    const duplicate = {
      status: 409,
      code: 'conflict',
      message: 'a journey named "Taken" already exists in this workspace',
      details: [{ field: 'name', message: 'already used by another journey of this workspace' }],
    };
    expect(await refusal('POST', '', welcome('Taken'))).toEqual(duplicate);
    expect(await refusal('PUT', `/${other.id}`, welcome('Taken'))).toEqual(duplicate);
    const racing = await Promise.all([1, 2, 3].map(() => call('POST', '', welcome('Racing'))));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(await journeys.usingSegment(OTHER, 'x')).toEqual([]);
    await database.db
      .insertInto('journeys')
      .values({
        id: 'jrn_ffffffffffffffffffff',
        workspace_id: OTHER,
        name: 'Taken',
        status: 'draft',
        draft: JSON.stringify(journeyDefinitionSchema.parse(welcome('Taken'))),
        active_version: null,
        created_at: T0,
        updated_at: T0,
      })
      .execute();
    expect((await journeys.get(OTHER, 'Taken')).ok).toBe(true);
  });

  it('versions activations: v1, edits stay drafts, v2 on a changed draft, none when unchanged', async () => {
    const journey = await created(welcome('Versions'));
    clock.advance(1000);
    const v1 = await call('POST', `/${journey.id}/activate`);
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({
      status: 'active',
      activeVersion: 1,
      changedSinceActivation: false,
      updatedAt: iso(clock.now()),
    });
    const first = journeyDefinitionSchema.parse(welcome('Versions'));
    expect(await versionsOf(journey.id)).toEqual([
      { version: 1, activatedAt: iso(T0 + 1000), definition: first },
    ]);

    clock.advance(1000);
    const edited = welcome('Versions', { description: 'Second wording' });
    const put = await call('PUT', `/${journey.id}`, edited);
    expect(put.body).toMatchObject({
      status: 'active',
      activeVersion: 1,
      changedSinceActivation: true,
    });
    expect(put.body.definition.description).toBe('Second wording');
    expect(await versionsOf(journey.id)).toHaveLength(1);

    clock.advance(1000);
    const v2 = await call('POST', `/${journey.id}/activate`);
    expect(v2.body).toMatchObject({
      status: 'active',
      activeVersion: 2,
      changedSinceActivation: false,
    });
    const again = await call('POST', `/${journey.id}/activate`);
    expect(again.body).toMatchObject({ status: 'active', activeVersion: 2 });
    // Editing back to what runs is no change either.
    await call('PUT', `/${journey.id}`, edited);
    expect((await call('POST', `/${journey.id}/activate`)).body.activeVersion).toBe(2);
    expect(await versionsOf(journey.id)).toEqual([
      { version: 1, activatedAt: iso(T0 + 1000), definition: first },
      {
        version: 2,
        activatedAt: iso(T0 + 3000),
        definition: journeyDefinitionSchema.parse(edited),
      },
    ]);
  });

  it('pauses only an active journey, resumes on the same version, and archives for good', async () => {
    const journey = await created(welcome('Lifecycle'));
    const notActive = await refusal('POST', `/${journey.id}/pause`);
    expect(notActive).toMatchObject({
      status: 409,
      code: 'conflict',
      message: 'journey "Lifecycle" is draft: only an active journey can be paused',
    });
    await call('POST', `/${journey.id}/activate`);
    const paused = await call('POST', `/${journey.id}/pause`);
    expect(paused.body).toMatchObject({ status: 'paused', activeVersion: 1 });
    expect((await refusal('POST', `/${journey.id}/pause`)).status).toBe(409);
    const resumed = await call('POST', `/Lifecycle/activate`);
    expect(resumed.body).toMatchObject({
      status: 'active',
      activeVersion: 1,
      changedSinceActivation: false,
    });
    // Paused with an edit: activating resumes on a new version.
    await call('POST', `/${journey.id}/pause`);
    await call('PUT', `/${journey.id}`, welcome('Lifecycle', { description: 'v2' }));
    expect((await call('POST', `/${journey.id}/activate`)).body).toMatchObject({
      status: 'active',
      activeVersion: 2,
    });

    const archived = await call('POST', `/${journey.id}/archive`);
    expect(archived.body).toMatchObject({ status: 'archived', activeVersion: 2 });
    const refused = {
      status: 409,
      code: 'conflict',
      message: 'journey "Lifecycle" is archived: it cannot be edited or activated',
      details: [{ field: 'status', message: 'archived' }],
    };
    expect(await refusal('PUT', `/${journey.id}`, welcome('Lifecycle'))).toEqual(refused);
    expect(await refusal('POST', `/${journey.id}/activate`)).toEqual(refused);
    expect((await refusal('POST', `/${journey.id}/pause`)).status).toBe(409);
    expect((await call('POST', `/${journey.id}/archive`)).body).toEqual(archived.body);
    expect(await versionsOf(journey.id)).toHaveLength(2);
    const draft = await created(welcome('Archived draft'));
    expect((await call('POST', `/${draft.id}/archive`)).body.status).toBe('archived');
  });

  it('creates one version when activations race', async () => {
    const journey = await created(welcome('Race'));
    for (let round = 1; round <= 3; round++) {
      if (round > 1)
        await call('PUT', `/${journey.id}`, welcome('Race', { description: `round ${round}` }));
      const answers = await Promise.all(
        [1, 2, 3, 4].map(() => call('POST', `/${journey.id}/activate`)),
      );
      for (const a of answers) {
        expect([200, 409]).toContain(a.status);
        if (a.status === 200) expect(a.body.activeVersion).toBe(round);
      }
      expect(answers.some((a) => a.status === 200)).toBe(true);
      expect((await versionsOf(journey.id)).map((v) => v.version)).toEqual(
        Array.from({ length: round }, (_, i) => i + 1),
      );
    }
  });

  it('checks references again on activation', async () => {
    const gone = await segments.create(W, {
      name: 'Soon deleted',
      condition: { type: 'field', field: 'computed.order_count', operator: 'gte', value: 2 },
    });
    if (!gone.ok) throw new Error(gone.error.message);
    const journey = await created(
      welcome('Needs a segment', {
        entry: { rule: 'once', whileInside: false, segment: 'Soon deleted' },
      }),
    );
    expect((await segments.delete(W, gone.value.id)).ok).toBe(true);
    expect(await refusal('POST', `/${journey.id}/activate`)).toMatchObject({
      status: 400,
      details: [{ field: 'entry.segment', message: 'no segment "Soon deleted"' }],
    });
    expect((await call('GET', `/${journey.id}`)).body).toMatchObject({
      status: 'draft',
      activeVersion: null,
    });
  });

  it('tells which journeys use a segment or a template, by id or by name', async () => {
    const vip = ids.get('VIP') ?? '';
    const lens = ids.get('Lens buyers') ?? '';
    const crm = ids.get('CRM hook') ?? '';
    const byName = await created(
      welcome('Uses VIP by name', {
        trigger: { type: 'schedule', cron: '0 10 * * 1', segment: 'VIP' },
      }),
    );
    const steps = stepsOf();
    steps[3] = { id: 'sms-reminder', type: 'webhook', template: crm, next: 'done' };
    steps.splice(5, 0, {
      id: 'vip',
      type: 'split',
      branches: [
        {
          condition: { type: 'or', conditions: [{ type: 'segment', segment: vip }] },
          next: 'done',
        },
      ],
      otherwise: 'done',
    });
    steps[4] = {
      id: 'whatsapp-thanks',
      type: 'send',
      template: 'Loyal buyer WhatsApp',
      next: 'vip',
    };
    const byId = await created(welcome('Uses VIP by id', { steps }));
    // Only the active version still names Lens buyers once the draft drops it.
    const lensThenNot = await created(
      welcome('Lens in v1', { entry: { rule: 'once', whileInside: false, segment: lens } }),
    );
    await call('POST', `/${lensThenNot.id}/activate`);
    await call('PUT', `/${lensThenNot.id}`, welcome('Lens in v1'));
    const archived = await created(
      welcome('Archived VIP', { entry: { rule: 'once', whileInside: false, segment: 'VIP' } }),
    );
    await call('POST', `/${archived.id}/archive`);

    const names = (list: { id: string; name: string }[]) => list.map((j) => j.name).sort();
    expect(names(await journeys.usingSegment(W, vip))).toEqual([
      'Good references',
      'Uses VIP by id',
      'Uses VIP by name',
    ]);
    expect(
      (await journeys.usingSegment(W, vip)).find((j) => j.name === 'Uses VIP by name'),
    ).toEqual({ id: byName.id, name: 'Uses VIP by name' });
    expect(names(await journeys.usingSegment(W, lens))).toEqual(['Good references', 'Lens in v1']);
    expect(names(await journeys.usingTemplate(W, crm))).toEqual(['Uses VIP by id']);
    const whatsapp = await journeys.usingTemplate(W, ids.get('Loyal buyer WhatsApp') ?? '');
    expect(whatsapp.filter((j) => j.id === byId.id)).toEqual([
      { id: byId.id, name: 'Uses VIP by id' },
    ]);
    expect(await journeys.usingSegment(OTHER, vip)).toEqual([]);
    expect(await journeys.usingTemplate(W, 'tpl_00000000000000000000')).toEqual([]);
  });
});
