/**
 * The replay's timers: a binary min-heap on (due, order), so timers run in time order and
 * those due at the same instant in the order they were set. Stale entries are the caller's to
 * skip (an enrollment rescheduled or gone carries a newer token).
 */
export class TimerQueue<T> {
  readonly #heap: { due: number; order: number; item: T }[] = [];
  #order = 0;

  get size(): number {
    return this.#heap.length;
  }

  push(due: number, item: T): void {
    const entry = { due, order: this.#order++, item };
    const h = this.#heap;
    let i = h.length;
    h.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent];
      if (p === undefined || !before(entry, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = entry;
  }

  /** The earliest entry if it is due by `until`, taken off the queue; else undefined. */
  popDue(until: number): { due: number; item: T } | undefined {
    const h = this.#heap;
    const top = h[0];
    if (top === undefined || top.due > until) return undefined;
    const last = h.pop();
    if (last === undefined || h.length === 0) return top;
    let i = 0;
    for (;;) {
      let child = -1;
      let smallest = last;
      for (const c of [2 * i + 1, 2 * i + 2]) {
        const candidate = h[c];
        if (candidate !== undefined && before(candidate, smallest)) {
          smallest = candidate;
          child = c;
        }
      }
      if (child < 0) break;
      h[i] = smallest;
      i = child;
    }
    h[i] = last;
    return top;
  }
}

function before(a: { due: number; order: number }, b: { due: number; order: number }): boolean {
  return a.due < b.due || (a.due === b.due && a.order < b.order);
}
