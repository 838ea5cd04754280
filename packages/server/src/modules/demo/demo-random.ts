/**
 * The demo store's only source of chance: a seeded mulberry32 generator, so the same seed
 * always replays the same store (Math.random would make every demo run differ).
 */
export class DemoRandom {
  #state: number;

  constructor(seed: number) {
    // Any number is a seed; the state is its low 32 bits.
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A float in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** A shuffled copy (inside-out Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out: T[] = [];
    items.forEach((item, i) => {
      const j = this.int(0, i);
      const moved = out[j];
      if (j === i || moved === undefined) out.push(item);
      else {
        out.push(moved);
        out[j] = item;
      }
    });
    return out;
  }

  /** One of `items` by weight (weights need not add up to 1). */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    const last = items[items.length - 1];
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }

  /** An exponential wait with the given mean: gaps between visits cluster, like real ones. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /**
   * A generator of its own for one part of the store (one customer, the catalog), so a change
   * in how many draws one part makes does not reshuffle every other part.
   */
  static derive(seed: number, part: number): DemoRandom {
    let h = Math.imul((seed ^ 0x85ebca6b) >>> 0, 0xc2b2ae35) ^ Math.imul(part + 1, 0x9e3779b1);
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d);
    h ^= h >>> 15;
    return new DemoRandom(h >>> 0);
  }
}

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

/** Money as stores show it: two decimals. */
export const cents = (n: number): number => Math.round(n * 100) / 100;
