/**
 * The pure decisions of the catch-up: rate pacing from the X-Rate-Limit-* headers, retry decisions, call-log page
 * reading, the re-check schedule of pending recordings and the call-log window. No network, no Redis.
 */
import { describe, expect, it } from 'vitest';
import { MAX_RATE_LIMITED_RETRIES, MAX_TRANSIENT_RETRIES, pauseBefore, readCallLogPage, readRateWindow, retryDecision } from '../../../src/ringcentral/catch-up-policy.ts';
import { callLogStart, MAX_RECHECK_MS, recheckDelay } from '../../../src/ringcentral/checkpoint.ts';
import { classifyRingCentralError, DEFAULT_RATE_LIMIT_WAIT_MS } from '../../../src/ringcentral/ringcentral-error.ts';

/** Response headers as RingCentral (and the simulator) send them on a Heavy-group answer. */
function heavyHeaders(remaining: number): Headers {
  return new Headers({ 'X-Rate-Limit-Group': 'heavy', 'X-Rate-Limit-Limit': '10', 'X-Rate-Limit-Remaining': String(remaining), 'X-Rate-Limit-Window': '60' });
}

/** The shape of an @ringcentral/sdk HTTP error (see ringcentral-error.ts), classified as the catch-up sees it. */
function failureOf(status: number, headers: Record<string, string> = {}, body?: unknown) {
  return classifyRingCentralError({ name: 'Error', message: `HTTP ${status}`, response: { status, headers: new Headers(headers) } }, body);
}

describe('readRateWindow', () => {
  it('reads limit, remaining and window from the headers', () => {
    expect(readRateWindow(heavyHeaders(7), 'heavy', 1000)).toEqual({ at: 1000, limit: 10, remaining: 7, windowMs: 60_000 });
  });

  it('falls back to the group defaults when headers are missing or garbled', () => {
    expect(readRateWindow(new Headers(), 'heavy', 5)).toEqual({ at: 5, limit: 10, remaining: undefined, windowMs: 60_000 });
    expect(readRateWindow(undefined, 'light', 5)).toEqual({ at: 5, limit: 50, remaining: undefined, windowMs: 60_000 });
    const bad = new Headers({ 'X-Rate-Limit-Limit': '0', 'X-Rate-Limit-Remaining': 'many', 'X-Rate-Limit-Window': '-1' });
    expect(readRateWindow(bad, 'light', 5)).toEqual({ at: 5, limit: 50, remaining: undefined, windowMs: 60_000 });
  });
});

describe('pauseBefore', () => {
  it('waits nothing before the first request', () => {
    expect(pauseBefore(undefined, 'heavy', 0)).toBe(0);
  });

  it('spaces Heavy requests window/limit apart (6 s for 10 a minute), counting the time already passed', () => {
    const last = readRateWindow(heavyHeaders(8), 'heavy', 10_000);
    expect(pauseBefore(last, 'heavy', 10_000)).toBe(6000);
    expect(pauseBefore(last, 'heavy', 14_500)).toBe(1500);
    expect(pauseBefore(last, 'heavy', 20_000)).toBe(0);
  });

  it('waits out the window when only the reserve is left (the worker shares the Heavy group)', () => {
    expect(pauseBefore(readRateWindow(heavyHeaders(2), 'heavy', 10_000), 'heavy', 10_000)).toBe(60_000);
    expect(pauseBefore(readRateWindow(heavyHeaders(3), 'heavy', 10_000), 'heavy', 10_000)).toBe(6000);
  });

  it('lets Light requests run back to back until the reserve is reached', () => {
    const light = (remaining: number) => readRateWindow(new Headers({ 'X-Rate-Limit-Limit': '50', 'X-Rate-Limit-Remaining': String(remaining), 'X-Rate-Limit-Window': '60' }), 'light', 0);
    expect(pauseBefore(light(6), 'light', 100)).toBe(0);
    expect(pauseBefore(light(5), 'light', 100)).toBe(59_900);
  });
});

