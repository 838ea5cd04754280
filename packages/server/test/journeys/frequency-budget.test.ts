import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  nextAllowedSlot,
  withinBudget,
  type BudgetLimit,
} from '../../src/modules/journeys/frequency-budget.js';

/**
 * The frequency budget: exact slots for the usual limits, scheduled (future) messages
 * respected, and two properties: greedy scheduling never overfills any window and each slot
 * is the earliest; withinBudget agrees with a brute force over every integer window start.
 */
const H = 3_600_000;
const D = 24 * H;
const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const perSixteenHours: BudgetLimit = { max: 1, withinMs: 16 * H };
const threePerWeek: BudgetLimit = { max: 3, withinMs: 7 * D };

describe('nextAllowedSlot', () => {
  it('1 per 16 hours: waits exactly 16 hours after the last message', () => {
    const limits = [perSixteenHours];
    expect(nextAllowedSlot(T0 + H, [T0], limits)).toBe(T0 + 16 * H);
    expect(nextAllowedSlot(T0 + 16 * H - 1, [T0], limits)).toBe(T0 + 16 * H);
    expect(nextAllowedSlot(T0 + 16 * H, [T0], limits)).toBe(T0 + 16 * H);
    expect(nextAllowedSlot(T0 + 20 * H, [T0], limits)).toBe(T0 + 20 * H);
    expect(nextAllowedSlot(T0 + 2 * H, [T0 - 10 * H, T0], limits)).toBe(T0 + 16 * H);
  });

  it('3 per week: the fourth waits until the first leaves the week', () => {
    const sent = [T0 + 2 * D, T0, T0 + D]; // any order
    expect(nextAllowedSlot(T0 + 3 * D, sent, [threePerWeek])).toBe(T0 + 7 * D);
    expect(nextAllowedSlot(T0 + 2 * D, [T0, T0 + D], [threePerWeek])).toBe(T0 + 2 * D);
    expect(nextAllowedSlot(T0 + 8 * D, sent, [threePerWeek])).toBe(T0 + 8 * D);
  });

  it('both limits together: the later of the two', () => {
    const both = [perSixteenHours, threePerWeek];
    expect(nextAllowedSlot(T0 + 2 * D + H, [T0, T0 + D, T0 + 2 * D], both)).toBe(T0 + 7 * D);
    expect(nextAllowedSlot(T0 + D + H, [T0, T0 + D], both)).toBe(T0 + D + 16 * H);
    expect(nextAllowedSlot(T0 + 3 * H, [T0], both)).toBe(T0 + 16 * H);
  });

  it('no history or no limits: now', () => {
    expect(nextAllowedSlot(T0, [], [perSixteenHours, threePerWeek])).toBe(T0);
    expect(nextAllowedSlot(T0, [T0, T0, T0], [])).toBe(T0);
  });

  it('two messages at the same instant both count', () => {
    expect(nextAllowedSlot(T0, [T0, T0], [{ max: 2, withinMs: 16 * H }])).toBe(T0 + 16 * H);
    expect(nextAllowedSlot(T0, [T0], [{ max: 2, withinMs: 16 * H }])).toBe(T0);
  });

  it('a message scheduled later blocks the 16 hours before it too', () => {
    // Queued for T0 + 10h: nothing may go from T0 - 6h (exclusive) until T0 + 26h.
    expect(nextAllowedSlot(T0, [T0 + 10 * H], [perSixteenHours])).toBe(T0 + 26 * H);
    expect(nextAllowedSlot(T0 - 6 * H, [T0 + 10 * H], [perSixteenHours])).toBe(T0 - 6 * H);
    expect(nextAllowedSlot(T0 - 6 * H + 1, [T0 + 10 * H], [perSixteenHours])).toBe(T0 + 26 * H);
  });

  it('every window containing the send counts, not only the one ending at it', () => {
    const twoPer16h: BudgetLimit[] = [{ max: 2, withinMs: 16 * H }];
    const queued = [T0 + 10 * H, T0 + 20 * H];
    // [T0, T0+16h) holds T0+10h only; no window reaching T0 holds both: a third fits at T0.
    expect(nextAllowedSlot(T0, queued, twoPer16h)).toBe(T0);
    // From T0+4h+1ms, the window starting at the send holds both queued messages.
    expect(nextAllowedSlot(T0 + 4 * H, queued, twoPer16h)).toBe(T0 + 4 * H);
    expect(nextAllowedSlot(T0 + 4 * H + 1, queued, twoPer16h)).toBe(T0 + 26 * H);
    expect(nextAllowedSlot(T0 + 15 * H, queued, twoPer16h)).toBe(T0 + 26 * H);
  });

  it('refuses a budget that cannot be kept or read', () => {
    expect(() => nextAllowedSlot(T0, [], [{ max: 0, withinMs: H }])).toThrow(RangeError);
    expect(() => nextAllowedSlot(T0, [], [{ max: 1.5, withinMs: H }])).toThrow(RangeError);
    expect(() => withinBudget(T0, [], [{ max: 1, withinMs: 0 }])).toThrow(RangeError);
    expect(() => withinBudget(T0, [Number.NaN], [perSixteenHours])).toThrow(RangeError);
    expect(() => withinBudget(Infinity, [], [perSixteenHours])).toThrow(RangeError);
  });
});

