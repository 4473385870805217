/**
 * How long the insights listener waits between failed register() attempts. Apart from the listener so that the
 * project's one backoff helper can replace it (queue/jobs.ts has its own formula under the same name).
 */

export interface RegisterBackoff {
  readonly minMs: number;
  readonly maxMs: number;
}

/** 2 s doubling to 60 s, with jitter. */
export const DEFAULT_REGISTER_BACKOFF: RegisterBackoff = { minMs: 2_000, maxMs: 60_000 };

/** Exponential backoff with equal jitter: attempt 1 waits minMs/2..minMs, doubling up to maxMs. */
export function backoffDelay(attempt: number, backoff: RegisterBackoff, random: () => number = Math.random): number {
  const cap = Math.min(backoff.maxMs, backoff.minMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}
