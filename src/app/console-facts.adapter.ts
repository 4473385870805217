import type { Redis } from 'ioredis';
import type { Queue as BullQueue } from 'bullmq';
import { isAceDomain, type AceDomain } from '../calls/domains.ts';
import type { ConsoleActions, ConsoleFacts, FailedCall, FailureLookup, OverviewFacts, ReplayResult, SubscriptionFacts } from '../http/console/console.port.ts';
import { replayRecording, type ReplayOutcome } from '../queue/replay-recording.ts';
import type { Platform } from '../ringcentral/sdk.ts';
import { UNMAPPED_REASONS, UNMAPPED_RETENTION_MS, UnmappedStore } from '../mapping/unmapped-store.ts';
import { AuditLog } from '../queue/audit-log.ts';
import { failedReasonCounts, findFailed, listFailedPage, purgeFailed, retryAllFailed, retryFailed, type FailedJob } from '../queue/failed-set.ts';
import { purgeSummary, retryAllSummary } from '../queue/failed-summary.ts';
import { viewJobData } from '../queue/job-view.ts';
import { RequestHoursLog } from '../queue/request-hours.ts';
import { SyncedLog } from '../queue/synced-log.ts';
import type { BudgetState } from '../salesforce/api-budget.ts';
import { findCallFacts } from './find-call.adapter.ts';
import { listenerLockKey } from './listener-role.ts';

/**
 * The admin console's ports (http/console/console.port.ts) over the running service: the queue, the failed set,
 * the unmapped list and the synced-calls log in Redis, the leader lock, the API budget guard. Getters, since the
 * roles come up after the HTTP server.
 */

export interface ConsoleFactsDeps {
  readonly queue: BullQueue;
  /** A connection for the console's reads (the queue's). */
  readonly redis: Redis;
  readonly prefix: string;
  readonly domains: readonly AceDomain[];
  readonly apiBudget: { readonly slowAt: number; readonly pauseAt: number };
  /** This process runs the listener role. */
  readonly listens: boolean;
  readonly leader: () => { readonly id: string; state(): 'leader' | 'follower' | 'stopped' } | undefined;
  readonly listener: () => { state(): string; lastError(): string | undefined } | undefined;
  /** Set once the worker role runs. */
  readonly budget: () => { state(): BudgetState; usage(): { used: number; limit: number } | undefined } | undefined;
  readonly instanceUrl: () => string | undefined;
  /** The RingCentral platform (replays read insights over REST), once logged in. */
  readonly ringcentral?: () => Platform | undefined;
  /** The mapping's phone.defaultCountry. */
  readonly defaultCountry?: () => string;
}

const HOUR = 3600_000;
const FAILED_SHOWN = 10;
const UNMAPPED_SHOWN = 10;
const RECENT_SHOWN = 20;
/** The requests-per-hour chart: the last day, hour by hour. */
const REQUEST_HOURS_SHOWN = 24;
/** The counts per reason are read again at most this often (and after every change made from the console). */
const REASONS_TTL_MS = 5_000;
/** The most of a stored event the detail page decodes. */
const MAX_SHOWN_BYTES = 512 * 1024;
const DAY_MS = 24 * HOUR;

function replaySummary(recordId: string, r: ReplayOutcome): string {
  const replaced = 'replaced' in r && r.replaced ? ` (the ${r.replaced} job was replaced)` : '';
  switch (r.kind) {
    case 'no_insights': return `No RingSense insights for recording ${recordId}: not analysed yet or not a RingSense recording.`;
    case 'pending': return `Recording ${recordId} is already queued as job ${r.jobId} (${r.state}): nothing to do.`;
    case 'finished': return `Recording ${recordId} was already processed as job ${r.jobId} (${r.state}).`;
    case 'invalid': return `RingSense returned insights for ${recordId} that are not valid (${r.rejection.reason}); they are kept in the failed set as job ${r.jobId}${replaced}.`;
    case 'duplicate': return `Recording ${recordId} was queued meanwhile as job ${r.jobId}: nothing to do${replaced}.`;
    case 'queued': return `Queued recording ${recordId} again as job ${r.jobId} (replay)${replaced}.`;
  }
}

