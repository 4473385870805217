/** `POST /composite` and `POST /composite/graph`: subrequests with references, one API call. */
import { SfApiError } from './errors.ts';
import type { ApiResponse } from './records.ts';
import type { RecordStore } from './store.ts';

export type Dispatch = (method: string, url: string, body: unknown, headers: Record<string, string>) => ApiResponse;

interface SubRequest {
  method: string;
  url: string;
  referenceId: string;
  body?: unknown;
  httpHeaders: Record<string, string>;
}

export interface SubResponse {
  body: unknown;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string;
}

const MAX_SUBREQUESTS = 25;
const MAX_QUERIES = 5;
const MAX_GRAPH_NODES = 500;
const REF = /@\{([A-Za-z][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}/g;

const halted = (message: string): unknown => [{ errorCode: 'PROCESSING_HALTED', message }];
const ROLLED_BACK = 'The transaction was rolled back since another operation in the same transaction failed.';
const badInput = (message: string) => new SfApiError(400, 'INVALID_API_INPUT', message);

function parseSubrequests(list: unknown, max: number): SubRequest[] {
  if (!Array.isArray(list) || list.length === 0) throw badInput('compositeRequest must be a non-empty array');
  if (list.length > max) throw badInput(`Exceeded max limit of subrequests: ${max}`);
  const seen = new Set<string>();
  let queries = 0;
  const subs = list.map((item: unknown) => {
    const o = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
    const { method, url, referenceId } = o;
    if (typeof method !== 'string' || typeof url !== 'string' || typeof referenceId !== 'string') {
      throw badInput('Each subrequest requires method, url and referenceId');
    }
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(referenceId)) throw badInput(`Invalid referenceId: ${referenceId}`);
    if (seen.has(referenceId)) throw badInput(`Duplicate referenceId provided in the request: ${referenceId}`);
    seen.add(referenceId);
    const headers = typeof o.httpHeaders === 'object' && o.httpHeaders !== null ? (o.httpHeaders as Record<string, string>) : {};
    for (const h of Object.keys(headers)) {
      if (['accept', 'authorization', 'content-type'].includes(h.toLowerCase())) throw badInput(`Header ${h} is not allowed in a subrequest`);
    }
    if (/\/(query|queryAll)(\/|\?|$)/.test(url)) queries += 1;
    return { method: method.toUpperCase(), url, referenceId, body: o.body, httpHeaders: headers };
  });
  if (queries > MAX_QUERIES) throw badInput(`Exceeded max limit of query subrequests: ${MAX_QUERIES}`);
  return subs;
}

function lookup(value: unknown, path: string): unknown {
  let cur = value;
  for (const m of path.matchAll(/\.([A-Za-z0-9_]+)|\[(\d+)\]/g)) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    const key = m[1] ?? Number(m[2]);
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

class UnresolvedReference extends Error {}

function substitute(value: unknown, results: Map<string, SubResponse>, inUrl: boolean): unknown {
  if (typeof value === 'string') {
    const whole = /^@\{[^}]+\}$/.test(value);
    const replaced: unknown[] = [];
    const text = value.replace(REF, (_all, ref: string, path: string) => {
      const res = results.get(ref);
      if (res === undefined || res.httpStatusCode >= 400) throw new UnresolvedReference(`Invalid reference specified. No value for ${ref}${path} found in ${ref}. Provided referenceId ('${ref}') must be a reference to a prior subrequest that succeeded.`);
      const v = lookup(res.body, path);
      if (v === undefined) throw new UnresolvedReference(`Invalid reference specified. No value for ${ref}${path} found in ${ref}.`);
      replaced.push(v);
      const s = typeof v === 'string' ? v : JSON.stringify(v);
      return inUrl ? encodeURIComponent(s) : s;
    });
    return whole && !inUrl && replaced.length === 1 ? replaced[0] : text;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, results, inUrl));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, results, inUrl)]));
  }
  return value;
}

/** Runs subrequests in order; with allOrNone the first failure rolls back and halts the rest. */
function runSubrequests(subs: SubRequest[], allOrNone: boolean, store: RecordStore, dispatch: Dispatch): SubResponse[] {
  const tx = allOrNone ? store.begin() : undefined;
  let run: { out: SubResponse[]; failedAt: number };
  try {
    run = runEach(subs, allOrNone, dispatch);
  } catch (err) {
    if (tx !== undefined) store.rollback(tx);
    throw err;
  }
  const { out, failedAt } = run;
  if (tx === undefined) return out;
  if (failedAt < 0) {
    store.commit(tx);
    return out;
  }
  store.rollback(tx);
  return subs.map((sub, i) => i === failedAt ? (out[i] as SubResponse)
    : { body: halted(ROLLED_BACK), httpHeaders: {}, httpStatusCode: 400, referenceId: sub.referenceId });
}

