/** Scripted failures: the next N matching API requests answer with a status + body, or a socket reset. */

export interface FaultSpec {
  status: number;
  /** JSON body; a string is sent as text/plain (like an Edge/load-balancer error page). Default: Salesforce's body for the status. */
  body?: unknown;
  /** How many matching requests fail (default 1). */
  count?: number;
  /** HTTP method to match (case-insensitive); any when absent. */
  method?: string;
  /** Substring of, or RegExp over, the request path (without query string). Absent: any `/services/data` request. */
  path?: string | RegExp;
  /**
   * Substring of, or RegExp over, the request's `q` parameter as decoded (a query's SOQL, a search's SOSL), to refuse
   * only the requests that mention something. Absent: any.
   */
  query?: string | RegExp;
  /** Destroy the socket instead of answering. */
  resetConnection?: boolean;
}

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
}

export type FaultOutcome = { kind: 'reset' } | { kind: 'respond'; status: number; body: unknown };

/** Salesforce's own body for the common injected statuses. */
export function defaultFaultBody(status: number): unknown {
  switch (status) {
    case 401: return [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }];
    case 403: return [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }];
    case 404: return [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }];
    case 500: return [{ message: 'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)', errorCode: 'UNKNOWN_EXCEPTION' }];
    case 503: return [{ message: 'Server unavailable', errorCode: 'SERVER_UNAVAILABLE' }];
    default: return [{ message: `HTTP ${status}`, errorCode: status >= 500 ? 'UNKNOWN_EXCEPTION' : 'BAD_REQUEST' }];
  }
}

export class FaultInjector {
  private faults: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    this.faults.push({ spec, remaining: spec.count ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  /** Consumes one matching fault, if any. */
  take(method: string, path: string, query = ''): FaultOutcome | undefined {
    const hit = this.faults.find((f) => f.remaining > 0 && matches(f.spec, method, path, query));
    if (hit === undefined) return undefined;
    hit.remaining -= 1;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    if (hit.spec.resetConnection === true) return { kind: 'reset' };
    return { kind: 'respond', status: hit.spec.status, body: hit.spec.body ?? defaultFaultBody(hit.spec.status) };
  }
}

const test = (pattern: string | RegExp, text: string): boolean => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));

function matches(spec: FaultSpec, method: string, path: string, query: string): boolean {
  if (spec.method !== undefined && spec.method.toUpperCase() !== method.toUpperCase()) return false;
  if (spec.query !== undefined && !test(spec.query, query)) return false;
  if (spec.path === undefined) return path.startsWith('/services/data');
  return test(spec.path, path);
}

/** A fault as sent over `/_sim/faults` (`path` or `pathRegex`, `query` or `queryRegex`, as strings). */
export function faultFromJson(input: unknown): FaultSpec {
  if (typeof input !== 'object' || input === null) throw new Error('fault must be an object');
  const o = input as Record<string, unknown>;
  if (typeof o.status !== 'number' && o.resetConnection !== true) throw new Error('fault.status must be a number');
  const spec: FaultSpec = { status: typeof o.status === 'number' ? o.status : 0 };
  if (o.body !== undefined) spec.body = o.body;
  if (typeof o.count === 'number') spec.count = o.count;
  if (typeof o.method === 'string') spec.method = o.method;
  if (typeof o.path === 'string') spec.path = o.path;
  if (typeof o.pathRegex === 'string') spec.path = new RegExp(o.pathRegex);
  if (typeof o.query === 'string') spec.query = o.query;
  if (typeof o.queryRegex === 'string') spec.query = new RegExp(o.queryRegex);
  if (o.resetConnection === true) spec.resetConnection = true;
  return spec;
}
