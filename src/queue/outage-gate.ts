import { backoffDelay, type Backoff } from '../lib/backoff.ts';
import type { Logger } from '../lib/logger.ts';
import type { HoldCause } from './retry-policy.ts';

/**
 * Holds the work while Salesforce is unavailable to us, and lets it go as soon as Salesforce answers again, with
 * no person involved. One state machine: open, or held for a cause (retry-policy.ts), probing Salesforce with one
 * cheap request on the cause's cadence. While held the worker takes no job, and the calls that met the outage go
 * back to the queue without using an attempt; when a probe succeeds the worker resumes and every delayed retry is
 * due at once, so a long outage does not leave calls waiting out their backoff.
 *
 * Logs one line per change of state (`salesforce_unavailable`, `salesforce_hold_changed`, `salesforce_available`),
 * never one per probe.
 */

/** How often each cause is probed: attempt 1 is the first probe after the hold began. */
export const PROBE_CADENCE: Readonly<Record<HoldCause, Backoff>> = {
  // A login or a session that may work again any moment: soon, then every 10-15 s (token requests stay few).
  login: { baseMs: 1000, maxMs: 15_000, jitter: 'none' },
  auth: { baseMs: 1000, maxMs: 10_000, jitter: 'none' },
  // Down: a first look after 5 s (a blip), 10 s later, then every 15 s.
  outage: { baseMs: 5000, maxMs: 15_000, jitter: 'none' },
  // The daily allocation: once a minute at most; the concurrency limit clears in seconds.
  daily_limit: { baseMs: 60_000, maxMs: 60_000, jitter: 'none' },
  concurrent_limit: { baseMs: 10_000, maxMs: 10_000, jitter: 'none' },
};

export type GateState =
  | { readonly open: true }
  | { readonly open: false; readonly cause: HoldCause; readonly since: number; readonly probes: number; readonly lastError?: string };

/** What a probe found: Salesforce answers (`ok`), or the hold it still calls for, and why. */
export type ProbeResult = { readonly ok: true } | { readonly ok: false; readonly cause: HoldCause; readonly error: string };

export interface OutageGateOptions {
  readonly logger: Logger;
  /** One cheap request that tells whether Salesforce answers normally for this cause (a login, GET /limits). */
  readonly probe: (cause: HoldCause) => Promise<ProbeResult>;
  /** Stop taking jobs (this process). */
  readonly pause: () => Promise<void>;
  /** Take jobs again, and make the delayed retries due now. */
  readonly resume: () => Promise<void>;
  readonly cadence?: Partial<Record<HoldCause, Backoff>>;
  readonly now?: () => number;
  readonly onChange?: (state: GateState) => void;
}

export class OutageGate {
  readonly #o: OutageGateOptions;
  readonly #now: () => number;
  #state: GateState = { open: true };
  #streak = 0;
  #timer: NodeJS.Timeout | undefined;
  #probing: Promise<void> | undefined;
  #closed = false;

  constructor(opts: OutageGateOptions) {
    this.#o = opts;
    this.#now = opts.now ?? Date.now;
  }

  state(): GateState {
    return this.#state;
  }

  isOpen(): boolean {
    return this.#state.open;
  }

  /** A call was written: Salesforce answers, the run of passing failures ends. */
  succeeded(): void {
    this.#streak = 0;
  }

  /** A call failed for a passing Salesforce reason: the length of the run, this one included. */
  countTransient(): number {
    return ++this.#streak;
  }

  /** Hold the work for `cause` (a no-op when held for it already; a new cause replaces the old one). */
  async hold(cause: HoldCause, error?: string): Promise<void> {
    if (this.#closed) return;
    const s = this.#state;
    if (!s.open && s.cause === cause) return;
    const since = s.open ? this.#now() : s.since;
    this.#state = { open: false, cause, since, probes: 0, ...(error ? { lastError: error } : {}) };
    if (s.open) {
      this.#o.logger.warn('salesforce_unavailable', { cause, ...(error ? { error } : {}), probeEveryMs: this.#cadence(cause).maxMs });
      await this.#o.pause();
    } else this.#o.logger.warn('salesforce_hold_changed', { from: s.cause, cause, ...(error ? { error } : {}) });
    this.#o.onChange?.(this.#state);
    this.#schedule();
  }

  /** Stops probing (shutdown). */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#probing;
  }

  #cadence(cause: HoldCause): Backoff {
    return this.#o.cadence?.[cause] ?? PROBE_CADENCE[cause];
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    const s = this.#state;
    if (s.open || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#probing = this.#probe().finally(() => (this.#probing = undefined));
    }, backoffDelay(s.probes + 1, this.#cadence(s.cause)));
    this.#timer.unref();
  }

  async #probe(): Promise<void> {
    const s = this.#state;
    if (s.open || this.#closed) return;
    let result: ProbeResult;
    try {
      result = await this.#o.probe(s.cause);
    } catch (e) {
      result = { ok: false, cause: s.cause, error: e instanceof Error ? e.message : String(e) };
    }
    if (this.#closed || this.#state !== s) return; // a hold for another cause came meanwhile: it has its own timer
    if (result.ok) {
      this.#state = { open: true };
      this.#streak = 0;
      this.#o.logger.info('salesforce_available', { after: s.cause, downMs: this.#now() - s.since, probes: s.probes + 1 });
      await this.#o.resume();
      this.#o.onChange?.(this.#state);
      return;
    }
    if (result.cause !== s.cause) {
      this.#o.logger.warn('salesforce_hold_changed', { from: s.cause, cause: result.cause, error: result.error });
      this.#state = { open: false, cause: result.cause, since: s.since, probes: 0, lastError: result.error };
      this.#o.onChange?.(this.#state);
    } else this.#state = { ...s, probes: s.probes + 1, lastError: result.error };
    this.#schedule();
  }
}
