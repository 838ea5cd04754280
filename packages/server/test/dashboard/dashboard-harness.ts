/**
 * The dashboard in real Chromium against the real server on a fresh database: the built app
 * (packages/dashboard/dist, made by `npm ci`'s build) served at `/`, signed in through its own
 * form. Skips with a printed reason when Chromium or the build is missing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Config } from '../../src/config/config.js';
import type { Clock } from '../../src/platform/clock.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.js';
import type { Engine } from '../support/engines.js';
import {
  ADMIN_KEY,
  OWNER_EMAIL,
  OWNER_PASSWORD,
  startTestServer,
  type TestServer,
} from '../support/test-server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '../../../..');
export const DASHBOARD_DIST = path.join(REPO_ROOT, 'packages/dashboard/dist');
export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');

/** Why the browser tests cannot run here, or null when they can. */
export function dashboardSkipReason(): string | null {
  if (!fs.existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
  if (!fs.existsSync(path.join(DASHBOARD_DIST, 'index.html'))) {
    return 'the dashboard is not built (npm run build)';
  }
  return null;
}

export interface DashboardRig {
  server: TestServer;
  browser: Browser;
  url: string;
  /** A new signed-out browser context (its own cookies) with a page on the sign-in form. */
  open(opts?: { locale?: 'en' | 'he' }): Promise<{ context: BrowserContext; page: Page }>;
  /** Signs in through the form and waits for the app's navigation. */
  signIn(page: Page, email?: string, password?: string): Promise<void>;
  /** An admin-key API call (as a script would make). */
  api(pathname: string, init?: { method?: string; body?: unknown }): Promise<Response>;
  stop(): Promise<void>;
}

/** `config`: more settings for the server (an SMTP sink for tests that send email). */
export async function startDashboard(
  engine: Engine,
  opts: { clock?: Clock; config?: Partial<Config> } = {},
): Promise<DashboardRig> {
  const server = await startTestServer(engine, {
    ...(opts.clock ? { clock: opts.clock } : {}),
    config: { ...opts.config, dashboardDir: DASHBOARD_DIST },
  });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
  });
  const rig: DashboardRig = {
    server,
    browser,
    url: server.url,
    open: async ({ locale } = {}) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      const page = await context.newPage();
      if (locale) {
        await page.addInitScript(`localStorage.setItem('comeback.locale', '${locale}')`);
      }
      await page.goto(`${server.url}/`);
      return { context, page };
    },
    signIn: async (page, email = OWNER_EMAIL, password = OWNER_PASSWORD) => {
      await page.getByLabel(/^(Email|דוא״ל)/).fill(email);
      await page.getByLabel(/^(Password|סיסמה)/).fill(password);
      await page.getByRole('button', { name: /^(Sign in|כניסה)$/ }).click();
      await page.getByRole('navigation').waitFor();
    },
    api: (pathname, init = {}) =>
      fetch(`${server.url}${pathname}`, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${ADMIN_KEY}`,
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      }),
    stop: async () => {
      // In the Node 24 CI run the PostgreSQL rig's stop has hung past the hook's 60 s (three
      // runs of .ci/node24 in a row, never when the same files ran by hand): each half is
      // waited for at most 20 s and says so, so cleanup cannot fail a file whose tests passed.
      // Chromium may never answer the close of a page it is tearing down (a known race,
      // microsoft/playwright#41900); it is killed with the test process anyway.
      await settleWithin(browser.close(), 20_000, 'Chromium did not close');
      await settleWithin(server.stop(), 20_000, 'the server did not stop');
    },
  };
  return rig;
}

export function artifactPath(name: string): string {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

const axeSource = fs.readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; html: string; summary: string }[];
}

/**
 * axe-core run in the page; the serious and critical violations. Evaluated through the
 * DevTools protocol, not a script tag: the dashboard's CSP refuses inline scripts (rightly).
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 160), summary: n.failureSummary })),
    })))`)) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Waits for `work` at most `ms`, then goes on with a warning naming what did not finish. */
async function settleWithin(work: Promise<unknown>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const finished = await Promise.race([
    work.then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]);
  clearTimeout(timer);
  if (!finished) console.warn(`dashboard rig: ${what} within ${ms / 1000} s`);
}
