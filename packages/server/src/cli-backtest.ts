import { randomBytes } from 'node:crypto';
import type { BacktestReport } from '@comeback/contracts';
import { InvalidArgumentError, type Command } from 'commander';
import { shown, table, type Outcome } from './cli-journey-output.js';
import type { Config } from './config/config.js';
import { JourneyBacktest } from './modules/journeys/backtest.js';
import {
  JourneyService,
  JourneySettingsStore,
  storedJourneyReferences,
} from './modules/journeys/index.js';
import {
  ConsentService,
  LinkSigner,
  MessagingService,
  Outbox,
  SenderSettings,
  TemplateService,
} from './modules/messaging/index.js';
import { CustomFieldRegistry, ProfileQueries, ProfileStore } from './modules/profiles/index.js';
import { SegmentService } from './modules/segments/index.js';
import { DEFAULT_WORKSPACE_ID } from './modules/workspaces/index.js';
import type { Clock } from './platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from './platform/db/database.js';

const integer = (min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max)
    throw new InvalidArgumentError(`an integer from ${min} to ${max}`);
  return n;
};

/**
 * The backtest's services over one database, as the server composes them. Rendering signs the
 * unsubscribe and preference links of a message, and a backtest shows no message body: a
 * throwaway key signs them, so the command needs (and touches) no instance secret.
 */
function backtestOver(database: Database, clock: Clock, publicUrl: string): JourneyBacktest {
  const throwaway = randomBytes(32).toString('base64url');
  const segments = new SegmentService(
    database,
    new CustomFieldRegistry(database.db, () => clock.now()),
    clock,
  );
  const templates = new TemplateService(database, clock);
  const consent = new ConsentService(database);
  const profiles = new ProfileQueries(database, new ProfileStore(database, throwaway));
  return new JourneyBacktest({
    database,
    journeys: new JourneyService(database, clock, storedJourneyReferences(database.db)),
    settings: new JourneySettingsStore(database.db, () => clock.now()),
    consent,
    templates,
    profiles,
    messaging: new MessagingService({
      database,
      clock,
      templates,
      outbox: new Outbox(database),
      consent,
      links: new LinkSigner(throwaway, publicUrl),
      profiles,
      senderSettings: new SenderSettings(database),
      onQueued: () => undefined,
    }),
    conditionHolds: (w, p, c, at) => segments.conditionHeld(w, p, c, at),
  });
}

const counted = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([k, n]) => `${shown(k)} ${n}`)
    .join(', ') || '-';

/** The report as a person reads it: totals, a table of steps, messages, traces, notes. */
export function formatBacktest(r: BacktestReport): string {
  const m = r.messages;
  const lines = [
    `Backtest of "${shown(r.journey.name)}" (${r.journey.status}) over the last ${r.days} days: ${r.from} -> ${r.to}`,
    `Replayed ${r.events} events and ${r.segmentChanges} segment changes; nothing was sent or written.`,
    `Entered ${r.entered} (${r.profiles} profiles), converted ${r.converted} (revenue ${r.revenue}), ` +
      `completed ${r.completed}, exited ${r.exited}, still waiting ${r.waiting}` +
      (r.holdout.entered > 0
        ? `; holdout ${r.holdout.entered} (converted ${r.holdout.converted})`
        : ''),
    '',
  ];
  const rows = r.steps.map((s) => [
    s.step,
    s.type,
    String(s.waiting),
    counted(s.outcomes),
    counted(s.branches),
  ]);
  const steps = table([['STEP', 'TYPE', 'WAITING', 'OUTCOMES', 'NEXT'], ...rows]);
  lines.push(steps.trimEnd(), '');
  lines.push(
    `Messages: ${m.total} (${counted(m.byChannel)}); delayed by the budget ${m.delayedByBudget}, ` +
      `by quiet hours ${m.delayedByQuietHours}; conversions credited to a message ${m.attributed}`,
  );
  const skipped = Object.entries(m.skipped);
  if (skipped.length > 0) {
    lines.push('Skipped:');
    for (const [reason, n] of skipped) lines.push(`  ${n}  ${shown(reason)}`);
  }
  for (const t of r.sampleTraces) {
    lines.push('', `Trace of ${shown(t.profileId)} (entered ${t.enteredAt}, ${t.status}):`);
    const traceRows = t.steps.map((s) => [
      `  ${s.at}`,
      s.step,
      s.outcome,
      s.next === null ? '' : `-> ${s.next}`,
      [s.reason, s.message ? `${s.message.channel} to ${s.message.to}` : null]
        .filter((x) => x !== null)
        .map((x) => shown(x))
        .join('; '),
    ]);
    lines.push(table(traceRows).trimEnd());
  }
  lines.push('', 'Notes:', ...r.notes.map((n) => `  - ${n}`));
  return `${lines.join('\n')}\n`;
}

/**
 * `comeback backtest JOURNEY --days N [--samples K] [--json]`: the journey's draft replayed
 * over the last N days of stored events, as POST /api/v1/journeys/{id}/backtest does. It only
 * reads, so it can run beside a live server on the same database.
 */
export function registerBacktestCommand(
  program: Command,
  loadConfig: () => Config,
  clock: Clock,
): void {
  program
    .command('backtest')
    .description(
      "replay the last N days of stored events through a journey's draft and report what it would have done (nothing is sent or written)",
    )
    .argument('<journey>', 'the journey id or name')
    .requiredOption('--days <n>', 'how many days back, up to now (1-365)', integer(1, 365))
    .option('--samples <k>', 'enrollments to trace step by step (0-50)', integer(0, 50), 5)
    .option('--workspace <id>', 'the workspace', DEFAULT_WORKSPACE_ID)
    .option('--json', 'print the report as JSON')
    .action(
      async (
        journey: string,
        opts: { days: number; samples: number; workspace: string; json?: boolean },
      ) => {
        const config = loadConfig();
        const database = openDatabase(config.databaseUrl);
        let outcome: Outcome;
        try {
          await migrateToLatest(database);
          const publicUrl = config.publicUrl ?? 'http://localhost:8080';
          const report = await backtestOver(database, clock, publicUrl).run(
            opts.workspace,
            journey,
            { days: opts.days, samples: opts.samples },
            clock.now(),
          );
          outcome = !report.ok
            ? { out: '', err: `comeback: ${shown(report.error.message)}\n`, code: 1 }
            : {
                out:
                  opts.json === true
                    ? `${JSON.stringify(report.value, null, 2)}\n`
                    : formatBacktest(report.value),
              };
        } finally {
          await database.close();
        }
        process.stdout.write(outcome.out);
        if (outcome.err !== undefined) process.stderr.write(outcome.err);
        if (outcome.code !== undefined && outcome.code !== 0) process.exitCode = outcome.code;
      },
    );
}
