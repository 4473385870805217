/**
 * The pure decisions of the catch-up (src/ringcentral/catch-up.ts): how fast it may call RingCentral, whether to
 * repeat a failed request, and what a call-log page lists. No I/O.
 */
import { assertNever } from '../lib/assert-never.ts';
import type { Failure, FailureKind } from '../lib/service-error.ts';
import { DEFAULT_RATE_LIMIT_WAIT_MS } from './ringcentral-error.ts';
import { backoffDelay, type Backoff } from '../lib/backoff.ts';

export type RateGroup = 'heavy' | 'light';
/** RingCentral's default plan (basics/rate-limits), used when the headers are missing; `reserve` is left for others. */
const GROUPS: Readonly<Record<RateGroup, { limit: number; windowMs: number; reserve: number; spread: boolean }>> = {
  heavy: { limit: 10, windowMs: 60_000, reserve: 2, spread: true },
  light: { limit: 50, windowMs: 60_000, reserve: 5, spread: false },
};

export interface RateWindow {
  readonly at: number;
  readonly limit: number;
  readonly remaining: number | undefined;
  readonly windowMs: number;
}
export interface HeaderReader {
  get(name: string): string | null;
}

/** The X-Rate-Limit-* headers of an answer received at `at` (group defaults for what is missing). */
export function readRateWindow(headers: HeaderReader | undefined, group: RateGroup, at: number): RateWindow {
  const num = (name: string): number | undefined => {
    const raw = headers?.get(name);
    const n = raw === null || raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  const limit = num('x-rate-limit-limit');
  const window = num('x-rate-limit-window');
  return { at, limit: limit || GROUPS[group].limit, remaining: num('x-rate-limit-remaining'), windowMs: window ? window * 1000 : GROUPS[group].windowMs };
}

/** How long to wait before the next request of `group`, given the previous answer's window. */
export function pauseBefore(last: RateWindow | undefined, group: RateGroup, now: number): number {
  if (!last) return 0;
  const g = GROUPS[group];
  if (last.remaining !== undefined && last.remaining <= g.reserve) return Math.max(0, last.at + last.windowMs - now);
  return g.spread ? Math.max(0, last.at + Math.ceil(last.windowMs / last.limit) - now) : 0;
}

export const MAX_RATE_LIMITED_RETRIES = 10;
export const MAX_TRANSIENT_RETRIES = 4;
/** A failed call-log or insights request: 1, 2, 4, 8 s. */
const TRANSIENT_BACKOFF: Backoff = { baseMs: 1000, maxMs: 8000, jitter: 'none' };
export type RetryDecision =
  | { readonly retry: true; readonly reason: 'rate_limited' | 'transient'; readonly waitMs: number }
  | { readonly retry: false; readonly reason: FailureKind };

/** Whether to repeat a failed request (`attempt` 1-based): 429 after Retry-After, network/5xx with backoff. */
export function retryDecision(failure: Failure, attempt: number): RetryDecision {
  switch (failure.kind) {
    case 'rate_limited':
      return attempt <= MAX_RATE_LIMITED_RETRIES ? { retry: true, reason: 'rate_limited', waitMs: failure.waitMs ?? DEFAULT_RATE_LIMIT_WAIT_MS } : { retry: false, reason: 'rate_limited' };
    case 'transient':
      return attempt <= MAX_TRANSIENT_RETRIES ? { retry: true, reason: 'transient', waitMs: backoffDelay(attempt, TRANSIENT_BACKOFF) } : { retry: false, reason: 'transient' };
    case 'auth':
    case 'permanent':
    case 'stale_reference':
      return { retry: false, reason: failure.kind };
    default:
      return assertNever(failure.kind, 'failure kind');
  }
}

/** The recording ids of one call-log page (view=Simple), in order and without repeats, and whether more follow. */
export function readCallLogPage(body: unknown): { recordingIds: string[]; hasNext: boolean } {
  const b = (body && typeof body === 'object' ? body : {}) as { records?: unknown; navigation?: { nextPage?: { uri?: unknown } } };
  const records = Array.isArray(b.records) ? b.records : [];
  const ids = new Set<string>();
  for (const r of records) {
    const id = (r as { recording?: { id?: unknown } } | null)?.recording?.id;
    if ((typeof id === 'string' && id !== '') || typeof id === 'number') ids.add(String(id));
  }
  return { recordingIds: [...ids], hasNext: records.length > 0 && typeof b.navigation?.nextPage?.uri === 'string' };
}
