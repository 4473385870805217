import type { Logger } from '../lib/logger.ts';

export type BudgetState = 'normal' | 'slow' | 'paused';

export interface ApiUsage {
  readonly used: number;
  readonly limit: number;
}

/** What the guard acts on: the queue and the worker, through plain functions (no BullMQ types here). */
export interface BudgetActuators {
  /** Pause taking jobs queue-wide (every replica) for `ms`; renewed while over the hard share. */
  pauseFor(ms: number): Promise<void>;
  /** Lift the pause at once (usage fell). */
  resume(): Promise<void>;
  /** Jobs this worker runs at once. */
  setConcurrency(n: number): void;
}

export interface ApiBudgetOptions {
  readonly logger: Logger;
  readonly actuators: BudgetActuators;
  /** The last usage seen on a response (jsforce reads Sforce-Limit-Info into conn.limitInfo). */
  readonly lastUsage: () => ApiUsage | undefined;
  /** Asks Salesforce for the usage (GET /limits); used while paused, when no other request runs. */
  readonly fetchUsage: () => Promise<ApiUsage | undefined>;
  /** Share of the daily allocation above which the worker slows down (default 0.8). */
  readonly slowAt?: number;
  /** Share above which the queue pauses (default 0.95). */
  readonly pauseAt?: number;
  readonly concurrency: number;
  readonly intervalMs?: number;
  readonly onChange?: (state: BudgetState, usage: ApiUsage) => void;
}

/** The pure decision: which state a usage ratio puts the guard in (with a little hysteresis on the way down). */
export function decideBudgetState(ratio: number, current: BudgetState, slowAt: number, pauseAt: number): BudgetState {
  const margin = 0.01;
  if (ratio >= pauseAt) return 'paused';
  if (current === 'paused' && ratio >= pauseAt - margin) return 'paused';
  if (ratio >= slowAt) return 'slow';
  if (current === 'slow' && ratio >= slowAt - margin) return 'slow';
  return 'normal';
}

/**
 * The daily Salesforce API allocation is shared by every integration in the org. Above `slowAt` of it the
 * worker spends fewer requests per call: the queue is held for two intervals out of three, and the calls that
 * gathered meanwhile are written together (their lookups and Tasks share requests), at the price of up to ~20 s
 * more latency. Above `pauseAt` the whole queue pauses (renewed while it lasts, so a dead process never leaves it
 * paused); when usage falls, work resumes. Never be the integration that locks an org out.
 */
export class ApiBudgetGuard {
  readonly #o: ApiBudgetOptions & { slowAt: number; pauseAt: number; intervalMs: number };
  #state: BudgetState = 'normal';
  #usage: ApiUsage | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();
  /** Checks since the guard entered 'slow'. */
  #slowTicks = 0;

  constructor(opts: ApiBudgetOptions) {
    this.#o = { ...opts, slowAt: opts.slowAt ?? 0.8, pauseAt: opts.pauseAt ?? 0.95, intervalMs: opts.intervalMs ?? 10_000 };
  }

  state(): BudgetState {
    return this.#state;
  }

  usage(): ApiUsage | undefined {
    return this.#usage;
  }

  start(): void {
    const tick = () => {
      this.#running = this.check().finally(() => {
        this.#timer = setTimeout(tick, this.#o.intervalMs);
        this.#timer.unref();
      });
    };
    this.#timer = setTimeout(tick, 0);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    await this.#running.catch(() => undefined);
  }

  /** One look at the usage and, if the state changes, one action. */
  async check(): Promise<BudgetState> {
    const o = this.#o;
    let usage = o.lastUsage();
    if (this.#state === 'paused' || !usage) usage = (await o.fetchUsage().catch(() => undefined)) ?? usage;
    if (!usage || usage.limit <= 0) return this.#state;
    this.#usage = usage;
    const next = decideBudgetState(usage.used / usage.limit, this.#state, o.slowAt, o.pauseAt);
    const prev = this.#state;
    if (next === 'paused') await o.actuators.pauseFor(o.intervalMs * 3); // renewed every tick while over
    if (next === 'slow') {
      // Held for two checks, open for one: what gathered goes out in a few shared requests.
      this.#slowTicks = prev === 'slow' ? this.#slowTicks + 1 : 0;
      if (this.#slowTicks % 3 === 0) await o.actuators.pauseFor(o.intervalMs * 2);
    }
    if (next === prev) return next;
    this.#state = next;
    const fields = { used: usage.used, limit: usage.limit, percent: Math.round((usage.used / usage.limit) * 1000) / 10 };
    if (next === 'paused') o.logger.warn('api_budget_paused', { ...fields, pauseAtPercent: o.pauseAt * 100 });
    else if (next === 'slow') o.logger.warn('api_budget_slow', { ...fields, slowAtPercent: o.slowAt * 100 });
    else o.logger.info('api_budget_normal', fields);
    if (prev === 'paused' || (prev === 'slow' && next === 'normal')) await o.actuators.resume();
    // Paused: one call at a time when the pause lapses (a dead guard), until the next check.
    o.actuators.setConcurrency(next === 'paused' ? 1 : o.concurrency);
    o.onChange?.(next, usage);
    return next;
  }
}
