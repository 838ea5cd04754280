import { InvalidArgumentError, type Command } from 'commander';
import type { EnableFlowResult } from '@comeback/contracts';
import { shown, table, type Outcome } from './cli-journey-output.js';
import { composeFlows, registerRecommendationsFilter } from './compose-flows.js';
import type { Config } from './config/config.js';
import type { FlowService } from './modules/flows/index.js';
import {
  JourneyService,
  JourneySettingsStore,
  storedJourneyReferences,
} from './modules/journeys/index.js';
import { TemplateService } from './modules/messaging/index.js';
import { CustomFieldRegistry } from './modules/profiles/index.js';
import { SegmentService } from './modules/segments/index.js';
import { DEFAULT_WORKSPACE_ID } from './modules/workspaces/index.js';
import type { Clock } from './platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from './platform/db/database.js';

/** `--param key=value`, repeatable: numbers stay text here, the flow's spec reads them. */
function collectParam(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf('=');
  if (at < 1) throw new InvalidArgumentError('expected key=value');
  const key = value.slice(0, at);
  if (['__proto__', 'constructor', 'prototype'].includes(key))
    throw new InvalidArgumentError(`${key} is not a parameter name`);
  return { ...previous, [key]: value.slice(at + 1) };
}

/** Services the flow commands need, over the configured database (no server running needed). */
export function flowServiceOver(database: Database, clock: Clock): FlowService {
  const customFields = new CustomFieldRegistry(database.db, () => clock.now());
  const segments = new SegmentService(database, customFields, clock);
  const templates = new TemplateService(database, clock);
  // Saving only: recommendations are picked when a message is sent, by the server.
  registerRecommendationsFilter(templates, null);
  const journeys = new JourneyService(database, clock, storedJourneyReferences(database.db));
  const settings = new JourneySettingsStore(database.db, () => clock.now());
  return composeFlows({ templates, journeys, segments, customFields, settings, clock });
}

const changeLine = (r: EnableFlowResult): string => {
  if (r.unchanged) return `${r.flow}: unchanged (version ${r.activeVersion ?? '-'}, ${r.status})`;
  const counts = (c: Record<string, string>) => {
    const by = new Map<string, number>();
    for (const v of Object.values(c)) by.set(v, (by.get(v) ?? 0) + 1);
    return [...by].map(([k, n]) => `${n} ${k}`).join(', ');
  };
  const parts = [`journey ${r.changes.journey}`];
  const templates = counts(r.changes.templates);
  if (templates) parts.push(`templates: ${templates}`);
  const segments = counts(r.changes.segments);
  if (segments) parts.push(`segments: ${segments}`);
  if (r.changes.settings) parts.push('sending rules set (budget, quiet hours)');
  const state = r.dryRun
    ? '(dry run: nothing changed)'
    : `-> ${r.status}, version ${r.activeVersion ?? '-'}`;
  return `${r.flow}: ${parts.join('; ')} ${state}`;
};

/** `comeback flows list | show NAME | enable NAME|--all [--param k=v] [--dry-run]`. */
export function registerFlowCommands(
  program: Command,
  loadConfig: () => Config,
  clock: Clock,
): void {
  const run = async (work: (flows: FlowService, database: Database) => Promise<Outcome>) => {
    const database = openDatabase(loadConfig().databaseUrl);
    try {
      await migrateToLatest(database);
      const outcome = await work(flowServiceOver(database, clock), database);
      process.stdout.write(outcome.out);
      if (outcome.err !== undefined) process.stderr.write(outcome.err);
      if (outcome.code !== undefined && outcome.code !== 0) process.exitCode = outcome.code;
    } finally {
      await database.close();
    }
  };
  const flows = program.command('flows').description('the flow library: ready journeys to enable');
  flows
    .command('list')
    .description('list the flows: id, trigger, channels, messages, priority')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      run(async (f) => {
        const list = f.list();
        if (opts.json === true) return { out: `${JSON.stringify({ data: list }, null, 2)}\n` };
        const rows = list.map((s) => [
          s.id,
          s.trigger,
          s.channels.join('+'),
          String(s.messages),
          String(s.priority),
        ]);
        return { out: table([['FLOW', 'TRIGGER', 'CHANNELS', 'MESSAGES', 'PRIORITY'], ...rows]) };
      }),
    );
  flows
    .command('show')
    .description("a flow's reason, parameters and defaults (--json: the journey and templates)")
    .argument('<flow>', 'the flow id')
    .option('--param <key=value>', 'a parameter (repeatable)', collectParam, {})
    .option('--json', 'print the built journey, templates and segments as JSON')
    .action((id: string, opts: { param: Record<string, string>; json?: boolean }) =>
      run(async (f) => {
        const shownFlow = f.show(id, opts.param);
        if (!shownFlow.ok) return { out: '', err: `${detailText(shownFlow.error)}\n`, code: 2 };
        const d = shownFlow.value;
        if (opts.json === true) return { out: `${JSON.stringify(d, null, 2)}\n` };
        const params = d.params.map((p) => [p.key, p.type, String(d.values[p.key]), p.description]);
        return {
          out:
            `${d.name} (${d.id})\n${d.summary}\nWhy: ${d.reason}\nTrigger: ${d.trigger}\n` +
            `Channels: ${d.channels.join(', ')} · messages: ${d.messages} · priority: ${d.priority}\n\n` +
            (params.length
              ? table([['PARAM', 'TYPE', 'VALUE', 'MEANING'], ...params])
              : 'No parameters\n'),
        };
      }),
    );
  flows
    .command('enable')
    .description(
      'enable a flow (or --all): save its templates and journey and activate it; enabling again changes nothing',
    )
    .argument('[flow]', 'the flow id')
    .option('--all', 'every flow of the library, with its defaults')
    .option('--param <key=value>', 'a parameter (repeatable)', collectParam, {})
    .option('--draft', 'save the journey without activating it')
    .option('--dry-run', 'print what would change, change nothing')
    .option('--workspace <id>', 'the workspace', DEFAULT_WORKSPACE_ID)
    .action(
      (
        id: string | undefined,
        opts: {
          all?: boolean;
          param: Record<string, string>;
          draft?: boolean;
          dryRun?: boolean;
          workspace: string;
        },
      ) =>
        run(async (f, database) => {
          if ((id === undefined) === (opts.all !== true))
            return { out: '', err: 'name one flow, or give --all\n', code: 2 };
          const exists = await database.db
            .selectFrom('workspaces')
            .select('id')
            .where('id', '=', opts.workspace)
            .executeTakeFirst();
          if (!exists)
            return { out: '', err: `no workspace "${shown(opts.workspace)}"\n`, code: 2 };
          const ids = id !== undefined ? [id] : f.list().map((s) => s.id);
          const lines: string[] = [];
          for (const flowId of ids) {
            const r = await f.enable(opts.workspace, flowId, id !== undefined ? opts.param : {}, {
              activate: opts.draft !== true,
              dryRun: opts.dryRun === true,
            });
            if (!r.ok)
              return {
                out: lines.join(''),
                err: `${flowId}: ${detailText(r.error)}\n`,
                code: r.error.code === 'validation_failed' || r.error.code === 'not_found' ? 2 : 1,
              };
            lines.push(`${changeLine(r.value)}\n`);
          }
          return { out: lines.join('') };
        }),
    );
}

const detailText = (e: { message: string; details: { field: string; message: string }[] }) =>
  [e.message, ...e.details.map((d) => `  ${d.field}: ${d.message}`)].join('\n');
