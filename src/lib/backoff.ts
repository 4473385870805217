/**
 * The one backoff formula of the service: `baseMs` doubling with each attempt (1-based) up to `maxMs`, with jitter so
 * that many waiters do not retry in step. Pure (the random source is a parameter).
 *
 * Jitter:
 * - `proportional` (default): ±25 % around the step (the queue's job retries);
 * - `equal`: half the step plus a random half (reconnects: never sooner than half the step);
 * - `none`: the step itself (a timer that must be predictable, e.g. a probe schedule).
 */
export interface Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly jitter?: 'proportional' | 'equal' | 'none';
}

export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const step = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  switch (backoff.jitter ?? 'proportional') {
    case 'proportional':
      return Math.round(step * (0.75 + random() * 0.5));
    case 'equal':
      return Math.round(step / 2 + random() * (step / 2));
    case 'none':
      return step;
  }
}
