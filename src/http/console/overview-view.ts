import { SALESFORCE_ID_SHAPE } from '../../lib/salesforce-id.ts';
import type { OverviewFacts, SubscriptionFacts } from './console.port.ts';
import { requestsChart, type RequestsChartView } from './requests-chart.ts';

/**
 * The overview's facts as the page shows them: plain strings and numbers, links checked. Pure. Escaping is the
 * template engine's (every value here may be hostile: a caller's name, a failure message); what is decided here is
 * which values may become an href at all.
 */

export interface OverviewView {
  readonly problems: readonly string[];
  readonly subscription: { readonly ok: boolean; readonly label: string; readonly holder: string; readonly thisReplica: string; readonly domains: string; readonly error: string | undefined };
  readonly queue: { readonly waiting: number; readonly delayed: number; readonly active: number; readonly failed: number } | undefined;
  readonly synced: { readonly lastHour: number; readonly lastDay: number; readonly last7Days: number } | undefined;
  readonly budget: { readonly ok: boolean; readonly state: string; readonly usage: string; readonly thresholds: string };
  /** Salesforce API requests per hour, beside the budget. */
  readonly requests: RequestsChartView;
  readonly failures:
    | {
        readonly total: number;
        readonly reasons: ReadonlyArray<{ readonly reason: string; readonly count: number; readonly example: string }>;
        readonly newest: ReadonlyArray<{ readonly jobId: string; readonly sourceRecordId: string; readonly reason: string; readonly attemptsMade: number; readonly failedAt: string; readonly retryAction: string }>;
      }
    | undefined;
  readonly unmapped:
    | {
        readonly byReason: ReadonlyArray<{ readonly reason: string; readonly count: number }>;
        readonly latest: ReadonlyArray<{ readonly reason: string; readonly subject: string; readonly count: number; readonly lastSeen: string }>;
      }
    | undefined;
  readonly recent: ReadonlyArray<{ readonly at: string; readonly sourceRecordId: string; readonly call: string; readonly callTaskId: string; readonly href: string | undefined; readonly ringSenseHref: string | undefined }> | undefined;
  /** Retry buttons are shown (not read-only). */
  readonly canChange: boolean;
  readonly csrf: string;
}

/** `2026-12-02 07:02:27 UTC`; empty when unknown. */
export const when = (ms: number | undefined): string => (ms === undefined || !Number.isFinite(ms) ? '' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC'));

/** A link to a record: only an http(s) instance URL and a real Salesforce id make one. */
export function recordHref(instanceUrl: string | undefined, id: string): string | undefined {
  if (!instanceUrl || !SALESFORCE_ID_SHAPE.test(id)) return undefined;
  try {
    const url = new URL(instanceUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return new URL(`/${id}`, url).href;
  } catch {
    return undefined;
  }
}

/**
 * A link into RingSense (the event's rsRecordUri): only an absolute http(s) URL, as the URL parser reads it, makes
 * one; `javascript:`, `data:` and anything else stay plain (and escaped) text. Pure.
 */
export function ringSenseHref(uri: string | undefined): string | undefined {
  if (!uri || uri.length > 2_000) return undefined;
  try {
    const url = new URL(uri);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Job ids as the queue makes them (callJobId): anything else gets no retry form. */
const JOB_ID = /^[A-Za-z0-9._-]{1,200}$/;
export const isJobId = (id: string): boolean => JOB_ID.test(id);

function subscriptionView(s: SubscriptionFacts): OverviewView['subscription'] {
  const labels: Record<SubscriptionFacts['role'], string> = {
    holding: `held by this replica: ${s.state ?? 'starting'}`,
    standby: 'standby: another replica holds it',
    stopped: 'stopped',
    starting: 'starting',
    not_listening: 'this process does not listen (a worker only)',
  };
  const ok = (s.role === 'holding' && s.state === 'connected') || s.role === 'standby';
  return { ok, label: labels[s.role], holder: s.holder ?? 'nobody', thisReplica: s.thisReplica ?? '-', domains: s.domains.join(', '), error: s.lastError };
}

function usage(used: number | undefined, limit: number | undefined): string {
  if (used === undefined || limit === undefined || limit <= 0) return 'usage not known yet';
  return `${used.toLocaleString('en-US')} of ${limit.toLocaleString('en-US')} requests today (${((used / limit) * 100).toFixed(1)}%)`;
}

export function overviewView(f: OverviewFacts, opts: { canChange: boolean; csrf: string }): OverviewView {
  const pct = (share: number) => `${Math.round(share * 100)}%`;
  return {
    problems: f.problems,
    subscription: subscriptionView(f.subscription),
    queue: f.queue,
    synced: f.synced,
    budget: {
      ok: f.budget.state === 'normal' || f.budget.state === 'not_working',
      state: f.budget.state === 'not_working' ? 'not watched here (this process does not write to Salesforce)' : f.budget.state,
      usage: usage(f.budget.used, f.budget.limit),
      thresholds: `Slows down above ${pct(f.budget.slowAt)} of the daily allocation, pauses above ${pct(f.budget.pauseAt)}.`,
    },
    requests: requestsChart(f.salesforceRequests, { dailyLimit: f.budget.limit }),
    failures: f.failures && {
      total: f.failures.total,
      reasons: f.failures.reasons,
      newest: f.failures.newest.map((j) => ({
        jobId: j.jobId,
        sourceRecordId: j.sourceRecordId ?? '',
        reason: j.reason,
        attemptsMade: j.attemptsMade,
        failedAt: when(j.failedAt),
        retryAction: isJobId(j.jobId) ? `/admin/failures/${j.jobId}/retry` : '',
      })),
    },
    unmapped: f.unmapped && {
      byReason: Object.entries(f.unmapped.byReason).map(([reason, count]) => ({ reason, count })),
      latest: f.unmapped.latest.map((u) => ({ reason: u.reason, subject: u.subject, count: u.count, lastSeen: when(u.lastSeen) })),
    },
    recent: f.recent?.map((c) => ({ at: when(c.at), sourceRecordId: c.sourceRecordId, call: c.call, callTaskId: c.callTaskId, href: recordHref(f.salesforceInstanceUrl, c.callTaskId), ringSenseHref: ringSenseHref(c.rsRecordUri) })),
    canChange: opts.canChange,
    csrf: opts.csrf,
  };
}
