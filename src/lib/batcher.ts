/**
 * Group commit for requests: items submitted while a batch is in flight wait and go together in the next
 * one. At a trickle an item goes at once (after `lingerMs`, a few milliseconds); under load the batches grow by
 * themselves up to `maxWeight`, so many calls share one request without a fixed delay on any of them.
 */
export interface BatcherOptions<I> {
  /** The most an item batch may weigh (e.g. 200 records per collection request). */
  readonly maxWeight: number;
  /** An item's weight (default 1). An item heavier than maxWeight goes alone. */
  readonly weight?: (item: I) => number;
  /** Batches in flight at once. With 1, every item submitted during a request rides in the next one. */
  readonly maxInFlight?: number;
  /**
   * Full batches may go beyond maxInFlight, up to this many in flight (default maxInFlight + 4): waiting would
   * not make them any fuller, only later.
   */
  readonly maxFullInFlight?: number;
  /**
   * What counts as full for maxFullInFlight (default maxWeight). Lower, a batch that is already worth a request
   * under load (many calls waiting) goes without waiting for the one in flight, while at a trickle (a batch of one
   * or two) an item still waits and shares the next request.
   */
  readonly eagerWeight?: number;
  /** How long the first item of a batch waits for company when a request slot is free. */
  readonly lingerMs?: number;
}

interface Pending<I, O> {
  readonly item: I;
  readonly weight: number;
  readonly resolve: (o: O) => void;
  readonly reject: (e: unknown) => void;
}

export interface BatcherStats {
  readonly batches: number;
  readonly items: number;
}

/**
 * `run(items)` must return one outcome per item, in order; if it throws, every item of that batch is rejected
 * with the error (the caller decides what a failed batch means for each item).
 */
export class Batcher<I, O> {
  readonly #run: (items: I[]) => Promise<O[]>;
  readonly #maxWeight: number;
  readonly #weight: (item: I) => number;
  readonly #maxInFlight: number;
  readonly #lingerMs: number;
  readonly #maxFullInFlight: number;
  readonly #eagerWeight: number;
  #queue: Array<Pending<I, O>> = [];
  #inFlight = 0;
  #timer: NodeJS.Timeout | undefined;
  #batches = 0;
  #items = 0;

  constructor(run: (items: I[]) => Promise<O[]>, opts: BatcherOptions<I>) {
    if (!(opts.maxWeight >= 1)) throw new RangeError('maxWeight must be at least 1');
    this.#run = run;
    this.#maxWeight = opts.maxWeight;
    this.#weight = opts.weight ?? (() => 1);
    this.#maxInFlight = Math.max(1, opts.maxInFlight ?? 1);
    this.#lingerMs = Math.max(0, opts.lingerMs ?? 2);
    this.#maxFullInFlight = Math.max(this.#maxInFlight, opts.maxFullInFlight ?? this.#maxInFlight + 4);
    this.#eagerWeight = Math.min(this.#maxWeight, Math.max(1, opts.eagerWeight ?? this.#maxWeight));
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, weight: Math.max(1, this.#weight(item)), resolve, reject });
      this.#schedule();
    });
  }

  stats(): BatcherStats {
    return { batches: this.#batches, items: this.#items };
  }

  #queuedWeight(): number {
    let w = 0;
    for (const p of this.#queue) w += p.weight;
    return w;
  }

  #schedule(): void {
    if (this.#queue.length === 0) return;
    const weight = this.#queuedWeight();
    if (this.#inFlight >= (weight >= this.#eagerWeight ? this.#maxFullInFlight : this.#maxInFlight)) return;
    // A full batch goes now; otherwise give the first item a moment for company.
    if (weight >= this.#maxWeight || this.#lingerMs === 0) {
      this.#flush();
      return;
    }
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#flush();
    }, this.#lingerMs);
  }

  #take(): Array<Pending<I, O>> {
    const batch: Array<Pending<I, O>> = [];
    let weight = 0;
    while (this.#queue.length > 0) {
      const next = this.#queue[0]!;
      if (batch.length > 0 && weight + next.weight > this.#maxWeight) break;
      batch.push(this.#queue.shift()!);
      weight += next.weight;
    }
    return batch;
  }

  #flush(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    while (this.#queue.length > 0 && (this.#inFlight < this.#maxInFlight || (this.#inFlight < this.#maxFullInFlight && this.#queuedWeight() >= this.#eagerWeight))) {
      const batch = this.#take();
      this.#inFlight++;
      this.#batches++;
      this.#items += batch.length;
      void this.#execute(batch);
    }
  }

  async #execute(batch: Array<Pending<I, O>>): Promise<void> {
    try {
      const out = await this.#run(batch.map((p) => p.item));
      if (out.length !== batch.length) throw new Error(`batch returned ${out.length} outcomes for ${batch.length} items`);
      batch.forEach((p, i) => p.resolve(out[i]!));
    } catch (e) {
      for (const p of batch) p.reject(e);
    } finally {
      this.#inFlight--;
      // Whatever gathered meanwhile goes now, together.
      if (this.#queue.length > 0) this.#flush();
    }
  }
}