describe('withinBudget', () => {
  it('a message stops counting exactly withinMs later', () => {
    expect(withinBudget(T0 + 16 * H - 1, [T0], [perSixteenHours])).toBe(false);
    expect(withinBudget(T0 + 16 * H, [T0], [perSixteenHours])).toBe(true);
    expect(withinBudget(T0 - 16 * H, [T0], [perSixteenHours])).toBe(true);
    expect(withinBudget(T0 - 16 * H + 1, [T0], [perSixteenHours])).toBe(false);
    expect(withinBudget(T0, [T0], [perSixteenHours])).toBe(false);
  });

  it('counts past and future messages in one window', () => {
    const twoPer16h: BudgetLimit[] = [{ max: 2, withinMs: 16 * H }];
    // T0 - 8h and T0 + 7h are 15h apart: a send between them makes three in one window.
    expect(withinBudget(T0, [T0 - 8 * H, T0 + 7 * H], twoPer16h)).toBe(false);
    // 16h apart: no window holds both, so one more fits anywhere between.
    expect(withinBudget(T0, [T0 - 8 * H, T0 + 8 * H], twoPer16h)).toBe(true);
    expect(withinBudget(T0, [], [])).toBe(true);
  });
});

/** withinBudget read literally for integer instants: every integer window start containing at. */
function bruteWithin(at: number, sent: readonly number[], limits: readonly BudgetLimit[]): boolean {
  return limits.every(({ max, withinMs }) => {
    for (let x = at - withinMs + 1; x <= at; x++) {
      const n = sent.filter((t) => x <= t && t < x + withinMs).length;
      if (n + 1 > max) return false;
    }
    return true;
  });
}

const limitArb = fc.record({
  max: fc.integer({ min: 1, max: 4 }),
  withinMs: fc.integer({ min: 1, max: 40 }),
});
const limitsArb = fc.array(limitArb, { minLength: 0, maxLength: 3 });

describe('properties', () => {
  it('greedy scheduling never overfills a window, and each slot is the earliest', () => {
    fc.assert(
      fc.property(
        limitsArb,
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 50, maxLength: 50 }),
        (limits, gaps) => {
          const sent: number[] = [];
          let now = 1_000;
          for (const gap of gaps) {
            now += gap;
            const slot = nextAllowedSlot(now, sent, limits);
            expect(slot).toBeGreaterThanOrEqual(now);
            expect(withinBudget(slot, sent, limits)).toBe(true);
            if (slot !== now) expect(withinBudget(slot - 1, sent, limits)).toBe(false);
            sent.push(slot);
          }
          for (const { max, withinMs } of limits) {
            for (const start of sent) {
              const inWindow = sent.filter((t) => start <= t && t < start + withinMs).length;
              expect(inWindow).toBeLessThanOrEqual(max);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('withinBudget agrees with every integer window, and the slot with a scan', () => {
    fc.assert(
      fc.property(
        limitsArb,
        fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 12 }),
        fc.integer({ min: 0, max: 100 }),
        (limits, sent, at) => {
          expect(withinBudget(at, sent, limits)).toBe(bruteWithin(at, sent, limits));
          let scan = at;
          while (!bruteWithin(scan, sent, limits)) scan++;
          expect(nextAllowedSlot(at, sent, limits)).toBe(scan);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
