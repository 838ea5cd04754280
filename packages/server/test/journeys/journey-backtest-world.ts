/**
 * The world the backtest tests replay: four customers' carts and orders over ten days on the
 * manual clock (journey-world.ts), the abandoned-cart journey live and as a draft, a segment
 * trigger draft, and the backtest route on an app of its own (as app.ts registers it).
 */
import type { BacktestReport } from '@comeback/contracts';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { installErrorHandler } from '../../src/http/error-handler.js';
import { journeyBacktestRoutes } from '../../src/http/routes/journey-backtest-routes.js';
import type { Services } from '../../src/http/services.js';
import type { Database } from '../../src/platform/db/database.js';
import type { Engine } from '../support/engines.js';
import { ADMIN_KEY } from '../support/test-server.js';
import { mjml, startJourneyWorld, type JourneyWorld } from './journey-world.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

const cartTemplate = {
  name: 'Your cart',
  channel: 'email',
  kind: 'marketing',
  variants: {
    en: {
      subject: 'You left something behind',
      body: mjml('{% for p in event.products %}{{ p.name }} x{{ p.quantity }}; {% endfor %}'),
    },
  },
};

/** Abandoned cart; every checkout enters, even while an earlier one is still inside. */
const abandonedCart = (name: string) => ({
  name,
  trigger: { type: 'event', event: 'Checkout Started' },
  entry: { rule: 'every_time', whileInside: true },
  goal: { event: 'Order Completed' },
  start: 'wait_order',
  steps: [
    {
      id: 'wait_order',
      type: 'wait_for_event',
      event: 'Order Completed',
      timeout: { amount: 4, unit: 'hours' },
      next: 'done',
      timeoutNext: 'cart_email',
    },
    { id: 'cart_email', type: 'send', template: 'Your cart', next: 'after_email' },
    { id: 'after_email', type: 'wait', duration: { amount: 1, unit: 'days' }, next: 'done' },
    { id: 'done', type: 'exit' },
  ],
});

const tagBuyers = {
  name: 'Tag new buyers',
  trigger: { type: 'segment_entered', segment: 'Buyers' },
  start: 'tag',
  steps: [
    { id: 'tag', type: 'update_profile', addTags: ['buyer'], next: 'done' },
    { id: 'done', type: 'exit' },
  ],
};

/** Rows of every table of the database (SQLite: the log's file and the derived file). */
export async function rowCounts(database: Database): Promise<Map<string, number>> {
  const db = database.db;
  const tables =
    database.dialect === 'sqlite'
      ? (
          await sql<{ name: string; schema: string }>`
            select name, 'main' as schema from main.sqlite_master where type = 'table'
            union all
            select name, 'derived' as schema from derived.sqlite_master where type = 'table'`.execute(
            db,
          )
        ).rows
      : (
          await sql<{ name: string; schema: string }>`
            select table_name as name, table_schema as schema from information_schema.tables
            where table_type = 'BASE TABLE'
              and table_schema not in ('pg_catalog', 'information_schema')`.execute(db)
        ).rows;
  const counts = new Map<string, number>();
  for (const t of tables) {
    const q = sql<{ n: number }>`select count(*) as n from ${sql.id(t.schema, t.name)}`;
    counts.set(`${t.schema}.${t.name}`, Number((await q.execute(db)).rows[0]?.n));
  }
  return counts;
}

/** What a backtest must leave exactly as it was, row by row. */
export async function contents(database: Database): Promise<unknown[]> {
  const db = database.db;
  return [
    await db.selectFrom('profiles').select(['id', 'traits', 'updated_at']).orderBy('id').execute(),
    await db.selectFrom('journey_enrollments').selectAll().orderBy('id').execute(),
    await db.selectFrom('messages').select(['id', 'status', 'to_address']).orderBy('id').execute(),
    await db.selectFrom('segment_memberships').selectAll().orderBy('profile_id').execute(),
  ];
}

/** The route exactly as app.ts registers it, on an app of its own. */
async function backtestApp(s: Services): Promise<FastifyInstance> {
  const app = Fastify();
  app.decorateRequest('principal', null);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  journeyBacktestRoutes(app, s);
  await app.ready();
  return app;
}

export interface BacktestWorld {
  w: JourneyWorld;
  /** Midnight UTC before the first event: the world's times are offsets from it. */
  d0: number;
  /** Journey ids by name. */
  ids: Record<string, string>;
  backtest(journey: string, body: unknown): Promise<{ status: number; body: BacktestReport }>;
  close(): Promise<void>;
}

