import type { Queue } from 'bullmq';
import type { AceDomain } from '../calls/domains.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import { pruneDeeperThan } from '../lib/json-depth.ts';
import { MAX_EVENT_BYTES, MAX_KEPT_DEPTH, parseInsightsBody, parseInsightsNotification, type EventRejection } from '../ringcentral/insights-event.schema.ts';
import { OversizedPayload } from '../ringcentral/oversized-payload.ts';
import { encodeCallJob, encodeOversizedJob, payloadJson } from './job-payload.ts';
import { CALL_JOB, CALL_JOB_ATTEMPTS, callJobId, invalidEventJobId, oversizedJobId, type CallJobData, type InsightsSource, type OversizedJobData } from './jobs.ts';

export interface EnqueueResult {
  readonly jobId: string;
  readonly status: 'enqueued' | 'duplicate';
  readonly sourceRecordId?: string;
  /** Set when the event is invalid: it is enqueued anyway and lands in the failed set with this reason. */
  readonly rejection?: EventRejection;
}

export interface EnqueueOptions {
  /** The domains synced (config.domains): an event of another domain is kept in the failed set, refused. */
  readonly domains: readonly AceDomain[];
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

async function add(queue: Queue, jobId: string, data: CallJobData | OversizedJobData): Promise<'enqueued' | 'duplicate'> {
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

/**
 * Turns one WebSocket notification into a job: the parsed message, or an OversizedPayload for a message too large
 * to parse. Never throws on bad input; throws only if Redis fails.
 */
export async function enqueueNotification(queue: Queue, raw: unknown, logger: Logger, opts: EnqueueOptions): Promise<EnqueueResult> {
  opts.metrics?.eventsReceived.inc({ source: 'websocket' });
  return counted(opts.metrics, await notificationJob(queue, raw, logger, opts.receivedAt ?? Date.now(), opts.domains));
}

/**
 * Logs a refused event: its reason and ids at warn; the problem, which may quote the payload's values, only at debug.
 */
function logRejected(logger: Logger, jobId: string, rejection: EventRejection, extra: Record<string, unknown> = {}): void {
  logger.warn('event_rejected', { jobId, reason: rejection.reason, ...(rejection.sourceRecordId ? { sourceRecordId: rejection.sourceRecordId } : {}), ...extra });
  logger.debug('event_rejected_detail', { jobId, problem: rejection.message, details: rejection.details.slice(0, 5) });
}

/**
 * What is kept of an event too large to read: its size, ids and first bytes, never the payload (a 50 MB event
 * kept whole cost 56 MB of Redis for the failed set's 30 days). The raw bytes are hashed for the job id, so the
 * same message delivered again is the same job.
 */
async function oversizedJob(queue: Queue, big: OversizedPayload, source: 'notification' | InsightsSource, logger: Logger, receivedAt: number): Promise<EnqueueResult> {
  const jobId = oversizedJobId(big.digest);
  const data = encodeOversizedJob({ kind: 'oversized', receivedAt, source, bytes: big.bytes, head: big.head, ids: big.ids });
  const status = await add(queue, jobId, data);
  const id = big.ids.sourceRecordId;
  const rejection: EventRejection = {
    reason: 'payload_too_large',
    message: `the ${source === 'notification' ? 'event' : 'insights'} ${big.bytes} bytes, over the ${MAX_EVENT_BYTES}-byte limit, not read`,
    details: [],
    ...(id ? { sourceRecordId: id } : {}),
  };
  logRejected(logger, jobId, rejection, { bytes: big.bytes, ...(source === 'notification' ? {} : { source }) });
  return { jobId, status, rejection, ...(id ? { sourceRecordId: id } : {}) };
}

/** The payload kept as an OversizedPayload when its JSON is over the limit (a value built in process, say). */
function oversizedJson(json: string): OversizedPayload | undefined {
  return Buffer.byteLength(json) > MAX_EVENT_BYTES ? OversizedPayload.of(Buffer.from(json, 'utf8')) : undefined;
}

async function notificationJob(queue: Queue, raw: unknown, logger: Logger, receivedAt: number, domains: readonly AceDomain[]): Promise<EnqueueResult> {
  if (raw instanceof OversizedPayload) return oversizedJob(queue, raw, 'notification', logger, receivedAt);
  // A hostile nesting is kept cut (it could not even be serialised whole); it is refused all the same.
  const event = pruneDeeperThan(raw, MAX_KEPT_DEPTH);
  // Serialized once: for the size check and for the job's compressed payload.
  const json = payloadJson(event);
  const big = oversizedJson(json);
  if (big) return oversizedJob(queue, big, 'notification', logger, receivedAt);
  const parsed = parseInsightsNotification(event, domains);
  const data = encodeCallJob({ kind: 'notification', receivedAt, event }, json, { validated: parsed.ok });
  if (!parsed.ok) {
    const jobId = invalidEventJobId(event);
    const status = await add(queue, jobId, data);
    logRejected(logger, jobId, parsed.error);
    return { jobId, status, rejection: parsed.error, ...(parsed.error.sourceRecordId ? { sourceRecordId: parsed.error.sourceRecordId } : {}) };
  }
  const { sourceRecordId, lastModifiedTime } = parsed.value.body;
  const jobId = callJobId(sourceRecordId, lastModifiedTime);
  const status = await add(queue, jobId, data);
  logger.info(status === 'enqueued' ? 'event_enqueued' : 'event_duplicate', { jobId, sourceRecordId });
  return { jobId, status, sourceRecordId };
}

/** Enqueues insights read over REST (replay, catch-up, backfill), or an OversizedPayload for a response too large to parse. */
export async function enqueueInsights(queue: Queue, insights: unknown, source: InsightsSource, logger: Logger, opts: EnqueueOptions): Promise<EnqueueResult> {
  opts.metrics?.eventsReceived.inc({ source });
  return counted(opts.metrics, await insightsJob(queue, insights, source, logger, opts.receivedAt ?? Date.now(), opts.domains));
}

async function insightsJob(queue: Queue, insights: unknown, source: InsightsSource, logger: Logger, receivedAt: number, domains: readonly AceDomain[]): Promise<EnqueueResult> {
  if (insights instanceof OversizedPayload) return oversizedJob(queue, insights, source, logger, receivedAt);
  const kept = pruneDeeperThan(insights, MAX_KEPT_DEPTH);
  const json = payloadJson(kept);
  const big = oversizedJson(json);
  if (big) return oversizedJob(queue, big, source, logger, receivedAt);
  const parsed = parseInsightsBody(kept, domains);
  const data = encodeCallJob({ kind: 'insights', receivedAt, source, insights: kept }, json, { validated: parsed.ok });
  if (!parsed.ok) {
    const jobId = invalidEventJobId(kept);
    const status = await add(queue, jobId, data);
    logRejected(logger, jobId, parsed.error, { source });
    return { jobId, status, rejection: parsed.error };
  }
  const jobId = callJobId(parsed.value.sourceRecordId, parsed.value.lastModifiedTime);
  const status = await add(queue, jobId, data);
  logger.info(status === 'enqueued' ? 'event_enqueued' : 'event_duplicate', { jobId, sourceRecordId: parsed.value.sourceRecordId, source });
  return { jobId, status, sourceRecordId: parsed.value.sourceRecordId };
}
