/**
 * `comeback journeys apply | export | list` as real processes of the built CLI, on both engines:
 * a folder applied creates, applied again changes nothing, an edit shows its diff under
 * --dry-run and is applied after, an export applies back unchanged, one bad file stops the
 * whole folder, and the guide's example files apply once their templates exist.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Journey, TemplateDefinition } from '@comeback/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JourneyService } from '../../src/modules/journeys/index.js';
import { TemplateService } from '../../src/modules/messaging/index.js';
import { CustomFieldRegistry } from '../../src/modules/profiles/index.js';
import { SegmentService } from '../../src/modules/segments/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { REPO_ROOT, assertBuilt, runCli } from '../process/harness.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';

const T0 = Date.UTC(2026, 0, 10, 9, 0, 0);

const tagBuyers = {
  name: 'Tag buyers',
  trigger: { type: 'event', event: 'Order Completed' },
  start: 'wait',
  steps: [
    { id: 'wait', type: 'wait', duration: { amount: 1, unit: 'days' }, next: 'tag' },
    { id: 'tag', type: 'update_profile', addTags: ['buyer'], next: 'done' },
    { id: 'done', type: 'exit' },
  ],
};
const lapsed = {
  name: 'Lapsed buyers',
  trigger: { type: 'segment_entered', segment: 'Buyers' },
  entry: { rule: 'every_time' },
  start: 'morning',
  steps: [
    { id: 'morning', type: 'wait_until', at: '10:00', next: 'mark' },
    { id: 'mark', type: 'update_profile', set: { lapsed: true }, next: 'done' },
    { id: 'done', type: 'exit' },
  ],
};

/** The exported form of Tag buyers after its edit: sorted keys, defaults written out. */
const tagBuyersExported = `{
  "entry": {
    "rule": "once",
    "whileInside": false
  },
  "name": "Tag buyers",
  "sending": {
    "budgetExempt": false,
    "maxDelay": {
      "amount": 2,
      "unit": "days"
    },
    "overBudget": "delay",
    "priority": 50,
    "quietHours": true
  },
  "start": "wait",
  "steps": [
    {
      "duration": {
        "amount": 2,
        "unit": "days"
      },
      "id": "wait",
      "next": "tag",
      "type": "wait"
    },
    {
      "addTags": [
        "buyer"
      ],
      "id": "tag",
      "next": "done",
      "type": "update_profile"
    },
    {
      "id": "done",
      "type": "exit"
    }
  ],
  "trigger": {
    "event": "Order Completed",
    "type": "event"
  }
}
`;

const mjml = (text: string) =>
  `<mjml><mj-body><mj-section><mj-column><mj-text>${text}</mj-text></mj-column></mj-section></mj-body></mjml>`;
const template = (
  name: string,
  channel: 'email' | 'sms' | 'whatsapp' | 'webhook',
): TemplateDefinition => ({
  name,
  channel,
  kind: 'marketing',
  defaultLanguage: 'en',
  variants: {
    en:
      channel === 'email'
        ? { subject: name, body: mjml(`Hi {{ profile.first_name | default: "there" }}`) }
        : { body: channel === 'webhook' ? '{"hello": true}' : `${name}: see you soon` },
  },
  ...(channel === 'webhook' ? { webhookUrl: 'https://hooks.example/journeys' } : {}),
});

const write = (dir: string, file: string, value: unknown) =>
  fs.writeFileSync(path.join(dir, file), typeof value === 'string' ? value : JSON.stringify(value));