const failedCall = (j: FailedJob): FailedCall => ({ jobId: j.jobId, sourceRecordId: j.sourceRecordId, reason: j.reason, message: j.message, failedAt: j.failedAt, attemptsMade: j.attemptsMade });

export function consoleFacts(d: ConsoleFactsDeps): { facts: ConsoleFacts; actions: ConsoleActions } {
  const synced = new SyncedLog(d.redis, d.prefix);
  const requestHours = new RequestHoursLog(d.redis, d.prefix);
  const unmapped = new UnmappedStore(d.redis, d.prefix);
  const audit = new AuditLog(d.redis, d.prefix);
  let reasonsCache: { at: number; value: Promise<Awaited<ReturnType<typeof failedReasonCounts>>> } | undefined;
  const reasonCounts = (): ReturnType<typeof failedReasonCounts> => {
    const now = Date.now();
    if (!reasonsCache || now - reasonsCache.at > REASONS_TTL_MS) {
      const value = failedReasonCounts(d.queue, d.redis);
      reasonsCache = { at: now, value };
      value.catch(() => (reasonsCache = undefined));
    }
    return reasonsCache.value;
  };
  const changed = <T>(r: T): T => {
    reasonsCache = undefined;
    return r;
  };
  const failuresPage = async (page: { offset: number; limit: number }) => {
    const [counts, listed] = await Promise.all([reasonCounts(), listFailedPage(d.queue, page)]);
    return { total: listed.total, reasons: counts.reasons.map((r) => ({ reason: r.reason, count: r.count, example: r.example })), jobs: listed.jobs.map(failedCall) };
  };

  async function failure(jobId: string, opts: { content: boolean }): Promise<FailureLookup> {
    const found = await findFailed(d.queue, jobId);
    if (found.kind !== 'failed') return found;
    const job = await d.queue.getJob(jobId);
    const shown = viewJobData(job?.data, { content: opts.content, maxDecodedBytes: MAX_SHOWN_BYTES });
    const j = found.job;
    return { kind: 'failed', job: { ...failedCall(j), enqueuedAt: j.enqueuedAt, processedOn: found.processedOn, source: j.source }, event: JSON.stringify(shown, null, 2) ?? '', content: opts.content };
  }

  const { findCall, warmFindCall } = findCallFacts({ queue: d.queue, redis: d.redis, domains: d.domains, instanceUrl: d.instanceUrl, ...(d.defaultCountry ? { defaultCountry: d.defaultCountry } : {}) }, synced);

  async function replayCall(recordId: string, domain: string): Promise<ReplayResult> {
    const platform = d.ringcentral?.();
    if (!platform) return { kind: 'unavailable', jobId: undefined, summary: 'Not replayed: this process is not logged in to RingCentral (yet).' };
    if (!isAceDomain(domain) || !d.domains.includes(domain)) return { kind: 'unavailable', jobId: undefined, summary: `Not replayed: ${domain} is not a domain synced here.` };
    try {
      const r = changed(await replayRecording(platform, d.queue, domain, recordId, { force: true, domains: d.domains }));
      return { kind: r.kind, jobId: 'jobId' in r ? r.jobId : undefined, summary: replaySummary(recordId, r) };
    } catch (e) {
      return { kind: 'error', jobId: undefined, summary: `Not replayed: reading the insights of ${recordId} failed (${(e instanceof Error ? e.message : String(e)).slice(0, 200)}).` };
    }
  }

  async function subscription(): Promise<SubscriptionFacts> {
    const base = { domains: d.domains, state: undefined, lastError: undefined };
    const holder = (await d.redis.get(listenerLockKey(d.prefix))) ?? undefined;
    if (!d.listens) return { ...base, role: 'not_listening', holder, thisReplica: undefined };
    const leader = d.leader();
    if (!leader) return { ...base, role: 'starting', holder, thisReplica: undefined };
    const role = leader.state();
    if (role !== 'leader') return { ...base, role: role === 'follower' ? 'standby' : 'stopped', holder, thisReplica: leader.id };
    const listener = d.listener();
    return { domains: d.domains, role: 'holding', state: listener?.state() ?? 'starting', lastError: listener?.lastError(), holder, thisReplica: leader.id };
  }

  async function overview(now: number): Promise<OverviewFacts> {
    const problems: string[] = [];
    const settle = async <T>(what: string, p: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await p();
      } catch (e) {
        problems.push(`${what}: ${(e instanceof Error ? e.message : String(e)).slice(0, 200)}`);
        return undefined;
      }
    };
    const [sub, counts, failed, misses, syncedCounts, recent, requests] = await Promise.all([
      settle('subscription', subscription),
      settle('queue', () => d.queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'failed')),
      settle('failures', () => failuresPage({ offset: 0, limit: FAILED_SHOWN })),
      settle('unmapped', () => unmapped.list({ sinceMs: now - UNMAPPED_RETENTION_MS })),
      settle('calls synced', () => synced.countSince([now - HOUR, now - 24 * HOUR, now - 7 * 24 * HOUR])),
      settle('recent calls', () => synced.latest(RECENT_SHOWN)),
      settle('Salesforce requests per hour', () => requestHours.hours(now, REQUEST_HOURS_SHOWN)),
    ]);
    const budget = d.budget();
    const byReason: Record<string, number> = Object.fromEntries(UNMAPPED_REASONS.map((r) => [r, 0]));
    for (const m of misses ?? []) byReason[m.reason] = (byReason[m.reason] ?? 0) + 1;
    return {
      subscription: sub ?? { role: 'starting', state: undefined, lastError: undefined, holder: undefined, thisReplica: undefined, domains: d.domains },
      queue: counts && { waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0), delayed: counts.delayed ?? 0, active: counts.active ?? 0, failed: counts.failed ?? 0 },
      synced: syncedCounts && { lastHour: syncedCounts[0] ?? 0, lastDay: syncedCounts[1] ?? 0, last7Days: syncedCounts[2] ?? 0 },
      failures: failed && {
        total: failed.total,
        reasons: failed.reasons,
        newest: failed.jobs,
      },
      unmapped: misses && { byReason, latest: misses.slice(0, UNMAPPED_SHOWN).map((m) => ({ reason: m.reason, subject: m.subject, count: m.count, lastSeen: m.lastSeen })) },
      budget: { state: budget ? budget.state() : 'not_working', used: budget?.usage()?.used, limit: budget?.usage()?.limit, slowAt: d.apiBudget.slowAt, pauseAt: d.apiBudget.pauseAt },
      recent,
      salesforceInstanceUrl: d.instanceUrl(),
      salesforceRequests: requests,
      problems,
    };
  }

  return {
    facts: { overview, failuresPage, failure, audit: (limit) => audit.latest(limit), findCall, warmFindCall, defaultCountry: () => d.defaultCountry?.() ?? 'US' },
    actions: {
      async retryFailed(jobId) {
        const r = changed(await retryFailed(d.queue, jobId));
        return r.kind === 'retried' ? { kind: 'retried' } : r;
      },
      async retryAllFailed(reason) {
        const r = changed(await retryAllFailed(d.queue, { reason }));
        return { count: r.retried.length, summary: retryAllSummary(r, reason) };
      },
      async purgeFailed(days, daysText) {
        const removed = changed(await purgeFailed(d.queue, days * DAY_MS));
        return { count: removed.length, summary: purgeSummary(removed.length, daysText) };
      },
      replayCall,
      recordAudit: (entry) => audit.record(entry),
    },
  };
}
