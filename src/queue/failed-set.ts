import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { decodeFailureReason } from './failure-reason.ts';
import { decodeCallJobData } from './job-payload.ts';

/**
 * The failed set is the dead-letter queue: these are the operations an admin runs on it (list, show, retry,
 * purge). Nothing here prints; nothing here returns call content except the decoded job data of `findFailed`,
 * which the caller redacts before showing it.
 */

/** One failed job as the admin sees it: ids, reason and timings; no call content. */
export interface FailedJob {
  readonly jobId: string;
  /** From the stored event, when it has one (a malformed event may not). */
  readonly sourceRecordId: string | undefined;
  /** The reason code (`unmapped_owner`, `missing_source_record_id`, `salesforce_rejected`...). */
  readonly reason: string;
  /** The failedReason after the code: what went wrong and what to do. */
  readonly message: string;
  readonly attemptsMade: number;
  /** When the job was enqueued, and when it failed (ms since the epoch). */
  readonly enqueuedAt: number;
  readonly failedAt: number | undefined;
  /** `notification` (WebSocket) or the REST source (`replay`, `catch_up`, `backfill`). */
  readonly source: string | undefined;
}

export interface ReasonCount {
  readonly reason: string;
  readonly count: number;
  readonly lastFailedAt: number | undefined;
  /** The message of the newest job with this reason. */
  readonly example: string;
}

export interface FailedListing {
  /** Failed jobs matching the filter (all of them, not only the listed ones). */
  readonly total: number;
  /** Most frequent first. */
  readonly reasons: readonly ReasonCount[];
  /** Newest first, at most `limit`. */
  readonly jobs: readonly FailedJob[];
}

const BATCH = 200;

function field(obj: unknown, key: string): unknown {
  return obj && typeof obj === 'object' && !Array.isArray(obj) ? (obj as Record<string, unknown>)[key] : undefined;
}

/** The sourceRecordId of the event or insights a job carries (its job data, of any version), when it has a usable one. */
export function sourceRecordIdOf(data: unknown): string | undefined {
  // Listing failed jobs reads every one of them: their transcripts are left compressed.
  const decoded = decodeCallJobData(data, { transcript: false });
  if (!decoded.ok) return undefined;
  const job = decoded.value;
  if (job.kind === 'oversized') return job.ids.sourceRecordId;
  const body = job.kind === 'notification' ? field(job.event, 'body') : job.insights;
  const id = field(body, 'sourceRecordId');
  return typeof id === 'string' && id !== '' ? id : typeof id === 'number' ? String(id) : undefined;
}

/** Read from the plain fields of the job data (not its payload): known even when the payload does not decode. */
function sourceOf(data: unknown): string | undefined {
  const kind = field(data, 'kind');
  if (kind === 'notification') return 'notification';
  // An oversized event keeps its source, `notification` included.
  const source = field(data, 'source');
  return typeof source === 'string' ? source : undefined;
}

export function describeFailedJob(job: Job): FailedJob {
  const exhausted = job.attemptsMade >= (job.opts.attempts ?? 1);
  const { reason, message } = decodeFailureReason(job.failedReason, exhausted);
  return {
    jobId: job.id ?? '',
    sourceRecordId: sourceRecordIdOf(job.data),
    reason,
    message,
    attemptsMade: job.attemptsMade,
    enqueuedAt: job.timestamp,
    failedAt: job.finishedOn,
    source: sourceOf(job.data),
  };
}

/** Every failed job, newest first, read in batches (ids first, so jobs leaving the set meanwhile are skipped). */
async function* failedJobs(queue: Queue): AsyncGenerator<Job> {
  const ids = await queue.getRanges(['failed'], 0, -1, false);
  for (let i = 0; i < ids.length; i += BATCH) {
    const jobs = await Promise.all(ids.slice(i, i + BATCH).map((id) => queue.getJob(id)));
    for (const job of jobs) if (job && job.finishedOn !== undefined && job.failedReason) yield job;
  }
}

