/**
 * Seed 000's first automation built by hand on the canvas, as a marketer would: blocks dragged
 * from the palette (HTML5 drag and drop), filled in the side panel, joined by dragging from an
 * output handle to the next block. Step ids are the editor's own (`email_1`, `split_1`...).
 */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { mjml } from '../journeys/journey-world.js';

/** The three templates of seed 000's welcome journey, as journey-e2e.test.ts creates them. */
export const seed000Templates = [
  {
    name: 'Welcome',
    channel: 'email',
    kind: 'marketing',
    variants: {
      en: {
        subject: 'Welcome, {{ profile.first_name | default: "friend" }}',
        body: mjml('Thank you for your first order of {{ event.total | default: 0 }}.'),
      },
    },
  },
  {
    name: 'Thanks again',
    channel: 'sms',
    kind: 'marketing',
    variants: {
      en: { body: 'Thanks for coming back, {{ profile.first_name | default: "friend" }}!' },
    },
  },
  {
    name: 'Miss you',
    channel: 'whatsapp',
    kind: 'marketing',
    variants: {
      en: {
        body: 'We miss you, {{ profile.first_name | default: "friend" }}',
        whatsapp: {
          name: 'miss_you',
          language: 'en',
          parameters: ['{{ profile.first_name | default: "friend" }}'],
        },
      },
    },
  },
];

export const JOURNEY_NAME = 'Welcome after a first order';

/**
 * Where each block is dropped: its top centre, in canvas pixels at zoom 1 (an empty canvas
 * keeps its scale). The main path runs down the left; the branches and the exit go right,
 * clear of the controls (bottom left) and the minimap (bottom right).
 */
const at = {
  trigger: { x: 200, y: 20 },
  split: { x: 200, y: 150 },
  email: { x: 200, y: 300 },
  wait: { x: 200, y: 430 },
  action: { x: 200, y: 560 },
  sms: { x: 200, y: 720 },
  whatsapp: { x: 490, y: 720 },
  exit: { x: 600, y: 430 },
};

const panel = (page: Page) => page.getByTestId('side-panel');

/** Drags a palette item onto the canvas; answers the id of the block it added (selected). */
export async function dropBlock(page: Page, kind: string, to: { x: number; y: number }) {
  const before = await page.locator('.react-flow__node').count();
  await page.getByTestId(`palette-${kind}`).dragTo(page.getByTestId('journey-canvas'), {
    targetPosition: to,
  });
  await expect.poll(() => page.locator('.react-flow__node').count()).toBe(before + 1);
  const id = await page.locator('.react-flow__node.selected').getAttribute('data-id');
  if (!id) throw new Error(`dropping ${kind} selected no block`);
  return id;
}

async function centre(locator: Locator) {
  const box = await locator.boundingBox();
  if (!box) throw new Error('not on screen');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Joins an output handle of `source` to `target` by dragging, and checks the edge is drawn. */
export async function connect(page: Page, source: string, handle: string, target: string) {
  const from = await centre(
    page.locator(`.react-flow__handle[data-nodeid="${source}"][data-handleid="${handle}"]`),
  );
  const to = await centre(
    page.locator(`.react-flow__node[data-id="${target}"] .react-flow__handle.target`),
  );
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 5 });
  await page.mouse.move(to.x, to.y, { steps: 5 });
  await page.mouse.up();
  await page.getByTestId(`rf__edge-${source}:${handle}`).waitFor({ state: 'attached' });
}

