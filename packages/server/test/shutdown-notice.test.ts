import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { waitingNotice } from '../src/server.js';

/** A shutdown step still running after 2 s is named in the log; a quick one is not. */
describe('shutdown steps', () => {
  let lines: Record<string, unknown>[];
  let step: ReturnType<typeof waitingNotice>;
  beforeEach(() => {
    vi.useFakeTimers();
    lines = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    step = waitingNotice(pino({ level: 'warn' }, sink));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const settleAfter = (ms: number) =>
    new Promise<void>((resolve) => {
      setTimeout(resolve, ms);
    });

  it('names a step still running after two seconds, once', async () => {
    const done = step('processor', () => settleAfter(5_000));
    await vi.advanceTimersByTimeAsync(1_999);
    expect(lines).toEqual([]);
    await vi.advanceTimersByTimeAsync(3_001);
    await done;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(lines.map((l) => [l.step, l.msg])).toEqual([
      ['processor', 'shutdown: still waiting for processor'],
    ]);
  });

  it('says nothing of a quick step, and passes a failure on', async () => {
    const quick = step('jobs', () => settleAfter(10));
    await vi.advanceTimersByTimeAsync(10);
    await quick;
    const failing = step('database', () => Promise.reject(new Error('closed twice')));
    await expect(failing).rejects.toThrow('closed twice');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(lines).toEqual([]);
  });
});
