/**
 * A runner pass reads each profile, template, recommendation and catalog row once
 * (platform/read-scope.ts), its batch's profiles in one read, on both engines: two profiles,
 * each sent the same template twice in one pass (its html and text both asking for
 * recommendations), counted by the SQL the pass ran.
 * And nothing read in one pass outlives it: a name, a template version and a product title
 * changed between two passes show in the second pass's messages.
 */
import { journeyDefinitionSchema, templateInputSchema } from '@comeback/contracts';
import type { KyselyPlugin } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerRecommendationsFilter } from '../../src/compose-flows.js';
import { EventLog } from '../../src/modules/ingest/index.js';
import { RecommendationService } from '../../src/modules/insights/index.js';
import {
  DefinitionCache,
  JourneyRunner,
  JourneyService,
  JourneySettingsStore,
  liveEnv,
  storedJourneyReferences,
} from '../../src/modules/journeys/index.js';
import {
  ConsentService,
  LinkSigner,
  MessagingService,
  Outbox,
  SenderSettings,
  TemplateService,
} from '../../src/modules/messaging/index.js';
import { ProfileQueries, ProfileStore } from '../../src/modules/profiles/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { JobQueue } from '../../src/platform/jobs/job-queue.js';
import { createLogger } from '../../src/platform/logger.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const DAY = 86_400_000;
const W = 'w_scope';
const SECRET = 'read-scope-test-secret-000001';
const mjml = (text: string) =>
  `<mjml><mj-body><mj-section><mj-column><mj-text>${text}</mj-text></mj-column></mj-section></mj-body></mjml>`;
const picks = '{% assign picks = profile | recommendations: "blend", 2 %}';
const listed = '{% for p in picks %}[{{ p.title }}]{% endfor %}';
const mail = (subject: string) =>
  templateInputSchema.parse({
    name: 'Scope mail',
    channel: 'email',
    kind: 'marketing',
    variants: {
      en: {
        subject: `${subject} {{ profile.first_name }}`,
        body: mjml(`${picks}Hi {{ profile.first_name }} {{ 5 | money }} ${listed}`),
        text: `${picks}Hi {{ profile.first_name }} ${listed}`,
      },
    },
  });
/** Two sends of one template in the first pass, a third after a day (the second pass). */
const JOURNEY = {
  name: 'Scope journey',
  trigger: { type: 'event', event: 'Scope Entered' },
  sending: { quietHours: false, budgetExempt: true },
  start: 'one',
  steps: [
    { id: 'one', type: 'send', template: 'Scope mail', next: 'two' },
    { id: 'two', type: 'send', template: 'Scope mail', next: 'pause' },
    { id: 'pause', type: 'wait', duration: { amount: 1, unit: 'days' }, next: 'three' },
    { id: 'three', type: 'send', template: 'Scope mail', next: 'done' },
    { id: 'done', type: 'exit' },
  ],
};
const PEOPLE = [
  { id: 'prof_ann', email: 'ann@scope.example', name: 'Ann' },
  { id: 'prof_bob', email: 'bob@scope.example', name: 'Bob' },
];

interface World {
  database: Database;
  clock: ManualClock;
  runner: JourneyRunner;
  templates: TemplateService;
  /** SQL statements run since the last `reset`, with their parameters. */
  statements: { sql: string; parameters: readonly unknown[] }[];
}

/** The journey runner as compose-journeys.ts builds it, over a database that logs its SQL. */
async function startWorld(base: Database): Promise<World> {
  const statements: World['statements'] = [];
  const logging: KyselyPlugin = {
    transformQuery: (args) => {
      const compiled = base.db.getExecutor().compileQuery(args.node, args.queryId);
      statements.push({ sql: compiled.sql, parameters: compiled.parameters });
      return args.node;
    },
    transformResult: (args) => Promise.resolve(args.result),
  };
  const database: Database = { ...base, db: base.db.withPlugin(logging) };
  const clock = new ManualClock(T0);
  const logger = createLogger('silent');
  const profiles = new ProfileQueries(database, new ProfileStore(database, SECRET));
  const templates = new TemplateService(database, clock);
  const recommendations = new RecommendationService(
    database,
    clock,
    new JobQueue(database),
    profiles,
    logger,
  );
  registerRecommendationsFilter(templates, recommendations);
  const consent = new ConsentService(database);
  const outbox = new Outbox(database);
  const messaging = new MessagingService({
    database,
    clock,
    templates,
    outbox,
    consent,
    links: new LinkSigner(SECRET, 'https://scope.example'),
    profiles,
    senderSettings: new SenderSettings(database),
    onQueued: () => undefined,
  });
  const env = liveEnv({
    database,
    settings: new JourneySettingsStore(database.db, () => clock.now()),
    messaging,
    consent,
    eventLog: new EventLog(database),
    profiles,
    conditionHolds: () => Promise.resolve(false),
  });
  const runner = new JourneyRunner({
    database,
    clock,
    env,
    definitions: new DefinitionCache(database.db),
    outbox,
    logger,
  });
  await seed(database, templates, clock);
  return { database, clock, runner, templates, statements };
}

