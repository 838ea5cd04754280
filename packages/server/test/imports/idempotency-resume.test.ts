import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptUpload, IMPORT_JOB, importJobHandler } from '../../src/modules/imports/index.js';
import { JobQueue } from '../../src/platform/jobs/job-queue.js';
import { JobRunner } from '../../src/platform/jobs/job-runner.js';
import { createLogger } from '../../src/platform/logger.js';
import { engines } from '../support/engines.js';
import { importKit, ORDERS_CSV, type ImportKit } from './kit.js';
import { countLines } from '../support/order-lines.js';

/** `orders` orders of three lines each, for `customers` customers, as CSV. */
function ordersCsv(orders: number, customers: number): { csv: string; total: number } {
  const rows = ['order_id,customer_id,email,sku,quantity,price,ordered_at'];
  let total = 0;
  for (let o = 1; o <= orders; o++) {
    const c = o % customers;
    for (let l = 1; l <= 3; l++) {
      const price = ((o * 7 + l * 3) % 40) + 0.5;
      total += price * l;
      rows.push(
        `o${o},c${c},c${c}@shop.test,sku${l},${l},${price},2024-02-0${1 + (o % 9)}T10:00:00Z`,
      );
    }
  }
  return { csv: rows.join('\n') + '\n', total: Math.round(total * 100) / 100 };
}

async function state(kit: ImportKit) {
  await kit.processor.catchUp();
  return {
    events: await kit.count('select count(*) from events'),
    distinctIds: await kit.count('select count(distinct message_id) from events'),
    orders: await kit.count('select count(*) from profile_orders where ordered_at >= 0'),
    lines: await countLines(kit.database.db),
    profiles: await kit.count('select count(*) from profiles'),
    spent: await kit.count('select round(sum(total_spent) * 100) from profiles'),
    orderCount: await kit.count('select sum(order_count) from profiles'),
  };
}

