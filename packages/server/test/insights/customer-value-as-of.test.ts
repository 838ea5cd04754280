/**
 * Customer value as of the store's data, on both engines: an imported history that ends years
 * before the clock is scored as of its last order (and the run says so, and the log warns
 * once); orders after the clock are never read; every prediction of a fit that cannot see
 * dropout says it is weak; the holdout check is in the run; a requested fit runs as a job and
 * reports its progress, its run, or its failure.
 */
import { Writable } from 'node:stream';
import { customerValueLimits } from '@comeback/contracts';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateCustomers } from '../../src/modules/insights/btyd/simulate.js';
import { createFit } from '../../src/modules/insights/customer-value-fit-store.js';
import { STALE_DATA_DAYS } from '../../src/modules/insights/customer-value-fit.js';
import { CustomerValueService, FIT_CUSTOMER_VALUE_JOB } from '../../src/modules/insights/index.js';
import { predictionsOf } from '../../src/modules/profiles/profile-predictions.js';
import { ManualClock } from '../../src/platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/platform/db/database.js';
import { JobQueue } from '../../src/platform/jobs/job-queue.js';
import { JobRunner } from '../../src/platform/jobs/job-runner.js';
import { engines, freshDatabase, type TestDatabase } from '../support/engines.js';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
const NOW = Date.parse('2026-03-02T12:00:00Z');
/** The imported history: 52 weeks ending on 2011-12-09, nobody ever stopping buying. */
const HISTORY_START = Date.parse('2010-12-10T00:00:00Z');

