/** A small in-memory cache with per-entry expiry and a size cap (oldest entries go first). */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; expires: number }>();
  readonly #max: number;
  readonly #now: () => number;

  constructor(opts: { maxEntries?: number; now?: () => number } = {}) {
    this.#max = opts.maxEntries ?? 10_000;
    this.#now = opts.now ?? Date.now;
  }

  /** The live value, or undefined when absent or expired: read once (a has-then-get can see an entry expire between). */
  get(key: string): V | undefined {
    const e = this.#entries.get(key);
    if (!e || e.expires <= this.#now()) {
      if (e) this.#entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: V, ttlMs: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expires: this.#now() + ttlMs });
    while (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
  }

  /** Removes every entry for which `test(key, value)` is true; returns how many. */
  deleteWhere(test: (key: string, value: V) => boolean): number {
    let n = 0;
    for (const [k, e] of this.#entries) {
      if (!test(k, e.value)) continue;
      this.#entries.delete(k);
      n++;
    }
    return n;
  }

  get size(): number {
    return this.#entries.size;
  }
}