describe.each(engines)('imports are idempotent and resumable (%s)', (engine) => {
  let kit: ImportKit;
  beforeAll(async () => {
    kit = await importKit(engine, { chunkRows: 100 });
  });
  afterAll(async () => kit?.close());

  it('the same file twice changes nothing, and says so; a changed order is updated', async () => {
    const file = kit.write('shop.csv', ORDERS_CSV);
    const first = await kit.run({ kind: 'orders', path: file });
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value).toMatchObject({
      rows: 4,
      imported: 4,
      updated: 0,
      unchanged: 0,
      rejected: 0,
    });
    const before = await state(kit);
    expect(before).toMatchObject({ events: 3, orders: 3, lines: 4, profiles: 2, spent: 1125 });

    const again = await kit.run({ kind: 'orders', path: file });
    if (!again.ok) throw new Error(again.error.message);
    expect(again.value).toMatchObject({ rows: 4, imported: 0, updated: 0, unchanged: 4 });
    expect(again.value.jobId).not.toBe(first.value.jobId);
    expect(await state(kit)).toEqual(before);

    // Cherries got dearer: order 1003 is updated, the others are unchanged.
    const changed = kit.write(
      'shop-2.csv',
      ORDERS_CSV.replace('C3,Cherry,3,2.00', 'C3,Cherry,3,2.50'),
    );
    const third = await kit.run({ kind: 'orders', path: changed });
    if (!third.ok) throw new Error(third.error.message);
    expect(third.value).toMatchObject({ imported: 0, updated: 1, unchanged: 3 });
    const after = await state(kit);
    expect(after).toMatchObject({ orders: 3, lines: 4, spent: 1275, orderCount: 3 });
  });

  it('stopped after some chunks, a rerun continues after the checkpoint: complete, no duplicates', async () => {
    const { csv, total } = ordersCsv(3000, 400);
    const file = kit.write('big.csv', csv);
    const stop = new AbortController();
    const baseline = await state(kit);
    const stopped = await kit.service.run(
      { workspaceId: 'default', kind: 'orders', path: file, signal: stop.signal },
      (p) => {
        if (p.rows >= 2000) stop.abort();
      },
    );
    expect(stopped.ok).toBe(false);
    if (stopped.ok) return;
    expect(stopped.error.code).toBe('unavailable');
    expect(stopped.error.message).toMatch(/stopped after line \d+; run it again to resume/);
    const [job] = await kit.rows<{ id: string; status: string; checkpoint: unknown }>(
      "select id, status, checkpoint from import_jobs where file_name like '%big.csv'",
    );
    const cp = typeof job?.checkpoint === 'string' ? JSON.parse(job.checkpoint) : job?.checkpoint;
    expect(job?.status).toBe('running');
    expect(cp.line).toBeGreaterThan(100);
    expect(cp.line).toBeLessThan(9001);
    const partial = await state(kit);
    expect(partial.events - baseline.events).toBeGreaterThan(0);
    expect(partial.events - baseline.events).toBeLessThan(3000);

    // The same request again resumes the same import.
    const resumed = await kit.run({ kind: 'orders', path: file });
    if (!resumed.ok) throw new Error(resumed.error.message);
    expect(resumed.value.jobId).toBe(job?.id);
    expect(resumed.value).toMatchObject({ rows: 9000, imported: 9000, unchanged: 0, rejected: 0 });
    const done = await state(kit);
    expect(done.events - baseline.events).toBe(3000);
    expect(done.distinctIds).toBe(done.events);
    expect(done.orders - baseline.orders).toBe(3000);
    expect(done.lines - baseline.lines).toBe(9000);
    expect(done.spent - baseline.spent).toBe(Math.round(total * 100));
  });

  it('an uploaded import whose worker died is taken up again from the jobs table and resumes', async () => {
    const { csv } = ordersCsv(2000, 300);
    const file = kit.write('upload.csv', csv.replaceAll(',o', ',u').replaceAll('\no', '\nu'));
    const queue = new JobQueue(kit.database);
    const baseline = await state(kit);
    const accepted = await acceptUpload(
      { service: kit.service, database: kit.database, queue, clock: kit.clock },
      {
        workspaceId: 'default',
        kind: 'orders',
        format: 'csv',
        mappingName: undefined,
        fileName: 'upload.csv',
        body: fs.createReadStream(file),
      },
    );
    if (!accepted.ok) throw new Error(accepted.error.message);
    // A worker claims the job and dies part-way (its run stops after a few chunks).
    const [claimed] = await queue.claimDue(kit.clock.now(), 'doomed-worker', 1);
    expect(claimed?.kind).toBe(IMPORT_JOB);
    const job = await kit.service.jobs.byId(accepted.value.id);
    if (!job) throw new Error('no job');
    const stop = new AbortController();
    const died = await kit.service.execute(job, {
      signal: stop.signal,
      onProgress: (p) => (p.rows >= 1500 ? stop.abort() : undefined),
    });
    expect(died.ok).toBe(false);
    const midway = await kit.service.jobs.view('default', accepted.value.id);
    expect(midway?.status).toBe('running');
    expect(midway?.progress.rows).toBeGreaterThan(0);

    // Its lease runs out; another worker takes the job and the import continues.
    kit.clock.advance(61_000);
    const runner = new JobRunner(queue, kit.clock, createLogger('silent'));
    runner.register(IMPORT_JOB, importJobHandler(kit.service, kit.clock));
    expect(await runner.runDue()).toBe(1);
    const done = await kit.service.jobs.view('default', accepted.value.id);
    expect(done).toMatchObject({ status: 'done', summary: { rows: 6000, imported: 6000 } });
    const after = await state(kit);
    expect(after.events - baseline.events).toBe(2000);
    expect(after.distinctIds).toBe(after.events);
    expect(after.lines - baseline.lines).toBe(6000);
    // The uploaded copy is removed once the import has ended.
    expect(fs.existsSync(`${kit.dir}/work/${accepted.value.id}.upload`)).toBe(false);
  });
});
