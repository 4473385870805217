/** Routes `/services/data/vNN.N/...` requests to handlers; shared by top-level calls and composite subrequests. */
import { collectionCreate, collectionDelete, collectionRetrieve, collectionUpdate, collectionUpsert } from './collections.ts';
import { runComposite, runGraph } from './composite.ts';
import { describeGlobal, describeSObject, sobjectInfo } from './describe.ts';
import type { Dml } from './dml.ts';
import { SfApiError, notFound } from './errors.ts';
import { batchSizeFrom, type QueryService } from './query.ts';
import { type ApiResponse, createRoute, externalIdRoute, recordRoute } from './records.ts';
import type { SoqlEngine } from './soql-eval.ts';
import { runSosl } from './sosl.ts';

export const MIN_VERSION = 31;
export const MAX_VERSION = 66;

export interface ApiRequest {
  method: string;
  /** Decoded path segments after `/services/data/vNN.N`. */
  segments: string[];
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: unknown;
  rawBody?: string;
  version: string;
  userId: string;
  /** Inside a composite request (no nested composite). */
  nested?: boolean;
}

export interface Routed {
  kind: string;
  run: () => ApiResponse;
}

export interface RouterDeps {
  dml: Dml;
  engine: SoqlEngine;
  queries: QueryService;
  limits: () => Record<string, unknown>;
}

/** `62.0` for `v62.0` when the version is supported. */
export function parseVersion(segment: string | undefined): string | undefined {
  const m = /^v(\d{2})\.0$/.exec(segment ?? '');
  if (m === null) return undefined;
  const n = Number(m[1]);
  return n >= MIN_VERSION && n <= MAX_VERSION ? `${n}.0` : undefined;
}

export function versionList(): Array<{ label: string; url: string; version: string }> {
  const out = [];
  for (let v = MIN_VERSION; v <= MAX_VERSION; v++) {
    const k = v - 20;
    const season = ['Winter', 'Spring', 'Summer'][k % 3] ?? 'Winter';
    const year = 11 + Math.floor(k / 3);
    out.push({ label: `${season} '${year}`, url: `/services/data/v${v}.0`, version: `${v}.0` });
  }
  return out;
}

/** The `/limits` body: DailyApiRequests tracks the simulator's metering, the rest are Developer Edition values. */
export function orgLimits(used: number, limit: number): Record<string, unknown> {
  const lim = (max: number, remaining = max) => ({ Max: max, Remaining: remaining });
  return {
    ConcurrentAsyncGetReportInstances: lim(200), ConcurrentSyncReportRuns: lim(20),
    DailyApiRequests: lim(limit, Math.max(0, limit - used)),
    DailyAsyncApexExecutions: lim(250000), DailyBulkApiBatches: lim(15000), DailyBulkV2QueryJobs: lim(10000),
    DailyStreamingApiEvents: lim(1000000), DataStorageMB: lim(5), FileStorageMB: lim(20),
    HourlyODataCallout: lim(10000), SingleEmail: lim(15),
  };
}

export function errorResponse(err: unknown): ApiResponse {
  if (err instanceof SfApiError) return { status: err.status, body: err.errors };
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, body: [{ message: `An unexpected error occurred: ${message}`, errorCode: 'UNKNOWN_EXCEPTION' }] };
}