describe('retryDecision', () => {
  it('waits Retry-After on 429, RingCentral\'s default when it is missing, and gives up after many in a row', () => {
    expect(retryDecision(failureOf(429, { 'Retry-After': '2' }, { errorCode: 'CMN-301' }), 1)).toEqual({ retry: true, reason: 'rate_limited', waitMs: 2000 });
    expect(retryDecision(failureOf(429), 1)).toEqual({ retry: true, reason: 'rate_limited', waitMs: DEFAULT_RATE_LIMIT_WAIT_MS });
    expect(retryDecision(failureOf(429, { 'Retry-After': '2' }), MAX_RATE_LIMITED_RETRIES + 1)).toEqual({ retry: false, reason: 'rate_limited' });
  });

  it('retries 5xx and network failures with doubling waits, a few times', () => {
    expect([1, 2, 3, 4].map((a) => retryDecision(failureOf(503), a))).toEqual([1000, 2000, 4000, 8000].map((waitMs) => ({ retry: true, reason: 'transient', waitMs })));
    expect(retryDecision(classifyRingCentralError({ name: 'FetchError', code: 'ECONNRESET', message: 'socket hang up', response: null }), 1)).toMatchObject({ retry: true });
    expect(retryDecision(failureOf(503), MAX_TRANSIENT_RETRIES + 1)).toEqual({ retry: false, reason: 'transient' });
  });

  it('does not retry what waiting cannot fix', () => {
    expect(retryDecision(failureOf(400, {}, { errorCode: 'CMN-101' }), 1)).toEqual({ retry: false, reason: 'permanent' });
    expect(retryDecision(failureOf(403, {}, { errorCode: 'CMN-408' }), 1)).toEqual({ retry: false, reason: 'permanent' });
    expect(retryDecision(failureOf(401), 1)).toEqual({ retry: false, reason: 'auth' });
  });
});

describe('readCallLogPage', () => {
  it('lists the recording ids once each, in order, skipping calls without a recording', () => {
    const body = {
      records: [{ id: 'A1', recording: { id: '2728084995017' } }, { id: 'A2' }, { id: 'A3', recording: { id: 2728084995018 } }, { id: 'A4', recording: { id: '2728084995017' } }, null],
      navigation: { firstPage: { uri: 'x' }, nextPage: { uri: 'https://example.test/call-log?page=2' } },
    };
    expect(readCallLogPage(body)).toEqual({ recordingIds: ['2728084995017', '2728084995018'], hasNext: true });
  });

  it('stops at the last page, at an empty page, and on a body that is not a page', () => {
    expect(readCallLogPage({ records: [{ recording: { id: '1' } }], navigation: { firstPage: { uri: 'x' } } })).toEqual({ recordingIds: ['1'], hasNext: false });
    expect(readCallLogPage({ records: [], navigation: { nextPage: { uri: 'x' } } })).toEqual({ recordingIds: [], hasNext: false });
    expect(readCallLogPage(undefined)).toEqual({ recordingIds: [], hasNext: false });
    expect(readCallLogPage('<html>')).toEqual({ recordingIds: [], hasNext: false });
  });
});

describe('pending re-check schedule and call-log window', () => {
  it('re-checks a minute after the first 404, doubling up to 15 minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 20].map(recheckDelay)).toEqual([60_000, 120_000, 240_000, 480_000, 900_000, MAX_RECHECK_MS, MAX_RECHECK_MS]);
  });

  it('reads from lookback before now without a checkpoint, and overlap before the checkpoint with one', () => {
    const opts = { lookbackMs: 24 * 3600_000, overlapMs: 15 * 60_000 };
    const now = Date.parse('2026-05-01T12:00:00.000Z');
    expect(new Date(callLogStart(undefined, now, opts)).toISOString()).toBe('2026-04-30T12:00:00.000Z');
    expect(new Date(callLogStart(now - 3600_000, now, opts)).toISOString()).toBe('2026-05-01T10:45:00.000Z');
    // A checkpoint ahead of our clock (the clock moved back) reads from now.
    expect(new Date(callLogStart(now + 3600_000, now, opts)).toISOString()).toBe('2026-05-01T11:45:00.000Z');
  });
});
