/**
 * The demo end to end on both engines, smaller than `comeback demo` (seeded): the whole flow
 * library enabled, a synthetic store's days replayed through the API on the virtual clock.
 * It asserts the outcome's shape, not numbers: every flow had entries and sends; no enrollment
 * got a step's message twice; no marketing message went to someone without consent at that
 * instant; the frequency budget held for every customer and channel; cart abandonment sent
 * nothing to those who bought within its wait; messages exist in English, Hebrew and Serbian;
 * and running the demo again starts a fresh workspace instead of doubling the first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig, type Config } from '../../src/config/config.js';
import { runDemo, type DemoResult } from '../../src/demo-run.js';
import { createLogger } from '../../src/platform/logger.js';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { freshDatabase, type Engine, type TestDatabase } from '../support/engines.js';
import { CHROMIUM, CHROMIUM_ARGS, loadPlaywright } from '../support/chromium.js';
import { REPO_ROOT } from '../process/harness.js';

const playwright = await loadPlaywright();
if (!playwright)
  console.warn(`demo-e2e: Chromium check skipped (needs playwright-core and ${CHROMIUM})`);

const END = Date.UTC(2026, 10, 30, 0, 0, 0);
const DAYS = Number(process.env.DEMO_E2E_DAYS ?? 120);
/**
 * Customers per engine: PostgreSQL replays a smaller store (the same 120 days and every
 * assertion), since its run is the suite's longest by far (about 290 s at 150 in CI).
 */
const customersOn = (engine: Engine) =>
  Number(process.env.DEMO_E2E_CUSTOMERS ?? (engine === 'postgres' ? 100 : 150));
const STEP_HOURS = 6;
const HOUR = 3_600_000;
const BUDGET: Record<string, number> = { email: 3, sms: 2, whatsapp: 2 };
const WEEK = 7 * 24 * HOUR;

/**
 * One engine's run; each engine has its own test file so the two (minutes each) run on both
 * workers at once.
 */
