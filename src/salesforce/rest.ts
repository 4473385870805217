import type { Connection } from 'jsforce';
import { briefRetry } from '../lib/brief-retry.ts';
import type { FieldCatalog, TaskFieldInfo } from '../sync/task-store.port.ts';
import { CrmError } from './classify-error.ts';

/** Query results as the REST API returns them. */
/** Salesforce's limit of records in one sObject Collections request. */
export const COLLECTION_LIMIT = 200;

/** One record's result in an sObject Collections response. */
export interface SaveResult {
  id?: string;
  success: boolean;
  errors?: Array<{ statusCode?: string; errorCode?: string; message?: string; fields?: string[] }>;
}

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

/** The field info describe gives, from its JSON (one field of `GET /sobjects/Task/describe`). */
export function fieldInfoOf(raw: Record<string, unknown>): TaskFieldInfo | undefined {
  const str = (k: string): string => (typeof raw[k] === 'string' ? (raw[k]) : '');
  const num = (k: string): number => (typeof raw[k] === 'number' ? (raw[k]) : 0);
  if (!str('name') || !str('type')) return undefined;
  const picklist = Array.isArray(raw.picklistValues) ? (raw.picklistValues as Array<Record<string, unknown>>) : [];
  return {
    name: str('name'),
    label: str('label') || str('name'),
    type: str('type'),
    length: num('length'),
    precision: str('type') === 'int' ? num('digits') : num('precision'),
    scale: num('scale'),
    createable: raw.createable === true,
    updateable: raw.updateable === true,
    restrictedPicklist: raw.restrictedPicklist === true,
    picklistValues: picklist.filter((p) => p.active !== false && typeof p.value === 'string').map((p) => p.value as string),
  };
}

/**
 * An object's fields as the integration user sees them (`GET /sobjects/{type}/describe`): the one describe reader,
 * shared by `config check --online` and the Task store (which caches it). Retried briefly when it fails for a
 * passing reason; throws CrmError.
 */
export async function describeFields(conn: Connection, sobject: string): Promise<FieldCatalog> {
  const res = await withRetry(() => Promise.resolve(conn.request<{ fields?: unknown }>({ method: 'GET', url: `/sobjects/${encodeURIComponent(sobject)}/describe` }, NO_TRANSPORT_RETRY)));
  const catalog = new Map<string, TaskFieldInfo>();
  for (const raw of Array.isArray(res.fields) ? (res.fields as unknown[]) : []) {
    const info = raw && typeof raw === 'object' ? fieldInfoOf(raw as Record<string, unknown>) : undefined;
    if (info) catalog.set(info.name.toLowerCase(), info);
  }
  return catalog;
}
