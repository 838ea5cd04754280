/**
 * `comeback backtest JOURNEY --days N`, in process, on both engines: the same report as the
 * API with --json, a readable table by default, the error of an unknown journey, and no row
 * of any table changed.
 */
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerBacktestCommand } from '../../src/cli-backtest.js';
import { engines } from '../support/engines.js';
import { rowCounts, startBacktestWorld, type BacktestWorld } from './journey-backtest-world.js';

describe.each(engines)('comeback backtest on %s', (engine) => {
  let b: BacktestWorld;
  beforeAll(async () => {
    b = await startBacktestWorld(engine);
  }, 120_000);
  afterAll(async () => {
    await b?.close();
  });

  it('comeback backtest prints the same report, or a table', async () => {
    const s = b.w.t.server.services;
    const before = await rowCounts(s.database);
    const run = async (args: string[]) => {
      let out = '';
      const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        out += String(chunk);
        return true;
      });
      try {
        const program = new Command().exitOverride();
        registerBacktestCommand(program, () => s.config, s.clock);
        await program.parseAsync(['backtest', ...args], { from: 'user' });
      } finally {
        write.mockRestore();
      }
      return out;
    };
    const api = await b.backtest('Abandoned cart', { days: 30, samples: 2 });
    const json = await run(['Abandoned cart', '--days', '30', '--samples', '2', '--json']);
    expect(JSON.parse(json)).toEqual(api.body);
    const text = await run(['Abandoned cart', '--days', '30', '--samples', '1']);
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      `Backtest of "Abandoned cart" (draft) over the last 30 days: ${api.body.from} -> ${api.body.to}`,
    );
    expect(lines).toContain(
      'Entered 6 (4 profiles), converted 2 (revenue 130), completed 4, exited 0, still waiting 0',
    );
    expect(lines).toContain(
      'cart_email   send            0        sent 3, skipped 2, delayed 2  after_email 5',
    );
    expect(lines).toContain('  1  the profile has no email address');
    expect(text).toContain('Messages: 3 (email 3); delayed by the budget 1, by quiet hours 1');
    expect(lines.filter((l) => l.startsWith('Trace of '))).toHaveLength(1);
    let err = '';
    const errors = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      err += String(chunk);
      return true;
    });
    try {
      expect(await run(['No such journey', '--days', '7'])).toBe('');
      expect([err, process.exitCode]).toEqual(['comeback: no journey No such journey\n', 1]);
    } finally {
      errors.mockRestore();
      process.exitCode = undefined;
    }
    expect(await rowCounts(s.database)).toEqual(before);
  });
});