/** Dispatches each subrequest, substituting references; an allOrNone run halts at its first failure (failedAt, else -1). */
function runEach(subs: SubRequest[], allOrNone: boolean, dispatch: Dispatch): { out: SubResponse[]; failedAt: number } {
  const results = new Map<string, SubResponse>();
  const out: SubResponse[] = [];
  for (const [i, sub] of subs.entries()) {
    let res: SubResponse;
    try {
      const url = substitute(sub.url, results, true) as string;
      const body = substitute(sub.body, results, false);
      const r = dispatch(sub.method, url, body, sub.httpHeaders);
      res = { body: r.body ?? null, httpHeaders: r.headers ?? {}, httpStatusCode: r.status, referenceId: sub.referenceId };
    } catch (err) {
      if (!(err instanceof UnresolvedReference)) throw err;
      res = { body: halted(err.message), httpHeaders: {}, httpStatusCode: 400, referenceId: sub.referenceId };
    }
    results.set(sub.referenceId, res);
    out.push(res);
    if (allOrNone && res.httpStatusCode >= 400) return { out, failedAt: i };
  }
  return { out, failedAt: -1 };
}

export function runComposite(body: unknown, store: RecordStore, dispatch: Dispatch): ApiResponse {
  const o = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const subs = parseSubrequests(o.compositeRequest, MAX_SUBREQUESTS);
  return { status: 200, body: { compositeResponse: runSubrequests(subs, o.allOrNone === true, store, dispatch) } };
}

const MAX_GRAPHS = 75;
/** After this many failed graphs, the payload's remaining graphs are not processed. */
const MAX_FAILED_GRAPHS = 14;
const MAX_NODE_TYPES = 15;
/** What a graph node may be: an sObject create, a record's GET, PATCH or DELETE, an upsert by external id. */
const GRAPH_NODE = /^\/services\/data\/(v\d+\.\d)\/sobjects\/([A-Za-z0-9_]+)(\/[^/?]+(\/[^/?]+)?)?(\?.*)?$/;
const GRAPH_HALTED = 'This graph was not processed because more than 14 graphs in the payload failed.';

/** A node's type as the graph limits count it (API version + method + object), or a refusal of an operation graphs do not run. */
function nodeType(sub: SubRequest): string {
  const m = GRAPH_NODE.exec(sub.url);
  const allowed = m !== null && (m[3] === undefined ? sub.method === 'POST' : m[4] === undefined ? ['GET', 'PATCH', 'DELETE'].includes(sub.method) : sub.method === 'PATCH');
  if (!allowed) throw badInput(`Composite Graph supports only sObject requests; not supported: ${sub.method} ${sub.url}`);
  return `${m[1]} ${sub.method} ${m[2]}`;
}

export function runGraph(body: unknown, store: RecordStore, dispatch: Dispatch): ApiResponse {
  const o = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  if (!Array.isArray(o.graphs) || o.graphs.length === 0) throw badInput('graphs must be a non-empty array');
  if (o.graphs.length > MAX_GRAPHS) throw badInput(`Exceeded max limit of graphs: ${MAX_GRAPHS}`);
  const parsed = o.graphs.map((g: unknown) => {
    const go = typeof g === 'object' && g !== null ? (g as Record<string, unknown>) : {};
    if (typeof go.graphId !== 'string') throw badInput('Each graph requires a graphId');
    return { graphId: go.graphId, subs: parseSubrequests(go.compositeRequest, MAX_GRAPH_NODES) };
  });
  if (parsed.reduce((n, g) => n + g.subs.length, 0) > MAX_GRAPH_NODES) throw badInput(`Exceeded max limit of nodes: ${MAX_GRAPH_NODES}`);
  const types = new Set(parsed.flatMap((g) => g.subs.map(nodeType)));
  if (types.size > MAX_NODE_TYPES) throw badInput(`Exceeded max limit of node types: ${MAX_NODE_TYPES}`);
  let failed = 0;
  const graphs = parsed.map((g) => {
    const compositeResponse = failed > MAX_FAILED_GRAPHS
      ? g.subs.map((sub) => ({ body: halted(GRAPH_HALTED), httpHeaders: {}, httpStatusCode: 400, referenceId: sub.referenceId }))
      : runSubrequests(g.subs, true, store, dispatch);
    const isSuccessful = compositeResponse.every((r) => r.httpStatusCode < 400);
    if (!isSuccessful) failed += 1;
    return { graphId: g.graphId, graphResponse: { compositeResponse }, isSuccessful };
  });
  return { status: 200, body: { graphs } };
}
