import type { AuditEntry, FailedCallDetail, FailuresPageFacts } from './console.port.ts';
import { isJobId, when } from './overview-view.ts';

/**
 * The failures, failure-detail and audit pages' facts as the pages show them, and the bounds of what those pages
 * accept (page numbers, reason codes, days). Pure; escaping is the template engine's.
 */

export const PER_PAGE = 25;
export const MAX_PER_PAGE = 100;
/** The audit page shows this many entries, newest first. */
export const AUDIT_SHOWN = 200;

export interface Paging {
  readonly page: number;
  readonly per: number;
  readonly offset: number;
}

const wholeNumber = (v: unknown, min: number, max: number): number | undefined => {
  if (typeof v !== 'string' || !/^\d{1,6}$/.test(v)) return undefined;
  const n = Number(v);
  return n >= min && n <= max ? n : undefined;
};

/** `?page=` (from 1) and `?per=` (1 to 100); anything else is the first page of 25. */
export function parsePaging(query: { page?: unknown; per?: unknown }): Paging {
  const page = wholeNumber(query.page, 1, 100_000) ?? 1;
  const per = wholeNumber(query.per, 1, MAX_PER_PAGE) ?? PER_PAGE;
  return { page, per, offset: (page - 1) * per };
}

/** A reason code as failure-reason.ts makes them (snake_case): anything else is refused at the edge. */
const REASON = /^[a-z][a-z0-9_]{0,63}$/;
export const isReasonCode = (s: unknown): s is string => typeof s === 'string' && REASON.test(s);

export interface FailuresPageView {
  readonly total: number;
  readonly range: string;
  readonly reasons: ReadonlyArray<{ readonly reason: string; readonly count: number; readonly example: string }>;
  readonly jobs: ReadonlyArray<{ readonly jobId: string; readonly href: string; readonly sourceRecordId: string; readonly reason: string; readonly message: string; readonly attemptsMade: number; readonly failedAt: string }>;
  readonly prev: string | undefined;
  readonly next: string | undefined;
  readonly canChange: boolean;
  readonly csrf: string;
}

const pageHref = (page: number, per: number): string => `/admin/failures?page=${page}${per === PER_PAGE ? '' : `&per=${per}`}`;

export function failuresPageView(f: FailuresPageFacts, paging: Paging, opts: { canChange: boolean; csrf: string }): FailuresPageView {
  const first = f.jobs.length ? paging.offset + 1 : 0;
  const last = paging.offset + f.jobs.length;
  return {
    total: f.total,
    range: f.total === 0 ? '' : f.jobs.length ? `Showing ${first}-${last} of ${f.total}, newest first.` : `Nothing on page ${paging.page}: there are ${f.total} failed calls.`,
    reasons: f.reasons,
    jobs: f.jobs.map((j) => ({
      jobId: j.jobId,
      href: isJobId(j.jobId) ? `/admin/failures/${j.jobId}` : '',
      sourceRecordId: j.sourceRecordId ?? '',
      reason: j.reason,
      message: j.message.length > 160 ? `${j.message.slice(0, 157)}...` : j.message,
      attemptsMade: j.attemptsMade,
      failedAt: when(j.failedAt),
    })),
    prev: paging.page > 1 ? pageHref(paging.page - 1, paging.per) : undefined,
    next: last < f.total && f.jobs.length ? pageHref(paging.page + 1, paging.per) : undefined,
    canChange: opts.canChange,
    csrf: opts.csrf,
  };
}

export interface FailureDetailView {
  readonly jobId: string;
  readonly facts: ReadonlyArray<{ readonly label: string; readonly value: string; readonly id: string }>;
  readonly event: string;
  readonly content: boolean;
  readonly revealAction: string;
  readonly retryAction: string;
  readonly canChange: boolean;
  readonly csrf: string;
}

export function failureDetailView(job: FailedCallDetail, event: string, content: boolean, opts: { canChange: boolean; csrf: string }): FailureDetailView {
  return {
    jobId: job.jobId,
    facts: [
      { label: 'Reason', value: job.reason, id: 'detail-reason' },
      { label: 'Message', value: job.message, id: 'detail-message' },
      { label: 'Recording', value: job.sourceRecordId ?? '- (the event has none)', id: 'detail-recording' },
      { label: 'Received via', value: job.source ?? '-', id: 'detail-source' },
      { label: 'Attempts', value: String(job.attemptsMade), id: 'detail-attempts' },
      { label: 'Enqueued', value: when(job.enqueuedAt), id: 'detail-enqueued' },
      { label: 'Last attempt', value: when(job.processedOn), id: 'detail-last-attempt' },
      { label: 'Failed', value: when(job.failedAt), id: 'detail-failed' },
    ],
    event,
    content,
    revealAction: `/admin/failures/${job.jobId}/reveal`,
    retryAction: `/admin/failures/${job.jobId}/retry`,
    canChange: opts.canChange,
    csrf: opts.csrf,
  };
}

export function auditView(entries: readonly AuditEntry[]): ReadonlyArray<{ readonly at: string; readonly who: string; readonly action: string; readonly target: string; readonly outcome: string }> {
  return entries.map((e) => ({ at: when(e.at), who: e.who, action: e.action, target: e.target, outcome: e.outcome }));
}
