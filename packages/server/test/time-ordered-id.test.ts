import { describe, expect, it } from 'vitest';
import { timeOrderedUuid } from '../src/platform/time-ordered-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const msOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('time-ordered ids (UUID version 7)', () => {
  it('are version 7 with the RFC variant, carrying the instant in their first 48 bits', () => {
    for (const at of [0, 1, Date.parse('2026-12-07T13:00:00.123Z'), 2 ** 48 - 1]) {
      const id = timeOrderedUuid(at);
      expect(id).toMatch(UUID_V7);
      expect(msOf(id)).toBe(at);
    }
  });

  it('sort by their instant, and differ within one millisecond', () => {
    const at = Date.parse('2026-12-07T13:00:00Z');
    const ids = Array.from({ length: 2000 }, (_, i) => timeOrderedUuid(at + Math.floor(i / 100)));
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 100; i < ids.length; i += 100) {
      const [before, after] = [ids[i - 1] ?? '', ids[i] ?? ''];
      expect(before < after).toBe(true);
    }
    // The 74 random bits are not all the same within a millisecond.
    expect(new Set(ids.slice(0, 100).map((id) => id.slice(19))).size).toBe(100);
  });
});