async function seed(database: Database, templates: TemplateService, clock: ManualClock) {
  const db = database.db;
  const json = JSON.stringify;
  await db
    .insertInto('workspaces')
    .values({ id: W, name: 'Scope shop', currency: 'EUR', created_at: 0 })
    .execute();
  const saved = await templates.create(W, mail('Hello'));
  if (!saved.ok) throw new Error(saved.error.message);
  const journeys = new JourneyService(database, clock, storedJourneyReferences(db));
  const created = await journeys.create(W, journeyDefinitionSchema.parse(JOURNEY));
  if (!created.ok) throw new Error(created.error.message);
  const active = await journeys.activate(W, created.value.id);
  if (!active.ok) throw new Error(active.error.message);
  await db
    .insertInto('products')
    .values({
      workspace_id: W,
      id: 'prod_cloth',
      title: 'Lens cloth',
      url: null,
      image_url: null,
      categories: json([]),
      price: 5,
      currency: 'EUR',
      stock: null,
      active: 1,
      consumable: 0,
      usage_days: null,
      non_product: null,
      attributes: json({}),
      source: 'test',
      source_updated_at: T0,
      created_at: T0,
      updated_at: T0,
    })
    .execute();
  await db
    .insertInto('popular_products')
    .values({ workspace_id: W, category: '', rank: 1, product_id: 'prod_cloth', score: 1 })
    .execute();
  for (const [i, p] of PEOPLE.entries()) {
    await db
      .insertInto('profiles')
      .values({
        id: p.id,
        workspace_id: W,
        created_at: T0,
        updated_at: T0,
        traits: json({ email: p.email, first_name: p.name }),
        trait_times: json({}),
        order_count: 0,
        total_spent: 0,
        refunded_total: 0,
        first_order_at: null,
        last_order_at: null,
        last_seen_at: null,
        last_product_viewed: null,
        last_product_viewed_at: null,
        categories_bought: json([]),
        products_bought: json([]),
        recreated_after_erasure: 0,
      })
      .execute();
    await db
      .insertInto('identifiers')
      .values({ workspace_id: W, kind: 'email', value: p.email, profile_id: p.id, created_at: T0 })
      .execute();
    await db
      .insertInto('consents')
      .values({
        workspace_id: W,
        profile_id: p.id,
        channel: 'email',
        status: 'subscribed',
        source: 'test',
        proof: null,
        updated_at: T0,
      })
      .execute();
    await db
      .insertInto('journey_enrollments')
      .values({
        id: `enr_scope_${i}`,
        workspace_id: W,
        journey_id: created.value.id,
        version: 1,
        profile_id: p.id,
        entry_key: `event:scope-${i}`,
        status: 'active',
        node: JOURNEY.start,
        visit: 1,
        context: json({
          trigger: {
            type: 'event',
            event: { name: 'Scope Entered', messageId: `scope-${i}`, at: T0, properties: {} },
          },
        }),
        due_at: T0,
        lease_until: null,
        armed_node: null,
        armed_since: null,
        waiting_event: null,
        signal_seq: 0,
        signal: null,
        holdout: 0,
        entered_at: T0,
        updated_at: T0,
        ended_at: null,
        end_reason: null,
        last_message_id: null,
        last_message_at: null,
        converted_at: null,
        revenue: null,
      })
      .execute();
  }
}

/** How many statements ran whose SQL matches `pattern` (and, if given, took `parameter`). */
const count = (w: World, pattern: RegExp, parameter?: unknown) =>
  w.statements.filter(
    (s) => pattern.test(s.sql) && (parameter === undefined || s.parameters.includes(parameter)),
  ).length;

const PROFILE_READ = /from "profile_insights"/;
const TEMPLATE_READ = /from "message_templates" as "t"/;
const CURRENCY_READ = /select "currency" from "workspaces"/;
const RECOMMENDATION_READ = /from "profile_orders" as "o"/;
const POPULAR_READ = /from "popular_products"/;
const CATALOG_READ = /from "products"/;