export function demoE2eSuite(engine: Engine): void {
  describe(`the demo on ${engine}`, () => {
    let test: TestDatabase;
    let config: Config;
    let result: DemoResult;
    let database: Database;
    let dataDir: string;

    beforeAll(async () => {
      test = await freshDatabase(engine);
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'comeback-demo-'));
      const parsed = readConfig({
        DATABASE_URL: test.url,
        COMEBACK_DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
      });
      if (!parsed.ok) throw new Error(parsed.problems.join('; '));
      config = parsed.config;
      result = await runDemo(config, {
        seed: 7,
        customers: customersOn(engine),
        days: DAYS,
        endAt: END,
        stepHours: STEP_HOURS,
        logger: createLogger('silent'),
      });
      database = openDatabase(test.url);
    }, 900_000); // Four to seven minutes on PostgreSQL in CI, more with the suite beside it.
    afterAll(async () => {
      await database?.close();
      await test?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('gives every flow entries and sends', () => {
      expect(result.workspace).toBe('demo');
      expect(result.summary.flows.length).toBeGreaterThanOrEqual(20);
      const idle = result.summary.flows.filter(
        (f) => f.entered === 0 || Object.values(f.messages).reduce((a, n) => a + n, 0) === 0,
      );
      expect(idle.map((f) => `${f.journey}: ${f.entered} entered`)).toEqual([]);
      for (const lang of ['en', 'he', 'sr'])
        expect(result.summary.messagesByLanguage[lang] ?? 0).toBeGreaterThan(0);
    });

    it('never sends one enrollment the same step twice', async () => {
      const doubled = await database.db
        .selectFrom('journey_steps')
        .select(['enrollment_id', 'node', sql<number>`count(*)`.as('n')])
        .where('workspace_id', '=', 'demo')
        .where('outcome', '=', 'sent')
        .groupBy(['enrollment_id', 'node'])
        .having(sql<number>`count(*)`, '>', 1)
        .execute();
      expect(doubled).toEqual([]);
    });

    it('sends marketing only to those who consented at that instant', async () => {
      const sent = await database.db
        .selectFrom('messages')
        .select(['profile_id', 'channel', 'created_at'])
        .where('workspace_id', '=', 'demo')
        .where('kind', '=', 'marketing')
        .where('channel', 'in', ['email', 'sms', 'whatsapp'])
        .execute();
      expect(sent.length).toBeGreaterThan(0);
      const changes = await database.db
        .selectFrom('consent_changes')
        .select(['profile_id', 'channel', 'status', 'at'])
        .where('workspace_id', '=', 'demo')
        .orderBy('seq')
        .execute();
      const byKey = new Map<string, { status: string; at: number }[]>();
      for (const c of changes) {
        const key = `${c.profile_id}/${c.channel}`;
        byKey.set(key, [...(byKey.get(key) ?? []), { status: c.status, at: Number(c.at) }]);
      }
      // A change stamped within the last step before a send may have reached the server only
      // after it (the replay sends each step's calls when the clock passes them); any older one
      // was applied before the clock moved on, so the send must have seen it.
      const unconsented = sent.filter((m) => {
        const at = Number(m.created_at);
        const known = (byKey.get(`${m.profile_id}/${m.channel}`) ?? []).filter(
          (c) => c.at <= at - STEP_HOURS * HOUR,
        );
        const recent = (byKey.get(`${m.profile_id}/${m.channel}`) ?? []).some(
          (c) => c.at > at - STEP_HOURS * HOUR && c.at <= at,
        );
        const last = known.sort((a, b) => a.at - b.at).at(-1);
        return !recent && last?.status !== 'subscribed';
      });
      expect(unconsented).toEqual([]);
    });

    it('keeps every customer within the frequency budget on every channel', async () => {
      const sends = await database.db
        .selectFrom('journey_steps as s')
        .innerJoin('messages as m', 'm.id', 's.message_id')
        .innerJoin('journeys as j', 'j.id', 's.journey_id')
        .select(['m.profile_id', 'm.channel', 's.at', 'j.draft'])
        .where('s.workspace_id', '=', 'demo')
        .where('s.outcome', '=', 'sent')
        .where('m.kind', '=', 'marketing')
        .execute();
      const counted = sends.filter((s) => {
        const d = (typeof s.draft === 'string' ? JSON.parse(s.draft) : s.draft) as {
          sending: { budgetExempt: boolean };
        };
        return !d.sending.budgetExempt;
      });
      const over: string[] = [];
      const byKey = new Map<string, number[]>();
      for (const s of counted) {
        const key = `${s.profile_id}/${s.channel}`;
        byKey.set(key, [...(byKey.get(key) ?? []), Number(s.at)]);
      }
      for (const [key, times] of byKey) {
        const max = BUDGET[key.split('/')[1] ?? ''];
        if (max === undefined) continue;
        times.sort((a, b) => a - b);
        for (let i = max; i < times.length; i++)
          if ((times[i] ?? 0) - (times[i - max] ?? 0) < WEEK) over.push(key);
      }
      expect([...new Set(over)]).toEqual([]);
      expect(result.summary.flows.some((f) => f.delayedByBudget > 0)).toBe(true);
    });

    it('sends no cart reminder to those who bought within the wait', async () => {
      const reminded = await database.db
        .selectFrom('journey_steps as s')
        .innerJoin('journey_enrollments as e', 'e.id', 's.enrollment_id')
        .innerJoin('journeys as j', 'j.id', 's.journey_id')
        .select(['e.profile_id', 'e.entered_at', 's.at'])
        .where('s.workspace_id', '=', 'demo')
        .where('j.name', '=', 'Cart abandonment')
        .where('s.outcome', '=', 'sent')
        .execute();
      expect(reminded.length).toBeGreaterThan(0);
      const bought = await database.db
        .selectFrom('profile_orders')
        .select(['profile_id', 'ordered_at'])
        .where('workspace_id', '=', 'demo')
        .execute();
      const ordersOf = new Map<string, number[]>();
      for (const o of bought)
        ordersOf.set(o.profile_id, [...(ordersOf.get(o.profile_id) ?? []), Number(o.ordered_at)]);
      // Bought between entering and the reminder: the journey should have let them go.
      const wrong = reminded.filter((r) =>
        (ordersOf.get(r.profile_id) ?? []).some(
          (t) => t >= Number(r.entered_at) && t <= Number(r.at) - STEP_HOURS * HOUR,
        ),
      );
      expect(wrong).toEqual([]);
    });

    it.skipIf(!playwright)(
      'renders a Hebrew email of the outbox right-to-left in Chromium (screenshot saved)',
      async () => {
        const he = await database.db
          .selectFrom('messages')
          .innerJoin('message_contents', 'message_contents.message_id', 'messages.id')
          .select(['message_contents.html', 'messages.subject'])
          .where('messages.workspace_id', '=', 'demo')
          .where('messages.language', '=', 'he')
          .where('messages.channel', '=', 'email')
          .where('message_contents.html', 'is not', null)
          .orderBy('messages.created_at')
          .limit(1)
          .executeTakeFirstOrThrow();
        expect(he.subject).toMatch(/[\u0590-\u05FF]/);
        const browser = await playwright!.chromium.launch({
          executablePath: CHROMIUM,
          headless: true,
          args: CHROMIUM_ARGS,
        });
        try {
          const page = await browser.newPage();
          await page.setViewportSize({ width: 700, height: 1000 });
          await page.setContent(he.html ?? '', { waitUntil: 'load' });
          const layout = (await page.evaluate(`(() => {
          const texts = [...document.querySelectorAll('td div')].filter((d) => /[\u0590-\u05FF]/.test(d.textContent) && d.children.length === 0);
          const first = texts[0];
          const style = first ? getComputedStyle(first) : null;
          return { dir: document.documentElement.dir, body: getComputedStyle(document.body).direction,
            direction: style && style.direction, align: style && style.textAlign, hebrew: texts.length };
        })()`)) as { dir: string; body: string; direction: string; align: string; hebrew: number };
          expect(layout).toMatchObject({ dir: 'rtl', body: 'rtl', direction: 'rtl' });
          expect(['right', 'start', 'center']).toContain(layout.align);
          expect(layout.hebrew).toBeGreaterThan(2);
          const shot = path.join(REPO_ROOT, 'test-artifacts', `demo-email-he-${engine}.png`);
          fs.mkdirSync(path.dirname(shot), { recursive: true });
          await page.screenshot({ path: shot, fullPage: true });
          expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
        } finally {
          await browser.close();
        }
      },
    );

    it('starts a fresh workspace when run again, never doubling the first', async () => {
      const before = await database.db
        .selectFrom('messages')
        .select(sql<number>`count(*)`.as('n'))
        .where('workspace_id', '=', 'demo')
        .executeTakeFirstOrThrow();
      const again = await runDemo(config, {
        seed: 7,
        customers: 30,
        days: 7,
        endAt: END,
        stepHours: 24,
        logger: createLogger('silent'),
      });
      expect(again.workspace).toBe('demo-2');
      const after = await database.db
        .selectFrom('messages')
        .select(sql<number>`count(*)`.as('n'))
        .where('workspace_id', '=', 'demo')
        .executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    }, 300_000);
  });
}