/** Counts per reason and the newest `limit` jobs, optionally of one reason only. */
export async function listFailed(queue: Queue, opts: { reason?: string; limit?: number } = {}): Promise<FailedListing> {
  const limit = opts.limit ?? 20;
  const byReason = new Map<string, { count: number; lastFailedAt: number | undefined; example: string }>();
  const jobs: FailedJob[] = [];
  let total = 0;
  for await (const job of failedJobs(queue)) {
    const f = describeFailedJob(job);
    if (opts.reason !== undefined && f.reason !== opts.reason) continue;
    total += 1;
    const seen = byReason.get(f.reason);
    // Newest first: the first job of a reason is its latest failure.
    if (seen) seen.count += 1;
    else byReason.set(f.reason, { count: 1, lastFailedAt: f.failedAt, example: f.message });
    if (jobs.length < limit) jobs.push(f);
  }
  const reasons = [...byReason].map(([reason, r]) => ({ reason, ...r })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  return { total, reasons, jobs };
}

/**
 * Groups the failed set by reason inside Redis, newest failure first, in one round trip: for each failed job four
 * small fields of its hash (BullMQ's names), never its data. A failedReason with a code (failure-reason.ts:
 * `<code>: <message>`) is grouped by the code; one without, by whether its attempts ran out. Returns per group
 * [count, newest finishedOn, newest failedReason, attempts ran out (1/0)], in the order first seen.
 */
const REASON_COUNTS_LUA = `
local ids = redis.call('ZREVRANGE', KEYS[1], 0, -1)
local groups, order = {}, {}
for _, id in ipairs(ids) do
  local f = redis.call('HMGET', ARGV[1] .. id, 'failedReason', 'finishedOn', 'atm', 'opts')
  if f[1] and f[1] ~= '' and f[2] then
    local code = string.match(f[1], '^([a-z][a-z0-9_]*): ')
    local exhausted = 0
    if not code then
      local attempts = 1
      if f[4] then
        local ok, o = pcall(cjson.decode, f[4])
        if ok and type(o) == 'table' and type(o.attempts) == 'number' then attempts = o.attempts end
      end
      if tonumber(f[3] or '0') >= attempts then exhausted = 1 end
      code = ' uncoded ' .. exhausted
    end
    local g = groups[code]
    if g then g[1] = g[1] + 1 else groups[code] = { 1, f[2], f[1], exhausted }; table.insert(order, code) end
  end
end
local out = {}
for _, code in ipairs(order) do table.insert(out, groups[code]) end
return out
`;

/**
 * Counts per reason of the whole failed set without reading any job's data (see REASON_COUNTS_LUA): 10,000 failed
 * jobs take Redis a few milliseconds. `redis` is a connection to the queue's Redis (BullMQ does not lend its own).
 */
export async function failedReasonCounts(queue: Queue, redis: Redis): Promise<{ total: number; reasons: ReasonCount[] }> {
  const groups = (await redis.eval(REASON_COUNTS_LUA, 1, queue.toKey('failed'), queue.toKey(''))) as Array<[number, string, string, number]>;
  const byReason = new Map<string, { count: number; lastFailedAt: number | undefined; example: string }>();
  let total = 0;
  for (const [count, finishedOn, failedReason, exhausted] of groups) {
    const { reason, message } = decodeFailureReason(failedReason, exhausted === 1);
    total += count;
    const seen = byReason.get(reason);
    if (seen) seen.count += count;
    else byReason.set(reason, { count, lastFailedAt: Number(finishedOn), example: message });
  }
  const reasons = [...byReason].map(([reason, r]) => ({ reason, ...r })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  return { total, reasons };
}

/** One page of the failed set, newest first: `limit` jobs from `offset`, and how many failed jobs there are. */
export async function listFailedPage(queue: Queue, page: { offset: number; limit: number }): Promise<{ total: number; jobs: FailedJob[] }> {
  const [counts, jobs] = await Promise.all([queue.getJobCounts('failed'), queue.getFailed(page.offset, page.offset + page.limit - 1)]);
  return { total: counts.failed ?? 0, jobs: jobs.filter((j): j is Job => Boolean(j && j.finishedOn !== undefined)).map(describeFailedJob) };
}

export type FailedLookup =
  | {
      readonly kind: 'failed';
      readonly job: FailedJob;
      /** The job as enqueued (kind, receivedAt, the event or insights), decoded; the stored job data if it does not decode. */
      readonly data: unknown;
      /** Why the stored job data does not decode, when it does not. */
      readonly dataProblem?: string;
      readonly processedOn: number | undefined;
    }
  | { readonly kind: 'not_failed'; readonly state: string }
  | { readonly kind: 'not_found' };

/** One job by id: its failure and its decoded data (call content: the caller decides what to show). */
export async function findFailed(queue: Queue, jobId: string): Promise<FailedLookup> {
  const job = await queue.getJob(jobId);
  if (!job) return { kind: 'not_found' };
  const state = await job.getState();
  if (state !== 'failed') return { kind: 'not_failed', state };
  const decoded = decodeCallJobData(job.data);
  return decoded.ok
    ? { kind: 'failed', job: describeFailedJob(job), data: decoded.value, processedOn: job.processedOn }
    : { kind: 'failed', job: describeFailedJob(job), data: job.data as unknown, dataProblem: decoded.error, processedOn: job.processedOn };
}

export type RetryOutcome = { readonly kind: 'retried'; readonly job: FailedJob } | Exclude<FailedLookup, { kind: 'failed' }>;

async function redrive(job: Job): Promise<void> {
  // Full attempts again: the bulk queue.retryJobs keeps attemptsMade, so a permanent failure would not re-run.
  await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
}

/** Moves one failed job back to waiting with its attempts reset. */
export async function retryFailed(queue: Queue, jobId: string): Promise<RetryOutcome> {
  const job = await queue.getJob(jobId);
  if (!job) return { kind: 'not_found' };
  const state = await job.getState();
  if (state !== 'failed') return { kind: 'not_failed', state };
  const described = describeFailedJob(job);
  try {
    await redrive(job);
  } catch (e) {
    // It left the failed set meanwhile (another admin, or retention): report its state now.
    const now = await job.getState();
    if (now !== 'failed') return now === 'unknown' ? { kind: 'not_found' } : { kind: 'not_failed', state: now };
    throw e;
  }
  return { kind: 'retried', job: described };
}

export interface BulkRetry {
  readonly retried: readonly FailedJob[];
  /** Jobs that left the failed set between listing and retrying. */
  readonly skipped: readonly string[];
}

/** Moves every failed job (of one reason, if given) back to waiting with attempts reset. */
export async function retryAllFailed(queue: Queue, opts: { reason?: string } = {}): Promise<BulkRetry> {
  const retried: FailedJob[] = [];
  const skipped: string[] = [];
  // Ids first (job data can be large: only a batch of jobs is held at a time), then each job afresh.
  const chosen: FailedJob[] = [];
  for await (const job of failedJobs(queue)) {
    const described = describeFailedJob(job);
    if (opts.reason === undefined || described.reason === opts.reason) chosen.push(described);
  }
  for (const described of chosen) {
    const job = await queue.getJob(described.jobId);
    if (!job) {
      skipped.push(described.jobId);
      continue;
    }
    try {
      await redrive(job);
      retried.push(described);
    } catch (e) {
      if ((await job.getState()) === 'failed') throw e;
      skipped.push(described.jobId);
    }
  }
  return { retried, skipped };
}

/** Removes failed jobs that failed more than `olderThanMs` ago; returns their ids. */
export async function purgeFailed(queue: Queue, olderThanMs: number): Promise<string[]> {
  return queue.clean(olderThanMs, 0, 'failed');
}
