import { describe, expect, it } from 'vitest';
import type { Failure, FailureKind } from '../../../src/lib/service-error.ts';
import { decideRetry, holdCauseOf, OUTAGE_AFTER_FAILURES, type CallFailure } from '../../../src/queue/retry-policy.ts';

const failure = (kind: FailureKind, code: string, message = '', extra: Partial<Failure> = {}): Failure => ({ kind, code, message, ...extra });
const sf = (f: Failure): CallFailure => ({ kind: 'service', service: 'salesforce', failure: f });
const rc = (f: Failure): CallFailure => ({ kind: 'service', service: 'ringcentral', failure: f });
const calm = { transientStreak: 1, hold: undefined };

describe('decideRetry', () => {
  it('fails what a person must fix, with its reason', () => {
    expect(decideRetry({ kind: 'unsyncable', reason: 'unmapped_owner', message: 'map it' }, calm)).toEqual({ action: 'fail', reason: 'unmapped_owner', message: 'map it' });
    expect(decideRetry(sf(failure('permanent', 'FIELD_CUSTOM_VALIDATION_EXCEPTION', 'Calls need a Type', { fields: ['Type'] })), calm)).toEqual({
      action: 'fail',
      reason: 'salesforce_rejected',
      message: 'FIELD_CUSTOM_VALIDATION_EXCEPTION: Calls need a Type (fields: Type)',
    });
    expect(decideRetry(rc(failure('permanent', 'CMN-102', 'Resource not found')), calm)).toMatchObject({ action: 'fail', reason: 'ringcentral_rejected' });
  });

  it('retries a passing fault of one call, with an attempt', () => {
    expect(decideRetry(sf(failure('transient', 'UNABLE_TO_LOCK_ROW')), calm)).toEqual({ action: 'retry', kind: 'transient' });
    expect(decideRetry(sf(failure('stale_reference', 'ENTITY_IS_DELETED')), calm)).toEqual({ action: 'retry', kind: 'stale_reference' });
    expect(decideRetry(rc(failure('transient', 'ECONNRESET')), { transientStreak: 0, hold: 'outage' as const })).toEqual({ action: 'retry', kind: 'transient' });
    expect(decideRetry(rc(failure('auth', 'OAU-213')), calm)).toEqual({ action: 'retry', kind: 'auth' });
    expect(decideRetry({ kind: 'busy' }, calm)).toEqual({ action: 'retry', kind: 'transient' });
    expect(decideRetry({ kind: 'unknown' }, calm)).toEqual({ action: 'retry', kind: 'unknown' });
  });

  it('takes Salesforce to be down after a run of passing failures, or on trial after a probe was answered', () => {
    const down = sf(failure('transient', 'SERVER_UNAVAILABLE'));
    expect(decideRetry(down, { transientStreak: OUTAGE_AFTER_FAILURES - 1, hold: undefined })).toEqual({ action: 'retry', kind: 'transient' });
    expect(decideRetry(down, { transientStreak: OUTAGE_AFTER_FAILURES, hold: undefined })).toEqual({ action: 'hold', cause: 'outage' });
    expect(decideRetry(down, { transientStreak: 1, hold: 'trial' })).toEqual({ action: 'hold', cause: 'outage' });
  });

  it('while held, a passing failure keeps the cause found (a limit is not turned into an outage)', () => {
    const reset = sf(failure('transient', 'ECONNRESET'));
    expect(decideRetry(reset, { transientStreak: 1, hold: 'daily_limit' })).toEqual({ action: 'hold', cause: 'daily_limit' });
    expect(decideRetry(reset, { transientStreak: 1, hold: 'outage' })).toEqual({ action: 'hold', cause: 'outage' });
    // A more specific failure still says what it is.
    expect(decideRetry(sf(failure('auth', 'INVALID_SESSION_ID')), { transientStreak: 0, hold: 'outage' })).toEqual({ action: 'hold', cause: 'auth' });
  });

  it('holds on Salesforce limits and refused sessions; waits out RingCentral rate limits', () => {
    expect(decideRetry(sf(failure('rate_limited', 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.')), calm)).toEqual({ action: 'hold', cause: 'daily_limit' });
    expect(decideRetry(sf(failure('rate_limited', 'REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.')), calm)).toEqual({ action: 'hold', cause: 'concurrent_limit' });
    expect(decideRetry(sf(failure('auth', 'INVALID_SESSION_ID')), calm)).toEqual({ action: 'hold', cause: 'auth' });
    expect(decideRetry(rc(failure('rate_limited', 'CMN-301', 'Request rate exceeded', { waitMs: 30_000 })), calm)).toEqual({ action: 'wait', waitMs: 30_000 });
    expect(decideRetry(rc(failure('rate_limited', 'CMN-301')), calm)).toEqual({ action: 'wait', waitMs: 60_000 });
  });
});

describe('holdCauseOf', () => {
  it('says what a failure says about Salesforce itself', () => {
    expect(holdCauseOf(failure('transient', 'ERROR_HTTP_503'))).toBe('outage');
    expect(holdCauseOf(failure('auth', 'REFRESH_FAILED'))).toBe('auth');
    expect(holdCauseOf(failure('rate_limited', 'ERROR_HTTP_429'))).toBe('concurrent_limit');
    expect(holdCauseOf(failure('rate_limited', 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'))).toBe('daily_limit');
    expect(holdCauseOf(failure('permanent', 'INSUFFICIENT_ACCESS'))).toBeUndefined();
    expect(holdCauseOf(failure('stale_reference', 'ENTITY_IS_DELETED'))).toBeUndefined();
  });
});