async function messagesOf(w: World, profileId: string) {
  return w.database.db
    .selectFrom('messages as m')
    .innerJoin('message_contents as c', 'c.message_id', 'm.id')
    .select(['m.subject', 'c.body_text as text', 'c.html'])
    .where('m.profile_id', '=', profileId)
    .orderBy('m.created_at')
    .orderBy('m.id')
    .execute();
}

describe.each(engines)('a journey pass reads once on %s', (engine) => {
  let test: TestDatabase;
  let base: Database;
  let w: World;

  beforeEach(async () => {
    test = await freshDatabase(engine);
    base = openDatabase(test.url);
    await migrateToLatest(base);
    w = await startWorld(base);
  });
  afterEach(async () => {
    await base.close();
    await test.drop();
  });

  it('reads each profile, template and recommendation once for two messages per profile', async () => {
    w.statements.length = 0;
    const pass = await w.runner.runOnce();
    expect(pass).toMatchObject({ claimed: 2, messages: 4, conflicts: 0 });
    for (const p of PEOPLE) {
      const sent = await messagesOf(w, p.id);
      expect(sent.map((m) => m.subject)).toEqual([`Hello ${p.name}`, `Hello ${p.name}`]);
      for (const m of sent) {
        expect(m.text).toContain(`Hi ${p.name} [Lens cloth]`);
        expect(m.html).toContain('[Lens cloth]');
        expect(m.html).toContain('€5.00');
      }
      // The profile: once for its two composes, two recommendation filters and the
      // recommendation's own lookup of the survivor.
      expect(count(w, PROFILE_READ, p.id)).toBe(1);
      // Its recommendations: once for both messages' html and text.
      expect(count(w, RECOMMENDATION_READ, p.id)).toBe(1);
    }
    // Both profiles in one read: the pass reads its batch's profiles at once.
    expect(count(w, PROFILE_READ)).toBe(1);
    // The template (by name), the workspace's currency and the model's lists: once per pass.
    expect(count(w, TEMPLATE_READ, 'Scope mail')).toBe(1);
    expect(count(w, CURRENCY_READ)).toBe(1);
    expect(count(w, POPULAR_READ)).toBe(1);
    // The catalog: the candidates once, and the empty purchase lists need none.
    expect(count(w, CATALOG_READ, 'prod_cloth')).toBe(1);
  });

  it('reads afresh in the next pass what changed between passes', async () => {
    await w.runner.runOnce();
    const db = base.db;
    await db
      .updateTable('profiles')
      .set({ traits: JSON.stringify({ email: PEOPLE[0]?.email, first_name: 'Annie' }) })
      .where('id', '=', 'prof_ann')
      .execute();
    const updated = await w.templates.update(W, 'Scope mail', mail('Welcome back'));
    expect(updated.ok).toBe(true);
    await db
      .updateTable('products')
      .set({ title: 'Microfibre cloth' })
      .where('id', '=', 'prod_cloth')
      .execute();
    await db.updateTable('workspaces').set({ currency: 'GBP' }).where('id', '=', W).execute();
    w.clock.advance(DAY);
    w.statements.length = 0;
    const pass = await w.runner.runOnce();
    expect(pass).toMatchObject({ claimed: 2, messages: 2, conflicts: 0 });
    const ann = (await messagesOf(w, 'prof_ann')).at(-1);
    expect(ann?.subject).toBe('Welcome back Annie');
    expect(ann?.text).toContain('Hi Annie [Microfibre cloth]');
    expect(ann?.html).toContain('£5.00');
    const bob = (await messagesOf(w, 'prof_bob')).at(-1);
    expect(bob?.subject).toBe('Welcome back Bob');
    // The second pass read them again, once.
    expect(count(w, TEMPLATE_READ, 'Scope mail')).toBe(1);
    expect(count(w, PROFILE_READ, 'prof_ann')).toBe(1);
  });

  it('renders nothing for a message that may not go (consent is asked first)', async () => {
    await base.db
      .updateTable('consents')
      .set({ status: 'unsubscribed' })
      .where('profile_id', '=', 'prof_bob')
      .execute();
    w.statements.length = 0;
    const pass = await w.runner.runOnce();
    expect(pass).toMatchObject({ claimed: 2, messages: 2, conflicts: 0 });
    expect(await messagesOf(w, 'prof_bob')).toEqual([]);
    expect((await messagesOf(w, 'prof_ann')).length).toBe(2);
    // Ann's messages were rendered (her recommendations read once); Bob's never were.
    expect(count(w, RECOMMENDATION_READ, 'prof_ann')).toBe(1);
    expect(count(w, RECOMMENDATION_READ, 'prof_bob')).toBe(0);
  });
});
