import type { Queue } from 'bullmq';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import { parseInsightsBody, parseInsightsNotification, type EventRejection } from '../ringcentral/insights-event.schema.ts';
import { encodeCallJob, payloadJson } from './job-payload.ts';
import { CALL_JOB, CALL_JOB_ATTEMPTS, callJobId, invalidEventJobId, type CallJobData, type InsightsSource } from './jobs.ts';

export interface EnqueueResult {
  readonly jobId: string;
  readonly status: 'enqueued' | 'duplicate';
  readonly sourceRecordId?: string;
  /** Set when the event is invalid: it is enqueued anyway and lands in the failed set with this reason. */
  readonly rejection?: EventRejection;
}

export interface EnqueueOptions {
  /** When the event arrived (default now); the worker measures event-to-Salesforce latency from it. */
  readonly receivedAt?: number;
  readonly metrics?: Metrics;
}

/** Counts the outcome of an enqueue (the event itself is counted as received before, whatever happens). */
function counted(metrics: Metrics | undefined, result: EnqueueResult): EnqueueResult {
  if (result.rejection) metrics?.eventsRejected.inc({ reason: result.rejection.reason });
  if (result.status === 'duplicate') metrics?.eventsDuplicate.inc();
  return result;
}

async function add(queue: Queue, jobId: string, data: CallJobData): Promise<'enqueued' | 'duplicate'> {
  await queue.add(CALL_JOB, data, {
    jobId,
    attempts: CALL_JOB_ATTEMPTS,
    backoff: { type: 'ringsense' },
  });
  // A known id keeps the stored job, but BullMQ 6 still returns a Job built from our data: read back what is
  // stored. Ours is new only if it is our data (or already gone, e.g. removed by an admin meanwhile).
  const stored = await queue.getJob(jobId);
  return stored === undefined || (stored.data as CallJobData).receivedAt === data.receivedAt ? 'enqueued' : 'duplicate';
}

/** Turns one WebSocket notification into a job. Never throws on bad input; throws only if Redis fails. */
export async function enqueueNotification(queue: Queue, raw: unknown, logger: Logger, opts: EnqueueOptions = {}): Promise<EnqueueResult> {
  opts.metrics?.eventsReceived.inc({ source: 'websocket' });
  return counted(opts.metrics, await notificationJob(queue, raw, logger, opts.receivedAt ?? Date.now()));
}

async function notificationJob(queue: Queue, raw: unknown, logger: Logger, receivedAt: number): Promise<EnqueueResult> {
  // Serialized once: for the size check and for the job's compressed payload.
  const json = payloadJson(raw);
  const parsed = parseInsightsNotification(raw, { sizeBytes: Buffer.byteLength(json) });
  const data = encodeCallJob({ kind: 'notification', receivedAt, event: raw }, json, { validated: parsed.ok });
  if (!parsed.ok) {
    const jobId = invalidEventJobId(raw);
    const status = await add(queue, jobId, data);
    logger.warn('event_rejected', { jobId, reason: parsed.error.reason, problem: parsed.error.message, sourceRecordId: parsed.error.sourceRecordId });
    return { jobId, status, rejection: parsed.error, ...(parsed.error.sourceRecordId ? { sourceRecordId: parsed.error.sourceRecordId } : {}) };
  }
  const { sourceRecordId, lastModifiedTime } = parsed.value.body;
  const jobId = callJobId(sourceRecordId, lastModifiedTime);
  const status = await add(queue, jobId, data);
  logger.info(status === 'enqueued' ? 'event_enqueued' : 'event_duplicate', { jobId, sourceRecordId });
  return { jobId, status, sourceRecordId };
}

/** Enqueues insights read over REST (replay, catch-up, backfill). */
export async function enqueueInsights(queue: Queue, insights: unknown, source: InsightsSource, logger: Logger, opts: EnqueueOptions = {}): Promise<EnqueueResult> {
  opts.metrics?.eventsReceived.inc({ source });
  return counted(opts.metrics, await insightsJob(queue, insights, source, logger, opts.receivedAt ?? Date.now()));
}

async function insightsJob(queue: Queue, insights: unknown, source: InsightsSource, logger: Logger, receivedAt: number): Promise<EnqueueResult> {
  const parsed = parseInsightsBody(insights);
  const data = encodeCallJob({ kind: 'insights', receivedAt, source, insights }, undefined, { validated: parsed.ok });
  if (!parsed.ok) {
    const jobId = invalidEventJobId(insights);
    const status = await add(queue, jobId, data);
    logger.warn('event_rejected', { jobId, reason: parsed.error.reason, problem: parsed.error.message, source });
    return { jobId, status, rejection: parsed.error };
  }
  const jobId = callJobId(parsed.value.sourceRecordId, parsed.value.lastModifiedTime);
  const status = await add(queue, jobId, data);
  logger.info(status === 'enqueued' ? 'event_enqueued' : 'event_duplicate', { jobId, sourceRecordId: parsed.value.sourceRecordId, source });
  return { jobId, status, sourceRecordId: parsed.value.sourceRecordId };
}
