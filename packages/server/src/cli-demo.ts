import { InvalidArgumentError, type Command } from 'commander';
import { table } from './cli-journey-output.js';
import type { Config } from './config/config.js';
import { runDemo, type DemoProgress } from './demo-run.js';
import { summaryTable } from './demo-summary.js';
import { createLogger } from './platform/logger.js';
import type { Clock } from './platform/clock.js';

const whole = (min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`a whole number from ${min} to ${max}`);
  return n;
};

function progressBar(p: DemoProgress, interactive: boolean): string {
  const width = 30;
  const done = Math.round((p.day / p.days) * width);
  const bar = `[${'#'.repeat(done)}${'.'.repeat(width - done)}] day ${p.day}/${p.days} · ${p.posted.toLocaleString('en')} calls sent`;
  return interactive ? `\r${bar}` : `${bar}\n`;
}

/** `comeback demo`: a seeded store's 120 days replayed with the whole flow library enabled. */
export function registerDemoCommand(
  program: Command,
  loadConfig: () => Config,
  clock: Clock,
): void {
  program
    .command('demo')
    .description(
      'create a demo workspace on the configured database, enable the whole flow library and replay a synthetic store through the API on a virtual clock',
    )
    // 300 customers replay 120 days in about 70 s here (2 cores); the run grows with the
    // customers (3,000 take about seven and a half minutes): see docs/guides/flows.md.
    .option('--customers <n>', 'customers in the store', whole(10, 100_000), 300)
    .option('--days <n>', 'days of behaviour replayed', whole(7, 365), 120)
    .option('--seed <n>', 'the random seed (same seed, same store)', whole(0, 2 ** 31), 42)
    .option('--workspace <id>', 'the workspace (default: demo, or the next demo-N)')
    .action(async (opts: { customers: number; days: number; seed: number; workspace?: string }) => {
      const config = loadConfig();
      const interactive = process.stderr.isTTY;
      let lastDay = -1;
      process.stderr.write(
        `Replaying ${opts.days} days of a store with ${opts.customers.toLocaleString('en')} customers (seed ${opts.seed})...\n`,
      );
      const result = await runDemo(config, {
        seed: opts.seed,
        customers: opts.customers,
        days: opts.days,
        endAt: clock.now(),
        ...(opts.workspace !== undefined ? { workspace: opts.workspace } : {}),
        logger: createLogger('warn'),
        onProgress: (p) => {
          if (interactive || p.day >= lastDay + 10 || p.day === p.days) {
            lastDay = p.day;
            process.stderr.write(progressBar(p, interactive));
          }
        },
      });
      if (interactive) process.stderr.write('\n');
      const s = result.summary;
      process.stdout.write(
        `\nDemo store "${result.workspace}"${result.resumed ? ' (resumed)' : ''}: ${result.events.toLocaleString('en')} store events and catalog changes in ${result.seconds.toFixed(0)} s\n\n`,
      );
      process.stdout.write(table(summaryTable(s, 'EUR')));
      const languages = Object.entries(s.messagesByLanguage)
        .map(([l, n]) => `${l} ${n}`)
        .join(', ');
      const owner = result.createdOwner;
      const signIn =
        owner === null
          ? 'sign in as the owner'
          : `sign in as ${owner.email}${owner.password ? ` with ${owner.password} (shown once)` : ''}`;
      process.stdout.write(
        `\nMessages by language: ${languages}\n\n` +
          `Where to look (start the server with \`npm start\`):\n` +
          `  the dashboard:     http://localhost:8080/  (${signIn}; choose "Demo store" in the header)\n` +
          `  or the API with the admin key for "${result.workspace}" (shown once): ${result.adminKey}\n` +
          `  the outbox:        GET /api/v1/messages              (rendered messages, each with its status)\n` +
          `  one flow:          GET /api/v1/journeys/{id}/stats   (per step: entered, sent, delayed, branches)\n` +
          `  why a customer:    GET /api/v1/profiles/{id}/journeys and /api/v1/enrollments/{id}/trace\n` +
          `  API reference:     /docs\n`,
      );
    });
}
