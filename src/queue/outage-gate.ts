import { backoffDelay, type Backoff } from '../lib/backoff.ts';
import type { Logger } from '../lib/logger.ts';
import type { HoldCause } from './retry-policy.ts';

/**
 * Holds the work while Salesforce is unavailable to us, and lets it go as soon as Salesforce answers again, with
 * no person involved. One state machine: open; held for a cause (retry-policy.ts), probing Salesforce with one
 * cheap request on the cause's cadence; on trial once a probe is answered: the worker runs again, the first call
 * written opens the gate for good (and makes every delayed retry due at once, so a long outage does not leave calls
 * waiting out their backoff), and the first passing failure holds it again without using an attempt (a probe that
 * reads is no proof that writes work), the probes going on where they left off.
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

/** A trial with no call to try (an empty queue) ends after this long: the gate is then simply open. */
export const TRIAL_MS = 120_000;

/** A probe that has not answered by then has failed (an unanswered connection can hang for minutes). */
export const PROBE_TIMEOUT_MS = 15_000;

export type GateState =
  | { readonly open: true; readonly trial?: { readonly cause: HoldCause; readonly since: number; readonly probes: number; readonly at: number } }
  | { readonly open: false; readonly cause: HoldCause; readonly since: number; readonly probes: number; readonly lastError?: string };

/** What a probe found: Salesforce answers (`ok`), or the hold it still calls for, and why. */
export type ProbeResult = { readonly ok: true } | { readonly ok: false; readonly cause: HoldCause; readonly error: string };

export interface OutageGateOptions {
  readonly logger: Logger;
  /** One cheap request that tells whether Salesforce answers normally for this cause (a login, GET /limits). */
  readonly probe: (cause: HoldCause) => Promise<ProbeResult>;
  /** Stop taking jobs (this process). */
  readonly pause: () => Promise<void>;
  /** Take jobs again. */
  readonly resume: () => Promise<void>;
  /** Make the delayed retries due now (the first call written after an outage). */
  readonly release: () => Promise<void>;
  readonly cadence?: Partial<Record<HoldCause, Backoff>>;
  readonly probeTimeoutMs?: number;
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

  /** Jobs may run: open, or on trial. */
  isOpen(): boolean {
    return this.#state.open;
  }

  /** Why the work is held, `trial` while a probe's answer awaits its first write, undefined when open. */
  holding(): HoldCause | 'trial' | undefined {
    const s = this.#state;
    if (!s.open) return s.cause;
    if (s.trial && this.#now() - s.trial.at > TRIAL_MS) this.#state = { open: true };
    return this.#state.open && this.#state.trial ? 'trial' : undefined;
  }

  /** Salesforce took a call's requests (not a call answered from the ledger): the run of passing failures ends. */
  succeeded(): void {
    this.#streak = 0;
    const s = this.#state;
    if (!s.open || !s.trial) return;
    this.#state = { open: true };
    this.#o.onChange?.(this.#state);
    this.#o.release().catch(() => undefined);
  }

  /** A call failed for a passing Salesforce reason: the length of the run, this one included. */
  countTransient(): number {
    return ++this.#streak;
  }

  /** Hold the work for `cause` (a no-op when held for it already; a new cause replaces the old one). */
  async hold(cause: HoldCause, error?: string): Promise<void> {
    const s = this.#state;
    if (this.#closed) {
      // Shutting down: no more probes, but no job may be fetched again straight away either.
      await this.#o.pause();
      return;
    }
    if (!s.open && s.cause === cause) return;
    if (s.open) {
      // On trial, the outage goes on: its start and the probes so far with it (the cadence stays slow).
      const trial = s.trial;
      this.#state = { open: false, cause, since: trial?.since ?? this.#now(), probes: trial?.cause === cause ? trial.probes : 0, ...(error ? { lastError: error } : {}) };
      this.#o.logger.warn('salesforce_unavailable', { cause, ...(error ? { error } : {}), probeEveryMs: this.#cadence(cause).maxMs, ...(trial ? { again: true } : {}) });
      await this.#o.pause();
    } else {
      this.#state = { open: false, cause, since: s.since, probes: 0, ...(error ? { lastError: error } : {}) };
      this.#o.logger.warn('salesforce_hold_changed', { from: s.cause, cause, ...(error ? { error } : {}) });
    }
    this.#o.onChange?.(this.#state);
    this.#schedule();
  }

  /** Stops probing (shutdown); a probe under way is not waited for long. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const probing = this.#probing;
    if (probing) await Promise.race([probing, new Promise((r) => setTimeout(r, 1000).unref())]);
  }

  #cadence(cause: HoldCause): Backoff {
    return this.#o.cadence?.[cause] ?? PROBE_CADENCE[cause];
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    const s = this.#state;
    if (s.open || this.#closed) return;
    this.#timer = setTimeout(() => {
      const p = this.#probe();
      this.#probing = p;
      void p.finally(() => {
        if (this.#probing === p) this.#probing = undefined;
      });
    }, backoffDelay(s.probes + 1, this.#cadence(s.cause)));
    this.#timer.unref();
  }

  async #ask(cause: HoldCause): Promise<ProbeResult> {
    const ms = this.#o.probeTimeoutMs ?? PROBE_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ProbeResult>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, cause, error: `no answer within ${ms} ms` }), ms);
      timer.unref();
    });
    try {
      return await Promise.race([this.#o.probe(cause), timeout]);
    } catch (e) {
      return { ok: false, cause, error: e instanceof Error ? e.message : String(e) };
    } finally {
      clearTimeout(timer);
    }
  }

  async #probe(): Promise<void> {
    const s = this.#state;
    if (s.open || this.#closed) return;
    const result = await this.#ask(s.cause);
    if (this.#closed || this.#state !== s) return; // a hold for another cause came meanwhile: it has its own timer
    if (result.ok) {
      // On trial: the worker runs again, and the first call written opens the gate (succeeded()).
      this.#state = { open: true, trial: { cause: s.cause, since: s.since, probes: s.probes + 1, at: this.#now() } };
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
