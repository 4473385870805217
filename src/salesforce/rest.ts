import type { Connection } from 'jsforce';
import { briefRetry } from '../lib/brief-retry.ts';
import { CrmError } from './classify-error.ts';

/** Query results as the REST API returns them. */
export interface QueryResult<T> {
  totalSize: number;
  done: boolean;
  records: T[];
}

export interface SearchResult<T> {
  searchRecords: T[];
}

/**
 * One place for retries of a single Salesforce call. jsforce's own transport retry (GET only, ~15 s of sleeps)
 * is switched off so the two do not multiply; p-retry retries transient failures briefly with jitter, and
 * everything longer is left to the job's attempts and backoff.
 */
export function withRetry<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const once = async (): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw CrmError.from(e);
    }
  };
  return briefRetry(once, (e) => e instanceof CrmError && e.failure.kind === 'transient', signal);
}

const NO_TRANSPORT_RETRY = { retry: { maxRetries: 0 } };

export function soqlQuery<T>(conn: Connection, soql: string): Promise<QueryResult<T>> {
  return Promise.resolve(conn.request<QueryResult<T>>({ method: 'GET', url: `/query?q=${encodeURIComponent(soql)}` }, NO_TRANSPORT_RETRY));
}

export function soslSearch<T>(conn: Connection, sosl: string): Promise<SearchResult<T>> {
  return Promise.resolve(conn.request<SearchResult<T>>({ method: 'GET', url: `/search?q=${encodeURIComponent(sosl)}` }, NO_TRANSPORT_RETRY));
}

/** The part of `GET /limits` the service reads. */
export interface OrgLimits {
  readonly DailyApiRequests?: { readonly Max: number; readonly Remaining: number };
}

/**
 * GET /limits, without jsforce's transport retry (which sleeps ~15 s on a 5xx GET): the outage gate's probe and the
 * API budget guard ask it, and a probe is one request.
 */
export function orgLimits(conn: Connection): Promise<OrgLimits> {
  return Promise.resolve(conn.request<OrgLimits>({ method: 'GET', url: '/limits' }, NO_TRANSPORT_RETRY));
}
