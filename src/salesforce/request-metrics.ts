import type { Connection } from 'jsforce';
import { boundedCode, type SalesforceOperation } from '../lib/metrics.ts';

/** Told about every HTTP request to Salesforce once it ends: what it was, and `ok` or its error code. */
export type SalesforceRequestObserver = (operation: SalesforceOperation, status: string) => void;

/** The minimal shape of a jsforce Transport (Connection._transport, OAuth2._transport). */
interface TransportLike {
  httpRequest(req: { method: string; url: string }, options?: unknown): PromiseLike<{ statusCode: number; body?: unknown }>;
}

const OBSERVED = Symbol('ringsense.observed');

/** What a request does, from its method and URL (REST API and OAuth paths). Pure. */
export function operationOf(method: string, url: string): SalesforceOperation {
  let path: string;
  try {
    path = new URL(url, 'http://x').pathname;
  } catch {
    return 'other';
  }
  if (path.endsWith('/services/oauth2/token')) return 'token';
  const rest = /\/services\/data\/v\d+\.\d+(\/.*)?$/.exec(path)?.[1] ?? '';
  const m = method.toUpperCase();
  if (/^\/query(All)?(\/|$)/.test(rest)) return 'query';
  if (/^\/(search|parameterizedSearch)(\/|$)/.test(rest)) return 'search';
  if (/^\/composite\/sobjects\/?$/.test(rest)) return m === 'POST' ? 'collection_create' : 'other';
  if (/^\/sobjects\/[^/]+\/?$/.test(rest) && m === 'POST') return 'create';
  if (/^\/sobjects\/[^/]+\/[^/]+\/?$/.test(rest) && m === 'PATCH') return 'update';
  return 'other';
}

/**
 * `ok`, or the error code of a refused request: Salesforce's `errorCode` (REST), the OAuth `error`, else
 * `ERROR_HTTP_<status>` as jsforce names it. Codes are a bounded set; anything that does not look like one is
 * reported by its HTTP status. Pure.
 */
export function statusOf(statusCode: number, body: unknown): string {
  if (statusCode < 400) return 'ok';
  const fallback = `ERROR_HTTP_${statusCode}`;
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return fallback;
    }
  }
  const first: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!first || typeof first !== 'object') return fallback;
  const { errorCode, error } = first as { errorCode?: unknown; error?: unknown };
  return boundedCode(errorCode ?? error, fallback);
}

/** A request that got no response: its network code (ECONNRESET...) or `network_error`. */
export function networkStatusOf(err: unknown): string {
  const code = err && typeof err === 'object' ? ((err as { code?: unknown }).code ?? (err as { cause?: { code?: unknown } }).cause?.code) : undefined;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,39}$/.test(code) ? code : 'network_error';
}

function observeTransport(transport: TransportLike & { [OBSERVED]?: true }, observe: SalesforceRequestObserver): void {
  if (transport[OBSERVED]) return;
  transport[OBSERVED] = true;
  const inner = transport.httpRequest.bind(transport);
  // The returned object is jsforce's own (a StreamPromise: its stream() is used); the observer only listens.
  transport.httpRequest = (req, options) => {
    const pending = inner(req, options);
    const operation = operationOf(req.method, req.url);
    const report = (status: string): void => {
      try {
        observe(operation, status);
      } catch {
        // Metrics never break a request.
      }
    };
    pending.then(
      (res) => report(statusOf(res.statusCode, res.body)),
      (e: unknown) => report(networkStatusOf(e)),
    );
    return pending;
  };
}

/**
 * Observes every HTTP request of a jsforce connection, token requests included, at its transports (the one
 * place all of them pass, retries and session refreshes too). Relies on jsforce 3's public `_transport` fields.
 */
export function observeSalesforceRequests(conn: Connection, observe: SalesforceRequestObserver): void {
  observeTransport(conn._transport, observe);
  observeTransport(conn.oauth2._transport, observe);
}