/** Opens a Mantine select (or autocomplete) by its label and picks one of its options. */
async function pick(page: Page, field: Locator, option: string) {
  await field.click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** One "property compares to value" row of a filter editor: the n-th one in `scope`. */
async function filterRow(
  page: Page,
  scope: Locator,
  n: number,
  [property, op, value]: [string, string, string],
) {
  await scope.getByLabel(`Filter ${n}: property`, { exact: true }).fill(property);
  await pick(page, scope.getByLabel(`Filter ${n}: comparison`, { exact: true }), op);
  await scope.getByLabel(`Filter ${n}: value`, { exact: true }).fill(value);
}

async function chooseTemplate(page: Page, name: string) {
  await pick(page, panel(page).getByLabel('Template', { exact: true }), name);
}

/** The event trigger: a purchase of at least 1. */
async function addTrigger(page: Page) {
  const id = await dropBlock(page, 'trigger_event', at.trigger);
  const p = panel(page);
  await pick(page, p.getByLabel('Event', { exact: true }), 'Order Completed');
  await p.getByRole('button', { name: 'Add a filter' }).click();
  await filterRow(page, p, 1, ['total', '≥', '1']);
  return id;
}

/**
 * Seed 000's condition block "sales data: first purchase, amount >= 1, within the last day" in
 * the split's terms: the starting order's total >= 1, an order of 1 or more in the last day,
 * and the profile's order count exactly 1. Anyone else goes "otherwise" (to the exit).
 */
async function addFirstPurchaseSplit(page: Page) {
  const id = await dropBlock(page, 'split', at.split);
  const p = panel(page);
  await p.getByLabel('Branch name').fill('First purchase');
  // The branch's filters on the starting event and its conditions on the customer are two
  // named groups, each with its own "Add" button and numbered rows.
  const branch = p.getByRole('group', { name: 'Branch 1', exact: true });
  const filters = branch.getByRole('group', { name: 'Filters on the starting event', exact: true });
  const conditions = branch.getByRole('group', {
    name: 'Conditions on the customer',
    exact: true,
  });
  await filters.getByRole('button', { name: 'Add a filter' }).click();
  await filterRow(page, filters, 1, ['total', '≥', '1']);
  // A new profile condition is "Purchases in the last 1 day": only orders of 1 or more.
  const addCondition = conditions.getByRole('button', { name: 'Add a condition' });
  await addCondition.click();
  await pick(page, conditions.getByLabel('Order total', { exact: true }), 'at least');
  await expect.poll(() => conditions.getByLabel('Order total: number').inputValue()).toBe('1');
  await addCondition.click();
  await pick(page, conditions.getByLabel('Condition 2', { exact: true }), 'Profile field');
  await conditions.getByLabel('Field', { exact: true }).fill('computed.order_count');
  await page.keyboard.press('Escape');
  await conditions.getByLabel('Condition 2: value', { exact: true }).fill('1');
  return id;
}

/**
 * The settings' "Only customers who match": a profile field with no name stops the save and
 * is named next to the condition; removing the row leaves `entry.condition` out again (the
 * saved definition's entry is checked by the caller).
 */
async function checkEntryCondition(page: Page) {
  const entry = panel(page).getByTestId('entry-condition');
  expect(await entry.getAttribute('role')).toBe('group');
  expect(await entry.getAttribute('aria-label')).toBe('Only customers who match');
  await entry.getByRole('button', { name: 'Add a condition' }).click();
  await pick(page, entry.getByLabel('Condition 1', { exact: true }), 'Profile field');
  await page.getByTestId('journey-save').click();
  await page.getByTestId('journey-problems').waitFor();
  expect(await entry.getByTestId('condition-problems').textContent()).toContain(
    'Condition 1: field',
  );
  await entry.getByRole('button', { name: 'Remove condition 1' }).click();
  await expect.poll(() => page.getByTestId('journey-problems').count()).toBe(0);
  expect(await entry.getByTestId('condition-problems').count()).toBe(0);
}

export interface BuiltJourney {
  id: string;
  steps: {
    trigger: string;
    split: string;
    email: string;
    wait: string;
    action: string;
    sms: string;
    whatsapp: string;
    exit: string;
  };
}

/** Builds, names, saves and activates the journey from an empty /journeys/new. */
export async function buildSeed000Journey(page: Page, baseUrl: string): Promise<BuiltJourney> {
  await page.goto(`${baseUrl}/journeys/new`);
  await page.getByTestId('journey-canvas').waitFor();

  const trigger = await addTrigger(page);
  const split = await addFirstPurchaseSplit(page);

  const email = await dropBlock(page, 'send_email', at.email);
  await chooseTemplate(page, 'Welcome');

  const wait = await dropBlock(page, 'wait', at.wait);
  await panel(page).getByLabel('Wait for', { exact: true }).fill('3');

  const action = await dropBlock(page, 'split_action', at.action);
  await pick(page, panel(page).getByLabel('Event', { exact: true }), 'Order Completed');

  const sms = await dropBlock(page, 'send_sms', at.sms);
  await chooseTemplate(page, 'Thanks again');
  const whatsapp = await dropBlock(page, 'send_whatsapp', at.whatsapp);
  await chooseTemplate(page, 'Miss you');
  const exit = await dropBlock(page, 'exit', at.exit);

  await connect(page, trigger, 'start', split);
  await connect(page, split, 'branches.0.next', email);
  await connect(page, split, 'otherwise', exit);
  await connect(page, email, 'next', wait);
  await connect(page, wait, 'next', action);
  await connect(page, action, 'yes', sms);
  await connect(page, action, 'no', whatsapp);
  await connect(page, sms, 'next', exit);
  await connect(page, whatsapp, 'next', exit);

  // Nothing selected: the side panel shows the journey's own settings, with their defaults.
  await panel(page).getByRole('button', { name: 'Journey settings' }).click();
  const p = panel(page);
  await p.getByTestId('journey-name').fill(JOURNEY_NAME);
  expect(await p.getByLabel('How often a customer may enter').inputValue()).toBe('Once ever');
  expect(await p.getByLabel('Over the frequency budget').inputValue()).toBe('Delay the message');
  expect(await p.getByLabel('Respect quiet hours').isChecked()).toBe(true);
  expect(await p.getByLabel('Transactional: not counted against the budget').isChecked()).toBe(
    false,
  );
  expect(await page.getByTestId('journey-problems').count()).toBe(0);
  await checkEntryCondition(page);

  await page.getByTestId('journey-save').click();
  await page.waitForURL((url) => /^\/journeys\/(?!new$)[^/]+$/.test(url.pathname));
  const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
  await page.getByTestId('journey-activate').click();
  await page.getByTestId('journey-pause').waitFor();
  return { id, steps: { trigger, split, email, wait, action, sms, whatsapp, exit } };
}

/** The counts a block shows, by outcome (`entered`, `sent`...), read from its badges. */
export async function nodeCounts(page: Page, nodeId: string): Promise<Record<string, string>> {
  const badges = page.getByTestId(`node-count-${nodeId}`).locator('[data-count]');
  const counts: Record<string, string> = {};
  for (const badge of await badges.all()) {
    const key = await badge.getAttribute('data-count');
    if (key) counts[key] = ((await badge.textContent()) ?? '').trim().split(/\s/)[0] ?? '';
  }
  return counts;
}