describe.each(engines)('customer value as of the data on %s', (engine) => {
  let test: TestDatabase;
  let database: Database;
  let service: CustomerValueService;
  let runner: JobRunner;
  const clock = new ManualClock(NOW);
  const warnings: string[] = [];
  let lastHistoryOrder = 0;

  beforeAll(async () => {
    test = await freshDatabase(engine);
    database = openDatabase(test.url);
    await migrateToLatest(database);
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        const line = JSON.parse(chunk.toString('utf8')) as { level: number; msg: string };
        if (line.level === 40) warnings.push(line.msg);
        done();
      },
    });
    const log = pino({ level: 'warn' }, sink);
    const queue = new JobQueue(database);
    service = new CustomerValueService(database, clock, queue, log);
    runner = new JobRunner(queue, clock, log);
    runner.register(FIT_CUSTOMER_VALUE_JOB, service.jobHandler());
    const sims = simulateCustomers({ r: 0.8, alpha: 6, a: 0.0001, b: 50 }, 400, {
      seed: 11,
      weeks: 52,
      acquisitionWeeks: 30,
    });
    const rows = sims.flatMap((c, i) =>
      c.purchases.map((w, k) => ({
        workspace_id: 'default',
        order_id: `h-${i}-${k}`,
        profile_id: `p-${i}`,
        total: 20 + (k % 3),
        refunded: 0,
        currency: 'EUR',
        ordered_at: Math.floor(HISTORY_START + w * WEEK),
      })),
    );
    lastHistoryOrder = Math.max(...rows.map((r) => r.ordered_at));
    // An order stamped after the clock (a wrong time zone, a test order): never read.
    rows.push({
      workspace_id: 'default',
      order_id: 'future-1',
      profile_id: 'p-future',
      total: 50,
      refunded: 0,
      currency: 'EUR',
      ordered_at: NOW + 3 * DAY,
    });
    for (let i = 0; i < rows.length; i += 500) {
      await database.db
        .insertInto('profile_orders')
        .values(rows.slice(i, i + 500))
        .execute();
    }
  });
  afterAll(async () => {
    await database?.close();
    await test?.drop();
  });

  it('scores an imported history as of its last order, says so, and warns once', async () => {
    const run = await service.fit('default');
    expect(run.asOf.dataEndsAt).toBe(new Date(lastHistoryOrder).toISOString());
    expect(run.asOf.asOf).toBe(run.asOf.dataEndsAt);
    expect(run.asOf.stale).toBe(true);
    expect(run.asOf.daysBehindClock).toBeGreaterThan(STALE_DATA_DAYS);
    expect(run.asOf.note).toMatch(/orders end on 2011-12-0\d.*imported history.*as of 2011/);
    expect(run.fittedAt).toBe(new Date(NOW).toISOString());
    // The future order's profile is no customer yet.
    const rows = await database.db
      .selectFrom('customer_value_predictions')
      .select(['profile_id', 't_cal', 't_x', 'quality', 'quality_reason', 'churn_risk'])
      .execute();
    expect(rows.map((r) => r.profile_id)).not.toContain('p-future');
    expect(rows).toHaveLength(run.customers);
    // T is measured to the data's last day, not to 2026: nobody is 700 weeks old.
    const lastDay = Math.floor(lastHistoryOrder / DAY);
    const firstDay = Math.floor(HISTORY_START / DAY);
    for (const r of rows) expect(Number(r.t_cal)).toBeLessThanOrEqual((lastDay - firstDay) / 7);
    // Not everyone is lost, as they were when scored against the 2026 clock.
    expect(rows.filter((r) => r.churn_risk !== 'high').length).toBeGreaterThan(rows.length / 4);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/orders end on/);

    await service.fit('default');
    expect(warnings).toHaveLength(1);
  });

  it('says on every prediction that a fit blind to dropout is weak, and why', async () => {
    const run = await service.fit('default');
    // Without dropout the maximum lies at a → 0: either a finite a the likelihood-ratio test
    // calls flat, or a fit that ran to the bound and was replaced by the rules.
    expect(run.quality?.level).toBe('weak');
    expect(run.quality?.failed).toEqual([
      run.method === 'bg_nbd' ? 'no_dropout_signal' : 'parameters_at_bounds',
    ]);
    expect(run.quality?.reason).toMatch(
      run.method === 'bg_nbd' ? /nobody ever stops buying/ : /did not settle/,
    );
    // The same as codes with their numbers, for a client to word in its own language.
    const findings =
      run.method === 'bg_nbd'
        ? [
            {
              code: 'no_dropout_signal',
              params: {
                likelihood_ratio: run.quality?.likelihoodRatio,
                critical: customerValueLimits.dropoutLrCritical,
              },
            },
          ]
        : [{ code: 'fit_did_not_settle', params: {} }];
    expect(run.quality?.findings).toEqual(findings);
    expect(run.reasonCode).toBe(run.method === 'bg_nbd' ? null : 'fit_did_not_settle');
    // Read back from storage they are the same: derived from the stored checks.
    const stored = (await service.status('default')).lastRun;
    expect(stored?.id).toBe(run.id);
    expect(stored?.quality?.findings).toEqual(findings);
    expect(stored?.reasonCode).toBe(run.reasonCode);
    const profile = await predictionsOf(database.db, 'default', 'p-0');
    expect(profile?.quality).toBe('weak');
    expect(profile?.quality_findings).toEqual(findings);
    const explanation = await service.explain('default', 'p-0');
    expect(explanation?.run.quality?.findings).toEqual(findings);
    expect(explanation?.predictions.quality_findings).toEqual(findings);
    expect(explanation?.reasonCode).toBe(run.reasonCode);
    const rows = await database.db
      .selectFrom('customer_value_predictions')
      .select(['quality', 'quality_reason', 'churn_basis'])
      .execute();
    expect(rows.length).toBeGreaterThan(300);
    for (const r of rows) {
      expect(r.quality).toBe('weak');
      expect(r.quality_reason).toBe(run.quality?.reason);
      expect(r.churn_basis).toBe(run.method === 'bg_nbd' ? 'rules_p_alive' : 'p_alive');
    }
  });

  it('reports the holdout check on the last 90 days of the data', async () => {
    const run = await service.fit('default');
    const holdout = run.holdout;
    if (!holdout) throw new Error(`no holdout: ${run.holdoutNote}`);
    expect(holdout.endsAt).toBe(run.asOf.asOf);
    expect(Date.parse(holdout.endsAt) - Date.parse(holdout.cutAt)).toBeGreaterThan(89 * DAY);
    expect(holdout.customers).toBeGreaterThan(0);
    expect(holdout.customers).toBeLessThanOrEqual(run.customers);
    expect(holdout.actual).toBeGreaterThan(0);
    expect(typeof holdout.beatsNaive).toBe('boolean');
  });

  it('a requested fit is queued, run by the job, and shows its run', async () => {
    const queued = await service.requestFit('default');
    expect(queued).toMatchObject({ status: 'queued', progress: 0, startedAt: null, run: null });
    expect(await runner.runDue()).toBe(1);
    const done = await service.fitStatus('default', Number(queued.id));
    expect(done).toMatchObject({ status: 'succeeded', progress: 1, stage: 'done', error: null });
    expect(done?.startedAt).toBe(new Date(NOW).toISOString());
    expect(done?.run?.asOf.stale).toBe(true);
    expect(await service.fitStatus('other-workspace', Number(queued.id))).toBeNull();
  });

  it('a requested fit that meets one under way in this process ends as that one', async () => {
    const id = await createFit(database.db, 'default', clock.now());
    const [first, joined] = await Promise.all([service.fit('default'), service.fit('default', id)]);
    expect(joined.id).toBe(first.id);
    const fit = await service.fitStatus('default', id);
    expect(fit).toMatchObject({ status: 'succeeded', stage: 'joined' });
    expect(fit?.run?.id).toBe(first.id);
  });

  it('a fit queued for over an hour is given up, and its late job does nothing', async () => {
    const stuck = await service.requestFit('default');
    clock.set(NOW + 2 * 3_600_000);
    const fresh = await service.requestFit('default');
    expect(fresh.id).not.toBe(stuck.id);
    expect(await service.fitStatus('default', Number(stuck.id))).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/abandoned/),
    });
    expect(await runner.runDue()).toBe(2);
    expect((await service.fitStatus('default', Number(stuck.id)))?.status).toBe('failed');
    expect((await service.fitStatus('default', Number(fresh.id)))?.status).toBe('succeeded');
  });

  it('reads a stage stored as an English label, before the codes, as its code', async () => {
    const id = await createFit(database.db, 'default', clock.now());
    const stageOf = async (stored: string) => {
      await database.db
        .updateTable('customer_value_fits')
        .set({ stage: stored })
        .where('id', '=', id)
        .execute();
      return (await service.fitStatus('default', id))?.stage;
    };
    expect(await stageOf('holdout check')).toBe('holdout_check');
    expect(await stageOf('done (joined the fit under way)')).toBe('joined');
    expect(await stageOf('scoring')).toBe('scoring');
    expect(await stageOf('something else')).toBeNull();
    await database.db.deleteFrom('customer_value_fits').where('id', '=', id).execute();
  });

  it('a fit that fails is reported failed, with the error', async () => {
    // The RFM table gone: the fit fails while saving, after the predictions were computed.
    await database.db.schema.dropTable('profile_rfm').execute();
    const queued = await service.requestFit('default');
    await runner.runDue();
    const failed = await service.fitStatus('default', Number(queued.id));
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toMatch(/profile_rfm/);
    expect(failed?.progress).toBeGreaterThanOrEqual(0.85);
    expect(failed?.stage).toBe('saving');
    expect(failed?.run).toBeNull();
    const job = await database.db
      .selectFrom('jobs')
      .select(['status', 'attempts'])
      .where('kind', '=', FIT_CUSTOMER_VALUE_JOB)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'failed', attempts: 1 });
  });
});
