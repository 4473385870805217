import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../lib/logger.ts';
import { reportRedisError } from '../lib/redis-health.ts';
import { failureReasonLabel } from './failure-reason.ts';
import { createCallProcessor, type CallJobResult, type CallProcessorDeps } from './call-processor.ts';
import { backoffDelay } from '../lib/backoff.ts';
import { CALLS_QUEUE, JOB_BACKOFF, KEEP_COMPLETED, KEEP_FAILED } from './jobs.ts';

export interface CallWorkerOptions extends CallProcessorDeps {
  readonly connection: Redis;
  readonly prefix: string;
  readonly concurrency: number;
  readonly logger: Logger;
  /** Stalled-job detection (a worker killed mid-write): lock and check interval. */
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  readonly autorun?: boolean;
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  /** How long failed jobs stay in the failed set (default 30 days). */
  readonly failedRetentionDays?: number;
}

/**
 * The reason code of a final failure, for metrics: a permanent failure's code; a job that ran out of attempts (its
 * message is the service's error, with no code) is `retries_exhausted`.
 */
export function finalFailureReason(err: Error): string {
  return failureReasonLabel(err.message, err.name !== 'UnrecoverableError');
}

/** BullMQ's words for a job lock that expired or was taken while its job ran. */
const JOB_LOCK_LOST = /could not renew lock for job|Missing lock for job/;

/** The BullMQ worker for calls. Lifecycle (signals, shutdown) belongs to the caller. */
export function createCallWorker(opts: CallWorkerOptions): Worker<unknown, CallJobResult> {
  const worker = new Worker<unknown, CallJobResult>(CALLS_QUEUE, createCallProcessor(opts), {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    autorun: opts.autorun ?? true,
    lockDuration: opts.lockDurationMs ?? 30_000,
    stalledInterval: opts.stalledIntervalMs ?? 30_000,
    maxStalledCount: 2,
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: opts.failedRetentionDays ? { age: opts.failedRetentionDays * 24 * 3600 } : KEEP_FAILED,
    // Needed so that a queue-wide pause (queue.rateLimit after REQUEST_LIMIT_EXCEEDED) holds for every replica.
    limiter: { max: 10_000, duration: 1000 },
    // While paused, look again every 5 s: a pause lifted early (the allocation freed up) resumes promptly.
    maximumRateLimitDelay: 5000,
    settings: {
      backoffStrategy: (attemptsMade: number) => backoffDelay(attemptsMade, opts.backoff ?? JOB_BACKOFF),
    },
  });
  worker.on('failed', (job: Job | undefined, err: Error) => {
    if (!job) return;
    const final = err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!final) return;
    opts.logger.error('job_failed', { jobId: job.id, reason: finalFailureReason(err), attempts: job.attemptsMade });
    opts.metrics?.jobsFailed.inc({ reason: finalFailureReason(err) });
  });
  worker.on('error', (err) => {
    if (reportRedisError(opts.connection, 'worker', err)) return;
    // A job's BullMQ lock lost (Redis was away longer than the lock lasts): the stalled-job check hands the job to a
    // worker again and its Tasks are found by their keys. Worth a line, not a stack trace.
    if (JOB_LOCK_LOST.test(err.message)) opts.logger.warn('job_lock_lost', { err: err.message });
    else opts.logger.error('worker_error', { err });
  });
  return worker;
}
