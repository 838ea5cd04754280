import { describe, expect, it } from 'vitest';
import { newEnrollmentId } from '../../src/modules/journeys/enrollment-store.js';

const AT = Date.parse('2026-12-07T13:00:00Z');

describe('enrollment ids', () => {
  it('are the same for the same entry at the same instant (a replay splits alike)', () => {
    expect(newEnrollmentId(AT, 'jrn_1', 'p1', 'event:m1')).toBe(
      newEnrollmentId(AT, 'jrn_1', 'p1', 'event:m1'),
    );
    expect(newEnrollmentId(AT, 'jrn_1', 'p1', 'event:m1')).toMatch(/^enr_[0-9a-f]{32}$/);
  });

  it('differ for any other journey, profile or entry key, also within one millisecond', () => {
    const ids = new Set<string>();
    for (let p = 0; p < 200; p++)
      for (const key of ['event:m1', 'event:m2', 'segment:7'])
        for (const journey of ['jrn_1', 'jrn_2'])
          ids.add(newEnrollmentId(AT, journey, `p${p}`, key));
    expect(ids.size).toBe(200 * 3 * 2);
  });

  it('sort by their entry instant', () => {
    const ids = [AT - 86_400_000, AT - 1, AT, AT + 1, AT + 86_400_000].map((at, i) =>
      newEnrollmentId(at, 'jrn_1', `p${9 - i}`, 'event:m'),
    );
    expect([...ids].sort()).toEqual(ids);
  });
});
