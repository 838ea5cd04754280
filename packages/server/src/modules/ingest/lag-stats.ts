/** A rolling window of acknowledged -> applied lags, for /health and the benchmark. */
export class LagStats {
  readonly #window: Float64Array;
  #count = 0;
  #next = 0;
  /** The window sorted, until the next record: /health asks for two percentiles in a row. */
  #sorted: Float64Array | null = null;

  constructor(size = 10_000) {
    this.#window = new Float64Array(size);
  }

  record(ms: number): void {
    this.#window[this.#next] = ms;
    this.#next = (this.#next + 1) % this.#window.length;
    this.#count = Math.min(this.#count + 1, this.#window.length);
    this.#sorted = null;
  }

  percentile(p: number): number | null {
    if (this.#count === 0) return null;
    // A typed copy sorts numerically in native code, with no boxing and no comparator calls:
    // Array.from(...).sort((a, b) => a - b) cost 5 % of the main thread under /health polling.
    this.#sorted ??= this.#window.slice(0, this.#count).sort();
    const sorted = this.#sorted;
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? null;
  }
}
