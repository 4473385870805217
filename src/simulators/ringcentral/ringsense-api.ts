/**
 * RingSense (ACE) REST reads:
 *   GET /ai/ringsense/v1/public/accounts/{accountId}/domains/{domain}/records/{sourceRecordId}/insights
 *   GET /ai/ringsense/v1/public/accounts/{accountId}/domains/{domain}/sessions/{sourceSessionId}/insights
 * Each recording is served under its own domain (its `insights.domain`; pbx when absent): pbx calls, rcv and ms-teams
 * meetings (sourceRecordId == sourceSessionId == the meeting id), rcx... A recording not analysed yet answers 404 like
 * an unknown one [INF].
 */
import { json, multiParam, type SimResponse } from './http-io.ts';
import { invalidParameter, resourceNotFound } from './rc-errors.ts';
import { isPageRequest, paginate, readPageRequest } from './paging.ts';
import type { SimState, StoredRecording } from './state.ts';

export const INSIGHT_TYPES = ['NextSteps', 'Transcript', 'Summary', 'Highlights', 'BulletedSummary', 'AIScore', 'CallNotes', 'Sentiment'] as const;

export const RINGSENSE_PATH = /^\/ai\/ringsense\/v1\/public\/accounts\/([^/]+)\/domains\/([^/]+)\/(records|sessions)\/([^/]+)\/insights$/;

/** The docs spell the highlights key `HighLights`, the spec `Highlights`: the filter value matches both. */
function keyMatches(key: string, wanted: ReadonlySet<string>): boolean {
  return wanted.has(key) || (key === 'HighLights' && wanted.has('Highlights'));
}

/** Keeps only the insight units named in `types` (all of them when `types` is empty). */
export function filterInsightTypes(insights: Record<string, unknown>, types: readonly string[]): Record<string, unknown> {
  if (types.length === 0) return insights;
  const wanted = new Set(types.map((t) => (t === 'HighLights' ? 'Highlights' : t)));
  return Object.fromEntries(Object.entries(insights).filter(([k]) => keyMatches(k, wanted)));
}

/** Reads `insightTypes` (repeated or comma-separated). Returns the list or a 400 response. */
export function readInsightTypes(params: URLSearchParams): string[] | SimResponse {
  const values = multiParam(params, 'insightTypes');
  const bad = values.find((v) => v !== 'HighLights' && !(INSIGHT_TYPES as readonly string[]).includes(v));
  return bad === undefined ? values : invalidParameter('insightTypes', bad);
}

function view(rec: StoredRecording, types: readonly string[]): Record<string, unknown> {
  const copy = structuredClone(rec.insights);
  const ins = copy.insights;
  if (typeof ins === 'object' && ins !== null && !Array.isArray(ins)) {
    copy.insights = filterInsightTypes(ins as Record<string, unknown>, types);
  }
  return copy;
}

/** The domain a recording belongs to (its insights say; pbx when they do not): it is served under that domain only. */
const domainOf = (r: StoredRecording): string => (typeof r.insights.domain === 'string' ? r.insights.domain : 'pbx');

export function handleRingSense(url: URL, state: SimState): SimResponse | undefined {
  const m = RINGSENSE_PATH.exec(url.pathname);
  if (!m) return undefined;
  const [, accountId = '', domain = '', kind = '', id = ''] = m;
  const sourceId = decodeURIComponent(id);
  if (accountId !== '~' && accountId !== state.accountId) return resourceNotFound('accountId', accountId);
  const types = readInsightTypes(url.searchParams);
  if (!Array.isArray(types)) return types;
  if (kind === 'records') {
    const rec = state.recording(sourceId);
    if (rec !== undefined && domainOf(rec) !== domain) return resourceNotFound('sourceRecordId', sourceId);
    if (!rec?.analysed) return resourceNotFound('sourceRecordId', sourceId);
    return json(200, view(rec, types));
  }
  const pageReq = readPageRequest(url.searchParams, { perPage: 100, maxPerPage: 1000 });
  if (!isPageRequest(pageReq)) return pageReq;
  const recs = state.recordingsOfSession(sourceId).filter((r) => r.analysed && domainOf(r) === domain);
  if (recs.length === 0) return resourceNotFound('sourceSessionId', sourceId);
  const startOf = (r: StoredRecording): string => (typeof r.insights.recordingStartTime === 'string' ? r.insights.recordingStartTime : '');
  recs.sort((a, b) => startOf(a).localeCompare(startOf(b)));
  const page = paginate(recs, pageReq, { withTotals: true });
  return json(200, { records: page.items.map((r) => view(r, types)), paging: page.paging });
}
