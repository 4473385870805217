import { assertNever } from '../lib/assert-never.ts';
import type { RetryKind } from '../lib/metrics.ts';
import type { Failure } from '../lib/service-error.ts';

/**
 * The retry policy: every way a call can fail, and what happens then. One pure function (decideRetry) and one
 * exhaustive switch over failure kinds, so a new kind of failure cannot go unhandled (the compiler says where).
 *
 * - fail: a person must act (a mapping miss, a validation rule). The job goes to the failed set with its reason.
 * - retry: a passing fault of this one call (a row lock, a reset connection). Later, with the job's backoff; it
 *   costs an attempt.
 * - wait: the whole queue waits `waitMs` (RingCentral's Retry-After); no attempt is used.
 * - hold: Salesforce itself is unavailable to us (down, over its limits, refusing our login). The work is paused
 *   and Salesforce probed (OutageGate) until it answers; the job goes back to the queue and uses no attempt.
 */

/** Why the work is held: each has its own probe cadence (see OutageGate). */
export type HoldCause =
  /** No Salesforce session yet: the first login failed (network, 5xx, a refused grant that may pass). */
  | 'login'
  /** Salesforce refuses the session and re-authentication (a persistent 401). */
  | 'auth'
  /** Several calls in a row failed for passing reasons (5xx, network): Salesforce is down. */
  | 'outage'
  /** The org's rolling 24 h API allocation is used up (`TotalRequests Limit exceeded`). */
  | 'daily_limit'
  /** Too many long-running requests at once (`ConcurrentPerOrgLongTxn Limit exceeded`): clears in seconds. */
  | 'concurrent_limit';

export const HOLD_CAUSES: readonly HoldCause[] = ['login', 'auth', 'outage', 'daily_limit', 'concurrent_limit'];

/** Consecutive calls failing for passing reasons after which Salesforce is taken to be down. */
export const OUTAGE_AFTER_FAILURES = 3;

/** A call's failure, as the processor sorts what was thrown. */
export type CallFailure =
  /** The call cannot be synced until a person acts (PermanentSyncError, invalid job data). */
  | { readonly kind: 'unsyncable'; readonly reason: string; readonly message: string }
  /** An outside service failed (ServiceError, classified by its adapter). */
  | { readonly kind: 'service'; readonly service: 'salesforce' | 'ringcentral'; readonly failure: Failure }
  /** Another worker is writing this call. */
  | { readonly kind: 'busy' }
  /** Anything else: a bug or an unforeseen error. */
  | { readonly kind: 'unknown' };

export type RetryDecision =
  | { readonly action: 'fail'; readonly reason: string; readonly message: string }
  | { readonly action: 'retry'; readonly kind: RetryKind }
  | { readonly action: 'wait'; readonly waitMs: number }
  | { readonly action: 'hold'; readonly cause: HoldCause };

export interface RetryContext {
  /** Salesforce calls that failed for passing reasons in a row, this one included. */
  readonly transientStreak: number;
  /**
   * The outage gate: held already for a cause (another call found Salesforce unavailable), `trial` (a probe was
   * answered and no call has been written since), or undefined (open).
   */
  readonly hold: HoldCause | 'trial' | undefined;
}

/** A RingCentral rate limit without Retry-After: wait a minute. */
export const DEFAULT_WAIT_MS = 60_000;

/** What a Salesforce failure says about Salesforce itself, if anything: the hold it calls for. */
export function holdCauseOf(failure: Failure): HoldCause | undefined {
  switch (failure.kind) {
    case 'rate_limited':
      // The daily allocation names TotalRequests; the concurrency limit ConcurrentPerOrgLongTxn; 429/420 are Edge's.
      return failure.code === 'REQUEST_LIMIT_EXCEEDED' && !/Concurrent/i.test(failure.message) ? 'daily_limit' : 'concurrent_limit';
    case 'auth':
      return 'auth';
    case 'transient':
      return 'outage';
    case 'stale_reference':
    case 'permanent':
      return undefined; // Salesforce answered: it is there, and it is this request it refuses.
    default:
      return assertNever(failure.kind, 'failure kind');
  }
}

function decideService(service: 'salesforce' | 'ringcentral', failure: Failure, ctx: RetryContext): RetryDecision {
  switch (failure.kind) {
    case 'permanent': {
      const fields = failure.fields?.length ? ` (fields: ${failure.fields.join(', ')})` : '';
      return { action: 'fail', reason: `${service}_rejected`, message: `${failure.code}: ${failure.message}${fields}` };
    }
    case 'stale_reference':
      // processCall looked again once already; another try later may find the records settled.
      return { action: 'retry', kind: 'stale_reference' };
    case 'rate_limited':
      return service === 'salesforce' ? { action: 'hold', cause: holdCauseOf(failure) ?? 'daily_limit' } : { action: 'wait', waitMs: failure.waitMs ?? DEFAULT_WAIT_MS };
    case 'auth':
      return service === 'salesforce' ? { action: 'hold', cause: 'auth' } : { action: 'retry', kind: 'auth' };
    case 'transient':
      if (service !== 'salesforce') return { action: 'retry', kind: 'transient' };
      // Held already: a passing failure says nothing more specific than the cause found (a limit, a refused session).
      if (ctx.hold !== undefined && ctx.hold !== 'trial') return { action: 'hold', cause: ctx.hold };
      // On trial (a probe answered, no write since) or after a run of them: Salesforce is down.
      if (ctx.hold === 'trial' || ctx.transientStreak >= OUTAGE_AFTER_FAILURES) return { action: 'hold', cause: 'outage' };
      return { action: 'retry', kind: 'transient' };
    default:
      return assertNever(failure.kind, 'failure kind');
  }
}

/** What to do about a failed call. Pure. */
export function decideRetry(failure: CallFailure, ctx: RetryContext): RetryDecision {
  switch (failure.kind) {
    case 'unsyncable':
      return { action: 'fail', reason: failure.reason, message: failure.message };
    case 'service':
      return decideService(failure.service, failure.failure, ctx);
    case 'busy':
      return { action: 'retry', kind: 'transient' };
    case 'unknown':
      return { action: 'retry', kind: 'unknown' };
    default:
      return assertNever(failure, 'call failure');
  }
}
