import { describe, expect, it } from 'vitest';
import { eventMatchesFilters, expandEventFilter, RINGSENSE_PBX_FILTER, ringSenseEvent } from '../../../src/simulators/ringcentral/event-filters.ts';
import { navigation, paginate, readPageRequest, isPageRequest } from '../../../src/simulators/ringcentral/paging.ts';
import { filterInsightTypes, readInsightTypes } from '../../../src/simulators/ringcentral/ringsense-api.ts';
import { filterCallLog, parseCallLogQuery } from '../../../src/simulators/ringcentral/call-log-api.ts';
import { callLogId, numericSessionId } from '../../../src/simulators/ringcentral/call-log-records.ts';
import { RateLimiter } from '../../../src/simulators/ringcentral/rate-limit.ts';
import type { CallEntry } from '../../../src/simulators/ringcentral/state.ts';

const IDS = { accountId: '809646016', extensionId: '62264425016' };

describe('event filters', () => {
  it('expands ~ to the account and extension ids', () => {
    expect(expandEventFilter(RINGSENSE_PBX_FILTER, IDS)).toBe('/ai/ringsense/v1/public/accounts/809646016/domains/pbx/insights');
    expect(expandEventFilter('/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true', IDS)).toBe(
      '/restapi/v1.0/account/809646016/extension/62264425016/presence?detailedTelephonyState=true',
    );
    expect(expandEventFilter('/restapi/v1.0/account/123/extension/456/presence', IDS)).toBe('/restapi/v1.0/account/123/extension/456/presence');
  });

  it('matches an event against expanded filters by path', () => {
    const filters = [expandEventFilter(RINGSENSE_PBX_FILTER, IDS)];
    expect(eventMatchesFilters(ringSenseEvent('809646016'), filters)).toBe(true);
    expect(eventMatchesFilters(ringSenseEvent('809646016', 'rcv'), filters)).toBe(false);
    expect(eventMatchesFilters(ringSenseEvent('1'), filters)).toBe(false);
    expect(eventMatchesFilters(`${ringSenseEvent('809646016')}/`, filters)).toBe(true);
  });
});

describe('paging', () => {
  const items = ['a', 'b', 'c', 'd', 'e'];
  it.each([
    [{ page: 1, perPage: 2 }, ['a', 'b'], { page: 1, perPage: 2, pageStart: 0, pageEnd: 1 }, true],
    [{ page: 3, perPage: 2 }, ['e'], { page: 3, perPage: 2, pageStart: 4, pageEnd: 4 }, false],
    [{ page: 4, perPage: 2 }, [], { page: 4, perPage: 2 }, false],
    [{ page: 1, perPage: 5 }, items, { page: 1, perPage: 5, pageStart: 0, pageEnd: 4 }, false],
  ])('paginate %j', (req, expected, paging, hasNext) => {
    const p = paginate(items, req, { withTotals: false });
    expect(p.items).toEqual(expected);
    expect(p.paging).toEqual(paging);
    expect(p.hasNext).toBe(hasNext);
  });

  it('adds totals and lastPage when asked', () => {
    const req = { page: 2, perPage: 2 };
    const p = paginate(items, req, { withTotals: true });
    expect(p.paging).toMatchObject({ totalPages: 3, totalElements: 5 });
    const nav = navigation(new URL('http://x/list?view=Simple&page=2&perPage=2'), req, p, { withLastPage: true });
    expect(nav).toEqual({
      firstPage: { uri: 'http://x/list?view=Simple&page=1&perPage=2' },
      nextPage: { uri: 'http://x/list?view=Simple&page=3&perPage=2' },
      previousPage: { uri: 'http://x/list?view=Simple&page=1&perPage=2' },
      lastPage: { uri: 'http://x/list?view=Simple&page=3&perPage=2' },
    });
  });

  it('rejects out-of-range page parameters with CMN-101', () => {
    const bad = readPageRequest(new URLSearchParams('perPage=1001'), { perPage: 100, maxPerPage: 1000 });
    expect(isPageRequest(bad)).toBe(false);
    expect(bad).toMatchObject({ status: 400, body: { errorCode: 'CMN-101', parameterName: 'perPage' } });
    expect(readPageRequest(new URLSearchParams(''), { perPage: 100, maxPerPage: 1000 })).toEqual({ page: 1, perPage: 100 });
    expect(isPageRequest(readPageRequest(new URLSearchParams('page=0'), { perPage: 100, maxPerPage: 1000 }))).toBe(false);
  });
});

