import type { Connection } from 'jsforce';
import pRetry from 'p-retry';
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
export async function withRetry<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  return pRetry(
    async () => {
      try {
        return await fn();
      } catch (e) {
        throw CrmError.from(e);
      }
    },
    {
      retries: 2,
      minTimeout: 300,
      maxTimeout: 2000,
      randomize: true,
      maxRetryTime: 10_000,
      ...(signal ? { signal } : {}),
      shouldRetry: ({ error }) => error instanceof CrmError && error.failure.kind === 'transient',
    },
  );
}

const NO_TRANSPORT_RETRY = { retry: { maxRetries: 0 } };

export function soqlQuery<T>(conn: Connection, soql: string): Promise<QueryResult<T>> {
  return Promise.resolve(conn.request<QueryResult<T>>({ method: 'GET', url: `/query?q=${encodeURIComponent(soql)}` }, NO_TRANSPORT_RETRY));
}

export function soslSearch<T>(conn: Connection, sosl: string): Promise<SearchResult<T>> {
  return Promise.resolve(conn.request<SearchResult<T>>({ method: 'GET', url: `/search?q=${encodeURIComponent(sosl)}` }, NO_TRANSPORT_RETRY));
}