export async function startBacktestWorld(engine: Engine): Promise<BacktestWorld> {
  const w = await startJourneyWorld(engine);
  const ids: Record<string, string> = {};
  const clock = w.t.server.services.manualClock;
  if (!clock) throw new Error('the world runs on the manual clock');
  // Midnight UTC: quiet hours and the budget are then at known hours of the day.
  const d0 = Math.ceil((clock.now() + 1) / DAY) * DAY;
  clock.set(d0);
  const app = await backtestApp(w.t.server.services);
  /** Moves the clock to `d0 + offset`, running everything that falls due on the way. */
  const until = async (offset: number) => {
    const ms = d0 + offset - clock.now();
    if (ms > 0) await w.advance(`PT${ms / 1000}S`);
  };
  const track = (user: string, event: string, messageId: string, properties = {}) =>
    w.t.send('/v1/track', { userId: user, event, messageId, properties });
  await w.post('/api/v1/templates', cartTemplate, 201);
  await w.t.api('/api/v1/journey-settings', {
    method: 'PUT',
    body: {
      budget: { email: [{ max: 1, within: { amount: 16, unit: 'hours' } }] },
      quietHours: { start: '21:00', end: '09:00' },
      timezone: 'UTC',
    },
  });
  await w.post(
    '/api/v1/segments',
    {
      name: 'Buyers',
      condition: { type: 'field', field: 'computed.order_count', operator: 'gte', value: 1 },
    },
    201,
  );
  // The same journey live (to compare with) and as a draft (to backtest).
  const live = await w.post<{ id: string }>('/api/v1/journeys', abandonedCart('Live'), 201);
  await w.post(`/api/v1/journeys/${live.id}/activate`, {});
  for (const def of [abandonedCart('Abandoned cart'), tagBuyers])
    ids[def.name] = (await w.post<{ id: string }>('/api/v1/journeys', def, 201)).id;
  const people: [string, Record<string, string>][] = [
    ['ada', { email: 'ada@example.com', email_consent: 'subscribed' }],
    ['bob', { email: 'bob@example.com', email_consent: 'subscribed' }],
    ['cy', { email: 'cy@example.com' }],
    ['dan', { phone: '+381641234567', sms_consent: 'subscribed' }],
  ];
  for (const [user, traits] of people) await w.t.send('/v1/identify', { userId: user, traits });
  const cart = { products: [{ name: 'Daily lenses', quantity: 2 }] };
  // Ada orders within the hour: converted, no email.
  await until(DAY + 10 * HOUR);
  await track('ada', 'Checkout Started', 'c-ada-1', cart);
  await until(DAY + 11 * HOUR);
  await track('ada', 'Order Completed', 'o-ada-1', { order_id: 'o-ada-1', total: 50 });
  // Bob gets the email at 13:00 and orders at 20:00: converted, credited to the email.
  await until(2 * DAY + 9 * HOUR);
  await track('bob', 'Checkout Started', 'c-bob-1', cart);
  await until(2 * DAY + 20 * HOUR);
  await track('bob', 'Order Completed', 'o-bob-1', { order_id: 'o-bob-1', total: 80 });
  // Cy never consented: the email is skipped.
  await until(3 * DAY + 10 * HOUR);
  await track('cy', 'Checkout Started', 'c-cy-1', cart);
  // Bob twice: 14:00 sends; 16:00 is over the budget until 06:00, then quiet until 09:00.
  await until(5 * DAY + 10 * HOUR);
  await track('bob', 'Checkout Started', 'c-bob-2', cart);
  await until(5 * DAY + 12 * HOUR);
  await track('bob', 'Checkout Started', 'c-bob-3', cart);
  // Dan has no email address.
  await until(8 * DAY + 22 * HOUR);
  await track('dan', 'Checkout Started', 'c-dan-1', cart);
  await until(12 * DAY);
  return {
    w,
    d0,
    ids,
    backtest: async (journey, body) => {
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/journeys/${encodeURIComponent(journey)}/backtest`,
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
        payload: body as Record<string, unknown>,
      });
      return { status: res.statusCode, body: res.json<BacktestReport>() };
    },
    close: async () => {
      await app.close();
      await w.close();
    },
  };
}
