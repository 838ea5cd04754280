/** A rolling window of acknowledged -> applied lags, for /health and the benchmark. */
export class LagStats {
  readonly #window: Float64Array;
  #count = 0;
  #next = 0;

  constructor(size = 10_000) {
    this.#window = new Float64Array(size);
  }

  record(ms: number): void {
    this.#window[this.#next] = ms;
    this.#next = (this.#next + 1) % this.#window.length;
    this.#count = Math.min(this.#count + 1, this.#window.length);
  }

  percentile(p: number): number | null {
    if (this.#count === 0) return null;
    const sorted = Array.from(this.#window.subarray(0, this.#count)).sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? null;
  }
}
