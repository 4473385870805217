/**
 * GET /restapi/v1.0/account/{accountId}/call-log and /extension/{extensionId}/call-log.
 * Query semantics per the RingCentral reference: dateTo defaults to now and dateFrom to 24 h before
 * dateTo; recordingType (Automatic|OnDemand|All) keeps only recorded calls and wins over the
 * deprecated withRecording; records come newest first; paging has no totals (RingCentral omits
 * totalPages/totalElements for the call log) and navigation has no lastPage.
 */
import { json, multiParam, type SimResponse } from './http-io.ts';
import { invalidParameter } from './rc-errors.ts';
import { isPageRequest, navigation, paginate, readPageRequest, type PageRequest } from './paging.ts';
import { callLogRecordJson, numericSessionId, type CallLogView } from './call-log-records.ts';
import type { CallEntry } from './state.ts';

const DAY_MS = 24 * 3600 * 1000;

export interface CallLogQuery {
  dateFrom: number | undefined;
  dateTo: number | undefined;
  types: string[];
  directions: string[];
  view: CallLogView;
  recordingType: 'Automatic' | 'OnDemand' | 'All' | undefined;
  telephonySessionId: string | undefined;
  sessionId: string | undefined;
  phoneDigits: string | undefined;
  page: PageRequest;
}

function readDate(params: URLSearchParams, name: string): number | undefined | SimResponse {
  const raw = params.get(name);
  if (raw === null) return undefined;
  const t = Date.parse(raw);
  return Number.isNaN(t) ? invalidParameter(name, raw) : t;
}

function oneOf<T extends string>(params: URLSearchParams, name: string, allowed: readonly T[]): T[] | SimResponse {
  const values = multiParam(params, name);
  const bad = values.find((v) => !(allowed as readonly string[]).includes(v));
  return bad === undefined ? (values as T[]) : invalidParameter(name, bad);
}

function digits(s: string | undefined): string {
  return (s ?? '').replace(/\D/g, '');
}

export function parseCallLogQuery(params: URLSearchParams, now = Date.now()): CallLogQuery | SimResponse {
  const from = readDate(params, 'dateFrom');
  if (typeof from === 'object') return from;
  const to = readDate(params, 'dateTo');
  if (typeof to === 'object') return to;
  const types = oneOf(params, 'type', ['Voice', 'Fax'] as const);
  if (!Array.isArray(types)) return types;
  const directions = oneOf(params, 'direction', ['Inbound', 'Outbound'] as const);
  if (!Array.isArray(directions)) return directions;
  const view = oneOf(params, 'view', ['Simple', 'Detailed'] as const);
  if (!Array.isArray(view)) return view;
  const recType = oneOf(params, 'recordingType', ['Automatic', 'OnDemand', 'All'] as const);
  if (!Array.isArray(recType)) return recType;
  const page = readPageRequest(params, { perPage: 100, maxPerPage: 1000 });
  if (!isPageRequest(page)) return page;
  const telephonySessionId = params.get('telephonySessionId') ?? undefined;
  const sessionId = params.get('sessionId') ?? undefined;
  const bySession = telephonySessionId !== undefined || sessionId !== undefined;
  // [INF] a session lookup without an explicit dateFrom is not narrowed to the default 24 h window.
  const dateTo = to ?? now;
  const dateFrom = from ?? (bySession ? undefined : dateTo - DAY_MS);
  const withRecording = params.get('withRecording') === 'true';
  const phone = params.get('phoneNumber');
  return {
    dateFrom,
    dateTo: bySession && to === undefined ? undefined : dateTo,
    types,
    directions,
    view: view[0] ?? 'Simple',
    recordingType: recType[0] ?? (withRecording ? 'All' : undefined),
    telephonySessionId,
    sessionId,
    phoneDigits: phone === null ? undefined : digits(phone),
    page,
  };
}

export function filterCallLog(entries: readonly CallEntry[], q: CallLogQuery, extensionId?: string): CallEntry[] {
  return entries
    .filter((e) => {
      const t = Date.parse(e.startTime);
      if (q.dateFrom !== undefined && t < q.dateFrom) return false;
      if (q.dateTo !== undefined && t > q.dateTo) return false;
      if (q.types.length > 0 && !q.types.includes('Voice')) return false;
      if (q.directions.length > 0 && !q.directions.includes(e.direction)) return false;
      if (q.recordingType !== undefined) {
        if (!e.recording) return false;
        if (q.recordingType !== 'All' && e.recording.type !== q.recordingType) return false;
      }
      if (q.telephonySessionId !== undefined && e.telephonySessionId !== q.telephonySessionId) return false;
      if (q.sessionId !== undefined && numericSessionId(e.telephonySessionId) !== q.sessionId) return false;
      if (q.phoneDigits !== undefined && digits(e.from.phoneNumber) !== q.phoneDigits && digits(e.to.phoneNumber) !== q.phoneDigits) return false;
      if (extensionId !== undefined && e.ownerExtensionId !== extensionId) return false;
      return true;
    })
    .sort((a, b) => Date.parse(b.startTime) - Date.parse(a.startTime));
}

/**
 * Answers a call-log request. `requestUrl` must already have `~` replaced by real ids (RingCentral
 * echoes canonical URIs). `extensionId` narrows to one extension's calls.
 */
export function handleCallLog(
  requestUrl: URL,
  ctx: { entries: readonly CallEntry[]; accountId: string; base: string; extensionId?: string; now?: number },
): SimResponse {
  const q = parseCallLogQuery(requestUrl.searchParams, ctx.now);
  if (!('view' in q)) return q;
  const matching = filterCallLog(ctx.entries, q, ctx.extensionId);
  const page = paginate(matching, q.page, { withTotals: false });
  return json(200, {
    uri: requestUrl.href,
    records: page.items.map((e) => callLogRecordJson(e, { base: ctx.base, accountId: ctx.accountId, view: q.view })),
    paging: page.paging,
    navigation: navigation(requestUrl, q.page, page, { withLastPage: false }),
  });
}
