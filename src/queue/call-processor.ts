import { RateLimitError, UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { Logger } from '../lib/logger.ts';
import type { Metrics, RetryKind } from '../lib/metrics.ts';
import { ServiceError } from '../lib/service-error.ts';
import { parseInsightsBody, parseInsightsNotification, type RecordingInsights } from '../ringcentral/insights-event.schema.ts';
import { processCall, type ProcessDeps } from '../sync/process-call.ts';
import type { UnmappedReason, UnmappedRecorder } from '../mapping/unmapped-store.ts';
import { PermanentSyncError } from '../sync/sync-errors.ts';
import { CallBusyError, type CallLock } from './call-lock.ts';
import { decodeCallJobDataSized } from './job-payload.ts';
import type { CallJob } from './jobs.ts';

/** The small summary a completed job keeps (its return value). */
export interface CallJobResult {
  readonly sourceRecordId: string;
  readonly callTaskId: string;
  readonly call: 'created' | 'updated' | 'unchanged';
  readonly followUpsCreated: number;
  readonly followUpsExisting: number;
  readonly matchedBy: string;
  readonly ownerBy: string;
}

export interface CallProcessorDeps {
  readonly process: Omit<ProcessDeps, 'logger'>;
  readonly lock: CallLock;
  readonly queue: Queue;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** Remembers owners and callers that could not be mapped: the admin's to-do list (`ringsense-sync unmapped`). */
  readonly unmapped?: UnmappedRecorder;
}

/** A permanent failure: the job goes straight to the failed set with `reason: message` as its failedReason. */
export function permanent(reason: string, message: string): UnrecoverableError {
  return new UnrecoverableError(`${reason}: ${message}`);
}

/**
 * The job's insights, validated again (job data outlives deploys). Without `keepTranscript` an event the producer
 * accepted (a `call-` job) is decoded without its transcript, which is neither inflated nor parsed: it is most of an
 * event (tens of KB of text, several times that as objects), is written only when the mapping asks for it, and the
 * producer validated it when the event arrived. An event the producer refused is decoded and validated whole, to
 * fail with the same reason.
 */
function insightsOf(job: Job, keepTranscript: () => boolean): { insights: RecordingInsights; from: CallJob } {
  const keep = !job.id?.startsWith('call-') || keepTranscript();
  const data = decodeCallJobDataSized(job.data, { transcript: keep });
  if (!data.ok) throw permanent('invalid_job_data', data.error);
  const v = data.value.job;
  const size = data.value.sizeBytes === undefined ? {} : { sizeBytes: data.value.sizeBytes };
  const parsed = v.kind === 'notification' ? parseInsightsNotification(v.event, size) : parseInsightsBody(v.insights);
  if (!parsed.ok) {
    const details = parsed.error.details.length ? ` (${parsed.error.details.slice(0, 5).join('; ')})` : '';
    throw permanent(parsed.error.reason, `${parsed.error.message}${details}`);
  }
  return { insights: 'body' in parsed.value ? parsed.value.body : parsed.value, from: v };
}

/**
 * The BullMQ processor: validate, process under the call's lock, and translate outcomes for BullMQ —
 * permanent -> UnrecoverableError, API limit -> pause the queue (no attempt used), anything else -> retry later.
 */
export function createCallProcessor(deps: CallProcessorDeps) {
  /** A retry costs an attempt (except a rate-limit pause): the last attempt's failure is a final one, not a retry. */
  const countRetry = (job: Job, kind: RetryKind): void => {
    if (kind === 'rate_limited' || job.attemptsMade + 1 < (job.opts.attempts ?? 1)) deps.metrics?.jobRetries.inc({ kind });
  };
  return async (job: Job, _token?: string, signal?: AbortSignal): Promise<CallJobResult> => {
    // One mapping for the whole call: the transcript is decoded only if the mapping writes it, and a reload in
    // between must not write it empty.
    const snap = deps.process.mapping();
    const { insights, from } = insightsOf(job, () => snap.mapping.activity.includeTranscript);
    const log = deps.logger.child({ jobId: job.id, sourceRecordId: insights.sourceRecordId, attempt: job.attemptsMade + 1 });
    const note = (reason: UnmappedReason, subject: string | undefined): Promise<void> =>
      deps.unmapped && subject
        ? deps.unmapped.record({ reason, subject, sourceRecordId: insights.sourceRecordId, at: Date.now() }).catch((err: unknown) => void log.warn('unmapped_record_failed', { reason, err }))
        : Promise.resolve();
    try {
      // A replay asks Salesforce whatever the ledger says; a retry, a catch-up or a backfill unless the ledger shows
      // the call written; a first delivery lets the ledger decide.
      const verify = from.kind === 'insights' && from.source === 'replay' ? 'always' : job.attemptsMade > 0 || from.kind !== 'notification' ? 'unless_written' : undefined;
      const { report, resolution } = await deps.lock.with(insights.sourceRecordId, (ledger, lockLost) =>
        processCall(insights, { ...deps.process, mapping: () => snap, logger: log, ...(ledger ? { ledger } : {}) }, {
          ...(verify ? { verify } : {}),
          signal: signal ? AbortSignal.any([signal, lockLost]) : lockLost,
        }),
      );
      const result: CallJobResult = {
        sourceRecordId: insights.sourceRecordId,
        callTaskId: report.callTaskId,
        call: report.call,
        followUpsCreated: report.followUpsCreated,
        followUpsExisting: report.followUpsExisting,
        matchedBy: resolution?.matchedBy ?? 'already_written',
        ownerBy: resolution?.ownerBy ?? 'already_written',
      };
      if (resolution?.matchedBy === 'none') await note('logged_without_contact', resolution.unmatchedParty);
      const latencyMs = Date.now() - from.receivedAt;
      log.info('call_synced', { ...result, latencyMs });
      deps.metrics?.jobsCompleted.inc({ call: result.call });
      deps.metrics?.eventToSalesforce.observe(Math.max(0, latencyMs) / 1000);
      return result;
    } catch (e) {
      if (e instanceof PermanentSyncError) {
        log.warn('call_failed_permanently', { reason: e.reason, subject: e.subject });
        if (e.reason === 'unmapped_owner' || e.reason === 'no_contact_match') await note(e.reason, e.subject);
        throw permanent(e.reason, e.message);
      }
      if (e instanceof ServiceError) {
        const f = e.failure;
        if (f.kind === 'permanent') {
          log.warn('call_failed_permanently', { reason: `${e.service}_rejected`, code: f.code, fields: f.fields });
          throw permanent(`${e.service}_rejected`, `${f.code}: ${f.message}${f.fields?.length ? ` (fields: ${f.fields.join(', ')})` : ''}`);
        }
        if (f.kind === 'rate_limited') {
          const waitMs = f.waitMs ?? 60_000;
          log.warn('rate_limited_pausing_queue', { service: e.service, code: f.code, waitMs });
          await deps.queue.rateLimit(waitMs);
          countRetry(job, 'rate_limited');
          throw new RateLimitError();
        }
        log.warn('call_retry_later', { service: e.service, kind: f.kind, code: f.code, err: e.message });
        countRetry(job, f.kind);
        throw e;
      }
      if (e instanceof CallBusyError) {
        // Another worker is writing this call (or took it over): nothing is wrong, it is tried again later.
        log.info('call_busy_retry_later', { reason: e.message });
        countRetry(job, 'transient');
        throw e;
      }
      log.error('call_error', { err: e });
      countRetry(job, 'unknown');
      throw e;
    }
  };
}