describe('insightTypes', () => {
  const insights = { Transcript: [], Summary: [], HighLights: [], NextSteps: [] };
  it('keeps the named units and treats Highlights/HighLights as one', () => {
    expect(Object.keys(filterInsightTypes(insights, ['Highlights', 'Summary']))).toEqual(['Summary', 'HighLights']);
    expect(Object.keys(filterInsightTypes({ Highlights: [] }, ['HighLights']))).toEqual(['Highlights']);
    expect(filterInsightTypes(insights, [])).toBe(insights);
  });
  it('reads repeated and comma-separated values and rejects unknown ones', () => {
    expect(readInsightTypes(new URLSearchParams('insightTypes=Summary&insightTypes=NextSteps,Transcript'))).toEqual(['Summary', 'NextSteps', 'Transcript']);
    expect(readInsightTypes(new URLSearchParams('insightTypes=Nope'))).toMatchObject({ status: 400 });
  });
});

describe('call log query', () => {
  const now = Date.parse('2026-01-02T12:00:00Z');
  const entry = (over: Partial<CallEntry>): CallEntry => ({
    key: over.key ?? 'k',
    telephonySessionId: 's-1',
    direction: 'Outbound',
    ownerExtensionId: '1',
    from: {},
    to: { phoneNumber: '+14155550123' },
    startTime: '2026-01-02T11:00:00Z',
    durationMs: 1000,
    lastModifiedTime: '2026-01-02T11:00:02Z',
    ...over,
  });
  const entries = [
    entry({ key: 'a', startTime: '2026-01-02T11:00:00Z', recording: { id: 'r1', type: 'Automatic' } }),
    entry({ key: 'b', startTime: '2026-01-02T11:30:00Z' }),
    entry({ key: 'c', startTime: '2025-12-31T11:00:00Z', recording: { id: 'r2', type: 'OnDemand' }, telephonySessionId: 's-2' }),
  ];
  const keys = (qs: string): string[] => {
    const q = parseCallLogQuery(new URLSearchParams(qs), now);
    if (!('view' in q)) throw new Error('bad query');
    return filterCallLog(entries, q).map((e) => e.key);
  };

  it('defaults to the 24 h before dateTo, newest first', () => {
    expect(keys('')).toEqual(['b', 'a']);
    expect(keys('dateFrom=2025-12-30T00:00:00Z')).toEqual(['b', 'a', 'c']);
    expect(keys('dateTo=2026-01-01T00:00:00Z')).toEqual(['c']);
  });
  it('recordingType wins over the deprecated withRecording', () => {
    expect(keys('dateFrom=2025-12-30T00:00:00Z&recordingType=All')).toEqual(['a', 'c']);
    expect(keys('dateFrom=2025-12-30T00:00:00Z&recordingType=OnDemand&withRecording=false')).toEqual(['c']);
    expect(keys('withRecording=true')).toEqual(['a']);
  });
  it('a telephonySessionId lookup is not narrowed to the default window', () => {
    expect(keys('telephonySessionId=s-2')).toEqual(['c']);
    expect(keys(`sessionId=${numericSessionId('s-2')}`)).toEqual(['c']);
  });
  it('rejects bad enum and date values', () => {
    expect(parseCallLogQuery(new URLSearchParams('view=Full'), now)).toMatchObject({ status: 400 });
    expect(parseCallLogQuery(new URLSearchParams('dateFrom=yesterday'), now)).toMatchObject({ status: 400, body: { parameterName: 'dateFrom' } });
  });
  it('derives stable ids', () => {
    expect(callLogId('rec:1')).toBe(callLogId('rec:1'));
    expect(callLogId('rec:1')).not.toBe(callLogId('rec:2'));
    expect(numericSessionId('s-1')).toMatch(/^\d+$/);
  });
});

describe('rate limiter', () => {
  it('forces N 429s with Retry-After and CMN-301, then counts down Remaining', () => {
    const rl = new RateLimiter();
    rl.force('call-log', { count: 1, retryAfterSeconds: 30 });
    const first = rl.check('call-log', 0);
    expect(first).toMatchObject({ limited: true, response: { status: 429, headers: { 'Retry-After': '30', 'X-Rate-Limit-Group': 'heavy' }, body: { errorCode: 'CMN-301' } } });
    expect(rl.check('call-log', 1)).toEqual({
      limited: false,
      headers: { 'X-Rate-Limit-Group': 'heavy', 'X-Rate-Limit-Limit': '10', 'X-Rate-Limit-Remaining': '9', 'X-Rate-Limit-Window': '60' },
    });
    expect(rl.check('call-log', 2)).toMatchObject({ headers: { 'X-Rate-Limit-Remaining': '8' } });
    expect(rl.check('call-log', 61_500)).toMatchObject({ headers: { 'X-Rate-Limit-Remaining': '9' } });
  });
});
