import type { Segment } from '@comeback/contracts';
import type { Command } from 'commander';
import type { Config } from './config/config.js';
import { CustomFieldRegistry } from './modules/profiles/index.js';
import { SegmentService } from './modules/segments/index.js';
import { DEFAULT_WORKSPACE_ID } from './modules/workspaces/index.js';
import type { Clock } from './platform/clock.js';
import { migrateToLatest, openDatabase } from './platform/db/database.js';
import type { Result } from './platform/errors.js';

interface Options {
  workspace: string;
  json?: boolean;
}

/** Left-aligned columns, two spaces apart. */
function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}

function segmentText(s: Segment): string {
  return [
    `${s.name} (${s.id})`,
    ...(s.description !== undefined ? [s.description] : []),
    `version ${s.version}, created ${s.createdAt}, updated ${s.updatedAt}`,
    'condition:',
    JSON.stringify(s.condition, null, 2),
  ]
    .join('\n')
    .concat('\n');
}

/**
 * `comeback segments list | show ID | count ID`: read-only looks at a workspace's segments
 * straight from the database, for operators without an admin key at hand. `--json` prints what
 * the admin API would answer, for scripts. `show` and `count` also take a segment's name.
 */
export function registerSegmentCommands(
  program: Command,
  loadConfig: () => Config,
  clock: Clock,
): void {
  /** Runs `work` with the service; a failure is one line on stderr and exit code 1. */
  const withService = async (work: (service: SegmentService) => Promise<Result<string>>) => {
    const database = openDatabase(loadConfig().databaseUrl);
    try {
      await migrateToLatest(database);
      const customFields = new CustomFieldRegistry(database.db, () => clock.now());
      const result = await work(new SegmentService(database, customFields, clock));
      if (result.ok) process.stdout.write(result.value);
      else {
        process.stderr.write(`comeback: ${result.error.message}\n`);
        process.exitCode = 1;
      }
    } finally {
      await database.close();
    }
  };
  /** A segment by id, else by its (unique) name. */
  const find = async (service: SegmentService, workspace: string, idOrName: string) => {
    const byId = await service.get(workspace, idOrName);
    if (byId.ok) return byId;
    const named = (await service.list(workspace)).find((s) => s.name === idOrName);
    return named ? { ok: true as const, value: named } : byId;
  };
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  const workspaceOption = ['--workspace <id>', 'the workspace', DEFAULT_WORKSPACE_ID] as const;

  const segments = program.command('segments').description("look at a workspace's segments");
  segments
    .command('list')
    .description('list segments: id, name, version, last change')
    .option(...workspaceOption)
    .option('--json', 'print JSON')
    .action((opts: Options) =>
      withService(async (service) => {
        const list = await service.list(opts.workspace);
        if (opts.json === true) return { ok: true, value: json({ data: list }) };
        if (list.length === 0)
          return { ok: true, value: `No segments in workspace "${opts.workspace}"\n` };
        const rows = list.map((s) => [s.id, s.name, String(s.version), s.updatedAt]);
        return { ok: true, value: table([['ID', 'NAME', 'VERSION', 'UPDATED'], ...rows]) };
      }),
    );
  segments
    .command('show')
    .description('print a segment: its definition and version')
    .argument('<id>', 'the segment id (or name)')
    .option(...workspaceOption)
    .option('--json', 'print JSON')
    .action((id: string, opts: Options) =>
      withService(async (service) => {
        const found = await find(service, opts.workspace, id);
        if (!found.ok) return found;
        return {
          ok: true,
          value: opts.json === true ? json(found.value) : segmentText(found.value),
        };
      }),
    );
  segments
    .command('count')
    .description('count the profiles in a segment now')
    .argument('<id>', 'the segment id (or name)')
    .option(...workspaceOption)
    .option('--json', 'print JSON')
    .action((id: string, opts: Options) =>
      withService(async (service) => {
        const found = await find(service, opts.workspace, id);
        if (!found.ok) return found;
        const segment = found.value;
        const counted = await service.count(opts.workspace, segment.id);
        if (!counted.ok) return counted;
        const at = new Date(counted.value.at).toISOString();
        const { count } = counted.value;
        return {
          ok: true,
          value:
            opts.json === true
              ? json({ id: segment.id, name: segment.name, count, at })
              : `${count} ${count === 1 ? 'profile' : 'profiles'} in "${segment.name}" (${segment.id}) at ${at}\n`,
        };
      }),
    );
}