describe.each(engines)('comeback journeys on %s', (engine) => {
  let test: TestDatabase;
  let database: Database;
  let journeys: JourneyService;
  let root: string;
  let env: Record<string, string>;
  const folder = (name: string) => {
    const dir = path.join(root, name);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  };
  const byName = async () =>
    new Map((await journeys.list('default')).map((j): [string, Journey] => [j.definition.name, j]));

  beforeAll(async () => {
    assertBuilt();
    test = await freshDatabase(engine);
    database = openDatabase(test.url);
    await migrateToLatest(database);
    await database.db
      .insertInto('workspaces')
      .values({ id: 'default', name: 'Default store', currency: 'EUR', created_at: T0 })
      .execute();
    const clock = new ManualClock(T0);
    const segments = new SegmentService(
      database,
      new CustomFieldRegistry(database.db, () => clock.now()),
      clock,
    );
    const buyers = await segments.create('default', {
      name: 'Buyers',
      condition: { type: 'field', field: 'computed.order_count', operator: 'gte', value: 1 },
    });
    expect(buyers.ok).toBe(true);
    const templates = new TemplateService(database, clock);
    for (const [name, channel] of [
      ['Welcome first order', 'email'],
      ['Thanks for coming back', 'sms'],
      ['First order follow-up', 'whatsapp'],
      ['Abandoned cart', 'email'],
      ['Order hook', 'webhook'],
    ] as const) {
      const created = await templates.create('default', template(name, channel));
      expect(created.ok, JSON.stringify(created)).toBe(true);
    }
    // Only list and get are used here: they read what the CLI wrote.
    journeys = new JourneyService(database, clock, {
      segmentId: () => Promise.resolve(null),
      template: () => Promise.resolve(null),
    });
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'comeback-journeys-'));
    env = { DATABASE_URL: test.url };
  });
  afterAll(async () => {
    await database?.close();
    await test?.drop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('applies a folder idempotently, shows the diff of an edit, exports what applies back', async () => {
    const dir = folder('source');
    write(dir, 'tag-buyers.json', tagBuyers);
    write(dir, 'lapsed.json', lapsed);
    write(dir, 'notes.txt', 'not a journey: only *.json files are read');

    const created = await runCli(['journeys', 'apply', dir], { env });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toBe('create Lapsed buyers\ncreate Tag buyers\n');
    const first = await byName();
    expect([...first.keys()].sort()).toEqual(['Lapsed buyers', 'Tag buyers']);
    const tag = first.get('Tag buyers');
    expect(tag?.status).toBe('draft');
    expect(tag?.activeVersion).toBe(null);
    expect(tag?.definition.steps[0]).toEqual(tagBuyers.steps[0]);
    expect(first.get('Lapsed buyers')?.definition.entry).toEqual({
      rule: 'every_time',
      whileInside: false,
    });

    const again = await runCli(['journeys', 'apply', dir], { env });
    expect([again.code, again.stderr]).toEqual([0, '']);
    expect(again.stdout).toBe('unchanged Lapsed buyers\nunchanged Tag buyers\n');

    // The same definition with keys reordered and defaults spelled out is still unchanged.
    const { steps, ...rest } = lapsed;
    write(dir, 'lapsed.json', { steps, sending: { priority: 50 }, ...rest });
    write(dir, 'tag-buyers.json', {
      ...tagBuyers,
      steps: [
        { ...tagBuyers.steps[0], duration: { amount: 2, unit: 'days' } },
        ...tagBuyers.steps.slice(1),
      ],
    });
    const dry = await runCli(['journeys', 'apply', dir, '--dry-run', '--activate'], { env });
    expect([dry.code, dry.stderr]).toEqual([0, '']);
    expect(dry.stdout).toBe(
      [
        'unchanged Lapsed buyers',
        'update Tag buyers',
        '  steps.0.duration.amount: 1 -> 2',
        'activate Tag buyers',
        'Dry run: nothing changed.',
        '',
      ].join('\n'),
    );
    const afterDry = (await byName()).get('Tag buyers');
    expect(afterDry).toEqual(tag);

    const applied = await runCli(['journeys', 'apply', dir, '--activate'], { env });
    expect([applied.code, applied.stderr]).toEqual([0, '']);
    expect(applied.stdout).toBe(
      [
        'unchanged Lapsed buyers',
        'update Tag buyers',
        '  steps.0.duration.amount: 1 -> 2',
        'activate Tag buyers: version 1',
        '',
      ].join('\n'),
    );
    const live = (await byName()).get('Tag buyers');
    expect(live?.status).toBe('active');
    expect(live?.activeVersion).toBe(1);
    expect(live?.definition.steps[0]).toEqual({
      id: 'wait',
      type: 'wait',
      duration: { amount: 2, unit: 'days' },
      next: 'tag',
    });
    const applyTwice = await runCli(['journeys', 'apply', dir, '--activate'], { env });
    expect(applyTwice.stdout).toBe('unchanged Lapsed buyers\nunchanged Tag buyers\n');

    const out = path.join(root, 'exported', 'nested');
    const exported = await runCli(['journeys', 'export', out], { env });
    expect([exported.code, exported.stderr]).toEqual([0, '']);
    expect(exported.stdout.split('\n').sort()).toEqual([
      '',
      `Exported 2 journeys to ${out}`,
      'wrote lapsed-buyers.json (Lapsed buyers)',
      'wrote tag-buyers.json (Tag buyers)',
    ]);
    expect(fs.readdirSync(out).sort()).toEqual(['lapsed-buyers.json', 'tag-buyers.json']);
    expect(fs.readFileSync(path.join(out, 'tag-buyers.json'), 'utf8')).toBe(tagBuyersExported);
    const roundTrip = await runCli(['journeys', 'apply', out], { env });
    expect([roundTrip.code, roundTrip.stderr]).toEqual([0, '']);
    expect(roundTrip.stdout).toBe('unchanged Lapsed buyers\nunchanged Tag buyers\n');

    const listed = await runCli(['journeys', 'list'], { env });
    const [header, ...rows] = listed.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+NAME\s+STATUS\s+VERSION\s+CHANGED$/);
    const ids = await byName();
    // Columns are two or more spaces apart; names have single spaces.
    expect(
      rows.map((r) => r.split(/\s{2,}/)).sort((x, y) => (x[1] ?? '').localeCompare(y[1] ?? '')),
    ).toEqual([
      [ids.get('Lapsed buyers')?.id, 'Lapsed buyers', 'draft', '-', 'yes'],
      [ids.get('Tag buyers')?.id, 'Tag buyers', 'active', '1', 'no'],
    ]);
    const json = await runCli(['journeys', 'list', '--json'], { env });
    expect(JSON.parse(json.stdout)).toEqual({ data: await journeys.list('default') });

    const paused = await runCli(['journeys', 'pause', 'Tag buyers'], { env });
    expect([paused.code, paused.stdout]).toEqual([0, 'Tag buyers: paused, version 1\n']);
    const resumed = await runCli(['journeys', 'activate', 'Tag buyers'], { env });
    expect([resumed.code, resumed.stdout]).toEqual([0, 'Tag buyers: active, version 1\n']);
    const draft = await runCli(['journeys', 'pause', 'Lapsed buyers'], { env });
    expect(draft.code).toBe(1);
    expect(draft.stderr).toMatch(/is draft: only an active journey can be paused/);
  });

  it('refuses a folder with any bad file and changes nothing', async () => {
    expect((await journeys.archive('default', 'Lapsed buyers')).ok).toBe(true);
    const before = await journeys.list('default');
    const dir = folder('bad');
    write(dir, 'a-new.json', { ...tagBuyers, name: 'Would be new' });
    write(dir, 'broken.json', '{"name": "Broken",');
    write(dir, 'big.json', `{"name": "${'x'.repeat(1024 * 1024)}"}`);
    write(dir, 'loop.json', {
      ...tagBuyers,
      name: 'Loop',
      steps: [
        { id: 'wait', type: 'wait', duration: { amount: 1, unit: 'days' }, next: 'tag' },
        { id: 'tag', type: 'update_profile', addTags: ['x'], next: 'wait' },
      ],
    });
    write(dir, 'refs.json', {
      ...tagBuyers,
      name: 'Refs',
      entry: { segment: 'Nobody' },
      steps: [
        { id: 'wait', type: 'send', template: 'Nope', next: 'tag' },
        { id: 'tag', type: 'webhook', template: 'Abandoned cart', next: 'done' },
        { id: 'done', type: 'exit' },
      ],
    });
    write(dir, 'twin.json', { ...lapsed, name: 'Would be new' });
    write(dir, 'zz-archived.json', { ...lapsed, entry: { rule: 'once' } });
    const refused = await runCli(['journeys', 'apply', dir], { env });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.split('\n')).toEqual([
      `comeback: 8 problems in ${dir}; nothing changed:`,
      `  big.json: ${1024 * 1024 + 12} bytes: a journey file is at most 1 MB`,
      expect.stringMatching(/^ {2}broken\.json: not JSON: \S.*$/),
      '  loop.json: steps.0: the steps loop (wait -> tag -> wait): every branch must end',
      '  twin.json: name: "Would be new" is also a-new.json',
      '  refs.json: entry.segment: no segment "Nobody"',
      '  refs.json: steps.0.template: no template "Nope"',
      '  refs.json: steps.1.template: template "Abandoned cart" is for email: a webhook step needs a webhook template',
      '  zz-archived.json: name: "Lapsed buyers" is archived and cannot change',
      '',
    ]);
    expect(await journeys.list('default')).toEqual(before);

    const nowhere = await runCli(['journeys', 'apply', path.join(root, 'missing')], { env });
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(/^comeback: cannot read \S+missing: ENOENT/);
    const elsewhere = await runCli(
      ['journeys', 'apply', folder('source'), '--workspace', 'other'],
      {
        env,
      },
    );
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toBe(
      'comeback: no workspace "other" (comeback keys create --workspace ID makes one)\n',
    );
  });

  it("applies the guide's example journeys once their templates exist", async () => {
    const examples = path.join(REPO_ROOT, 'docs/examples/journeys');
    const applied = await runCli(['journeys', 'apply', examples], { env });
    expect([applied.code, applied.stderr]).toEqual([0, '']);
    expect(applied.stdout).toBe('create Abandoned cart\ncreate Welcome: first order\n');
    const again = await runCli(['journeys', 'apply', examples], { env });
    expect(again.stdout).toBe('unchanged Abandoned cart\nunchanged Welcome: first order\n');
    const welcome = (await byName()).get('Welcome: first order');
    expect(welcome?.definition.steps.map((s) => s.type)).toEqual([
      'split',
      'send',
      'wait',
      'split_action',
      'send',
      'send',
      'exit',
      'exit',
    ]);
  });
});