const notAllowed = (method: string, allowed: string): SfApiError =>
  new SfApiError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are ${allowed}`);

export class ApiRouter {
  private readonly d: RouterDeps;

  constructor(deps: RouterDeps) {
    this.d = deps;
  }

  /** Runs a request, turning Salesforce errors into their JSON error responses. */
  execute(req: ApiRequest): { kind: string; response: ApiResponse } {
    let kind = 'unknown';
    try {
      const routed = this.route(req);
      kind = routed.kind;
      return { kind, response: routed.run() };
    } catch (err) {
      return { kind, response: errorResponse(err) };
    }
  }

  /** Handles a composite subrequest URL (`/services/data/vNN.N/...`). */
  dispatchUrl(parent: ApiRequest, method: string, url: string, body: unknown, headers: Record<string, string>): ApiResponse {
    const u = new URL(url, 'http://composite.invalid');
    const parts = u.pathname.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
    const version = parts[0] === 'services' && parts[1] === 'data' ? parseVersion(parts[2]) : undefined;
    if (version === undefined) return errorResponse(notFound());
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    return this.execute({ ...parent, method, segments: parts.slice(3), query: u.searchParams, headers: lower, body, rawBody: undefined, version, nested: true }).response;
  }

  route(req: ApiRequest): Routed {
    const { method, segments: s, version } = req;
    const [head, a, b, c] = s;
    const ctx = { userId: req.userId, version, ...(req.rawBody === undefined ? {} : { rawBody: req.rawBody }) };
    const get = (kind: string, run: () => ApiResponse): Routed => ({ kind, run: () => { if (method !== 'GET' && method !== 'HEAD') throw notAllowed(method, 'GET,HEAD'); return run(); } });
    const ok = (body: unknown): ApiResponse => ({ status: 200, body });
    const { dml } = this.d;
    switch (head) {
      case undefined:
        return get('resources', () => ok(Object.fromEntries(['sobjects', 'query', 'queryAll', 'search', 'composite', 'limits'].map((r) => [r, `/services/data/v${version}/${r}`]))));
      case 'limits':
        if (s.length !== 1) break;
        return get('limits', () => ok(this.d.limits()));
      case 'query':
      case 'queryAll': {
        if (s.length > 2) break;
        const includeDeleted = head === 'queryAll';
        return get(head, () => ok(a === undefined
          ? this.d.queries.run(req.query.get('q'), { includeDeleted, version, batchSize: batchSizeFrom(req.headers['sforce-query-options']) })
          : this.d.queries.more(a, version)));
      }
      case 'search':
        if (s.length !== 1) break;
        return get('search', () => {
          const q = req.query.get('q');
          if (q === null || q.trim() === '') throw new SfApiError(400, 'MALFORMED_SEARCH', 'No search term found. The search term must be enclosed in braces.');
          return ok(runSosl(q, this.d.engine, (t) => dml.store.all(t), version));
        });
      case 'sobjects': {
        if (a === undefined) return get('describeGlobal', () => ok(describeGlobal(dml.schema, version)));
        const obj = dml.objectOrNotFound(a);
        if (b === undefined) {
          if (method === 'POST') return { kind: 'create', run: () => createRoute(dml, obj, req.body, ctx) };
          return get('describe', () => ok(sobjectInfo(obj, version)));
        }
        if (b === 'describe' && c === undefined) return get('describe', () => ok(describeSObject(obj, version)));
        const kind = { GET: 'retrieve', PATCH: c === undefined ? 'update' : 'upsert', DELETE: 'delete', POST: 'create' }[method] ?? 'unknown';
        if (s.length === 3) return { kind, run: () => recordRoute(dml, obj, b, method, req.query, req.body, ctx) };
        if (s.length === 4 && c !== undefined) return { kind, run: () => externalIdRoute(dml, obj, b, c, method, req.query, req.body, ctx) };
        break;
      }
      case 'composite':
        return this.routeComposite(req, a, b, c, ctx);
      default:
        break;
    }
    throw notFound();
  }

  private routeComposite(req: ApiRequest, a: string | undefined, b: string | undefined, c: string | undefined, ctx: { userId: string; version: string; rawBody?: string }): Routed {
    const { method, segments } = req;
    const { dml } = this.d;
    const json = (body: unknown): ApiResponse => ({ status: 200, body });
    if (a === undefined) {
      if (req.nested === true) throw new SfApiError(400, 'INVALID_API_INPUT', 'Composite requests cannot be nested');
      if (method !== 'POST') throw notAllowed(method, 'POST');
      return { kind: 'composite', run: () => runComposite(req.body, dml.store, (m, url, body, h) => this.dispatchUrl(req, m, url, body, h)) };
    }
    if (a === 'graph' && segments.length === 2) {
      if (req.nested === true) throw new SfApiError(400, 'INVALID_API_INPUT', 'Composite requests cannot be nested');
      if (method !== 'POST') throw notAllowed(method, 'POST');
      return { kind: 'composite.graph', run: () => runGraph(req.body, dml.store, (m, url, body, h) => this.dispatchUrl(req, m, url, body, h)) };
    }
    if (a !== 'sobjects' || segments.length > 4) throw notFound();
    if (b === undefined) {
      switch (method) {
        case 'POST': return { kind: 'collections.create', run: () => json(collectionCreate(dml, req.body, ctx)) };
        case 'PATCH': return { kind: 'collections.update', run: () => json(collectionUpdate(dml, req.body, ctx)) };
        case 'DELETE': return {
          kind: 'collections.delete',
          run: () => json(collectionDelete(dml, (req.query.get('ids') ?? '').split(',').filter((x) => x !== ''), req.query.get('allOrNone') === 'true')),
        };
        default: throw notAllowed(method, 'POST,PATCH,DELETE');
      }
    }
    if (c === undefined) {
      if (method !== 'GET' && method !== 'POST') throw notAllowed(method, 'GET,POST');
      return {
        kind: 'collections.retrieve',
        run: () => {
          const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as { ids?: unknown; fields?: unknown };
          const list = (v: unknown, q: string | null) => (Array.isArray(v) ? v.map(String) : (q ?? '').split(',').map((x) => x.trim()).filter((x) => x !== ''));
          const ids = method === 'POST' ? list(body.ids, null) : list(undefined, req.query.get('ids'));
          const fields = method === 'POST' ? list(body.fields, null) : list(undefined, req.query.get('fields'));
          return json(collectionRetrieve(dml, b, ids, fields, ctx.version));
        },
      };
    }
    if (method !== 'PATCH') throw notAllowed(method, 'PATCH');
    return { kind: 'collections.upsert', run: () => json(collectionUpsert(dml, b, c, req.body, ctx)) };
  }
}
