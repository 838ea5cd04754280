import type { Command } from 'commander';
import { applyJourneyFolder } from './cli-journey-apply.js';
import { exportJourneyFolder } from './cli-journey-files.js';
import { shown, table, type Outcome } from './cli-journey-output.js';
import type { Config } from './config/config.js';
import {
  JourneyService,
  storedJourneyReferences,
  type JourneyReferences,
} from './modules/journeys/index.js';
import { DEFAULT_WORKSPACE_ID } from './modules/workspaces/index.js';
import type { Clock } from './platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from './platform/db/database.js';

interface Context {
  database: Database;
  journeys: JourneyService;
  refs: JourneyReferences;
}

/**
 * `comeback journeys apply DIR | export DIR | list`: journeys as code. A folder of definition
 * files is the source of truth a team reviews and versions; `apply` makes the workspace match it
 * (creating and updating drafts, idempotently, after checking every file), `export` writes the
 * workspace's drafts in the same form, so export then apply changes nothing.
 */
export function registerJourneyCommands(
  program: Command,
  loadConfig: () => Config,
  clock: Clock,
): void {
  const run = async (work: (c: Context) => Promise<Outcome>) => {
    const database = openDatabase(loadConfig().databaseUrl);
    try {
      await migrateToLatest(database);
      const refs = storedJourneyReferences(database.db);
      const outcome = await work({
        database,
        journeys: new JourneyService(database, clock, refs),
        refs,
      });
      process.stdout.write(outcome.out);
      if (outcome.err !== undefined) process.stderr.write(outcome.err);
      if (outcome.code !== undefined && outcome.code !== 0) process.exitCode = outcome.code;
    } finally {
      await database.close();
    }
  };
  const workspaceOption = ['--workspace <id>', 'the workspace', DEFAULT_WORKSPACE_ID] as const;

  const journeys = program.command('journeys').description("a workspace's journeys as code");
  journeys
    .command('apply')
    .description(
      'make the journeys match a folder of definition files (*.json): create new ones, update changed drafts; every file is checked first',
    )
    .argument('<dir>', 'the folder of journey files')
    .option('--dry-run', 'print what would change, change nothing')
    .option('--activate', 'also activate each journey created or updated')
    .option(...workspaceOption)
    .action((dir: string, opts: { workspace: string; dryRun?: boolean; activate?: boolean }) =>
      run((c) => applyJourneyFolder(c.database, c.journeys, c.refs, dir, opts)),
    );
  journeys
    .command('export')
    .description("write each journey's draft to DIR/<name>.json, as apply reads them")
    .argument('<dir>', 'the folder to write (created if missing)')
    .option(...workspaceOption)
    .action((dir: string, opts: { workspace: string }) =>
      run(async (c) => exportJourneyFolder(dir, await c.journeys.list(opts.workspace))),
    );
  journeys
    .command('list')
    .description('list journeys: id, name, status, active version, draft changed since')
    .option(...workspaceOption)
    .option('--json', 'print JSON')
    .action((opts: { workspace: string; json?: boolean }) =>
      run(async (c) => {
        const list = await c.journeys.list(opts.workspace);
        if (opts.json === true) return { out: `${JSON.stringify({ data: list }, null, 2)}\n` };
        if (list.length === 0)
          return { out: `No journeys in workspace "${shown(opts.workspace)}"\n` };
        const rows = list.map((j) => [
          j.id,
          shown(j.definition.name),
          j.status,
          j.activeVersion === null ? '-' : String(j.activeVersion),
          j.changedSinceActivation ? 'yes' : 'no',
        ]);
        return { out: table([['ID', 'NAME', 'STATUS', 'VERSION', 'CHANGED'], ...rows]) };
      }),
    );
  for (const [name, description] of [
    ['activate', 'make a journey live (a new version when its draft changed), or resume it'],
    ['pause', 'hold an active journey: no one enters, enrollments wait where they are'],
    ['archive', 'end a journey for good; its running enrollments leave it'],
  ] as const)
    journeys
      .command(name)
      .description(description)
      .argument('<journey>', 'the journey, by id or name')
      .option(...workspaceOption)
      .action((ref: string, opts: { workspace: string }) =>
        run(async (c) => {
          const changed = await c.journeys[name](opts.workspace, ref);
          if (!changed.ok) return { out: '', err: `${changed.error.message}\n`, code: 1 };
          const j = changed.value;
          const version = j.activeVersion === null ? '' : `, version ${j.activeVersion}`;
          return { out: `${shown(j.definition.name)}: ${j.status}${version}\n` };
        }),
      );
}
