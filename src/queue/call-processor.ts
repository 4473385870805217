import { isAceDomain, type AceDomain } from '../calls/domains.ts';
import { RateLimitError, UnrecoverableError, type Job, type Queue } from 'bullmq';
import { assertNever } from '../lib/assert-never.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics, RetryKind } from '../lib/metrics.ts';
import { ServiceError } from '../lib/service-error.ts';
import { completeMeeting } from '../calls/meeting.ts';
import type { MeetingFacts } from '../calls/meeting-facts.ts';
import { isMeeting, type ConversationInsights, type MeetingInsights } from '../calls/recording-insights.ts';
import { MAX_EVENT_BYTES, parseInsightsBody, parseInsightsNotification, parseTranscript, type RecordingInsights } from '../ringcentral/insights-event.schema.ts';
import { processCall, type ProcessDeps } from '../sync/process-call.ts';
import type { UnmappedReason, UnmappedRecorder } from '../mapping/unmapped-store.ts';
import { PermanentSyncError } from '../sync/sync-errors.ts';
import { CallBusyError, type CallLock } from './call-lock.ts';
import { encodeFailureReason } from './failure-reason.ts';
import { decodeCallJobData, decodePayload, validatedAtEnqueue } from './job-payload.ts';
import { PAYLOAD_ENCODING, type CallJob, type OversizedCallJob } from './jobs.ts';
import type { OutageGate } from './outage-gate.ts';
import { decideRetry, type CallFailure } from './retry-policy.ts';

/** The small summary a completed job keeps (its return value). */
export interface CallJobResult {
  readonly sourceRecordId: string;
  readonly callTaskId: string;
  /** The call's link into RingSense (the event's rsRecordUri), when it carried one: for the console's "last calls". */
  readonly rsRecordUri?: string;
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
  /** The domains synced (config.domains): a job of another domain fails as its event would have. */
  readonly domains: readonly AceDomain[];
  readonly metrics?: Metrics;
  /** Remembers owners and callers that could not be mapped: the admin's to-do list (`ringsense-sync unmapped`). */
  readonly unmapped?: UnmappedRecorder;
  /** Holds the work while Salesforce is unavailable (without it, such failures are retried like passing ones). */
  readonly gate?: OutageGate;
  /**
   * A meeting's facts (start, length, host, participants) where RingCentral keeps them (rcv: the meeting history),
   * undefined where it does not (ms-teams) or no longer does. Without it, every meeting is estimated from its insights.
   */
  readonly meetingFacts?: (meeting: MeetingInsights) => Promise<MeetingFacts | undefined>;
}

/** A meeting completed with its facts (calls/meeting.ts), or refused when it has nobody of the account to own it. */
async function asConversation(insights: ConversationInsights, job: Job, kept: boolean, deps: CallProcessorDeps): Promise<RecordingInsights> {
  if (!isMeeting(insights)) return insights;
  // A meeting's length without facts is its transcript's: a meeting is decoded whole.
  const meeting = kept ? insights : decodedInsights(job, true, deps.domains).insights;
  if (!isMeeting(meeting)) throw new PermanentSyncError('invalid_job_data', 'the job data changed while it was read');
  const completed = completeMeeting(meeting, await deps.meetingFacts?.(meeting));
  if (!completed.ok) throw new PermanentSyncError(completed.reason, completed.message, { subject: completed.subject });
  return completed.call;
}

/** What was thrown, sorted for the retry policy. */
function callFailureOf(e: unknown): CallFailure {
  if (e instanceof PermanentSyncError) return { kind: 'unsyncable', reason: e.reason, message: e.message };
  if (e instanceof ServiceError) return { kind: 'service', service: e.service, failure: e.failure };
  if (e instanceof CallBusyError) return { kind: 'busy' };
  return { kind: 'unknown' };
}

const isSalesforceTransient = (f: CallFailure): boolean => f.kind === 'service' && f.service === 'salesforce' && f.failure.kind === 'transient';

/** Why an oversized event fails, and how to get the call anyway. */
function oversizedProblem(job: OversizedCallJob): string {
  const what = job.source === 'notification' ? 'the event' : 'the insights read over REST';
  const id = job.ids.sourceRecordId;
  const domain = job.ids.domain !== undefined && job.ids.domain !== 'pbx' && isAceDomain(job.ids.domain) ? ` --domain ${job.ids.domain}` : '';
  return (
    `${what} ${job.source === 'notification' ? 'was' : 'were'} ${job.bytes} bytes, over the ${MAX_EVENT_BYTES}-byte limit, and ${job.source === 'notification' ? 'was' : 'were'} not read: only the ids and the first bytes are kept. ` +
    (id ? `Fetch the call again over REST: ringsense-sync replay ${id}${domain}` : 'No sourceRecordId could be read from it: find the call in RingCentral by the time it arrived.')
  );
}

/**
 * The job's insights, validated again (job data outlives deploys). Without `keepTranscript` an event the producer
 * accepted (job data marked `validated`) is decoded without its transcript, which is neither inflated nor parsed:
 * it is most of an event (tens of KB of text, several times that as objects), is written only when the mapping asks
 * for it, and the producer validated it when the event arrived. An event the producer refused is decoded and
 * validated whole, to fail with the same reason.
 */
function insightsOf(job: Job, keepTranscript: () => boolean, domains: readonly AceDomain[]): { insights: ConversationInsights; from: CallJob; kept: boolean } {
  const keep = !validatedAtEnqueue(job.data) || keepTranscript();
  return { ...decodedInsights(job, keep, domains), kept: keep };
}

/**
 * The transcript of a job decoded without it, read again from the job data when the call's transcript note is
 * written: a call waiting in the other stages does not hold its transcript (tens of KB of text, several times that
 * as objects) the whole time.
 */
function transcriptOf(job: Job, domains: readonly AceDomain[], speakers: RecordingInsights['speakerInfo']): () => RecordingInsights['insights']['Transcript'] {
  return () => storedTranscript(job.data, speakers) ?? decodedInsights(job, true, domains).insights.insights.Transcript;
}

/**
 * The transcript of job data this version wrote and validated at enqueue, read from its own compressed part alone:
 * the rest of the event is neither inflated nor parsed and validated again (the worker has it already), which was
 * about a third of what a worker allocated with notes on. Held to the transcript's own schema (parseTranscript) and
 * to the speakers the worker read; anything else (undefined) goes the whole way, to fail with the schema's reason.
 */
export function storedTranscript(data: unknown, speakers: RecordingInsights['speakerInfo']): RecordingInsights['insights']['Transcript'] | undefined {
  if (!validatedAtEnqueue(data)) return undefined;
  const stored = data as { kind?: unknown; encoding?: unknown; transcript?: unknown };
  if ((stored.kind !== 'notification' && stored.kind !== 'insights') || stored.encoding !== PAYLOAD_ENCODING || typeof stored.transcript !== 'string') return undefined;
  let raw: unknown;
  try {
    raw = decodePayload(stored.transcript);
  } catch {
    return undefined;
  }
  return parseTranscript(raw, speakers);
}

function decodedInsights(job: Job, keep: boolean, domains: readonly AceDomain[]): { insights: ConversationInsights; from: CallJob } {
  const data = decodeCallJobData(job.data, { transcript: keep });
  if (!data.ok) throw new PermanentSyncError('invalid_job_data', data.error);
  const v = data.value;
  if (v.kind === 'oversized') throw new PermanentSyncError('payload_too_large', oversizedProblem(v));
  const parsed = v.kind === 'notification' ? parseInsightsNotification(v.event, domains) : parseInsightsBody(v.insights, domains);
  if (!parsed.ok) {
    const details = parsed.error.details.length ? ` (${parsed.error.details.slice(0, 5).join('; ')})` : '';
    throw new PermanentSyncError(parsed.error.reason, `${parsed.error.message}${details}`);
  }
  return { insights: 'body' in parsed.value ? parsed.value.body : parsed.value, from: v };
}

/**
 * The BullMQ processor: validate, process under the call's lock, and carry out the retry policy's decision for
 * BullMQ: fail -> UnrecoverableError; hold -> the outage gate pauses the work and the job goes back to the queue
 * (RateLimitError, no attempt used); wait -> the queue waits (no attempt used); retry -> rethrow (an attempt).
 */
export function createCallProcessor(deps: CallProcessorDeps) {
  /** A retry costs an attempt (except a hold or a wait): the last attempt's failure is a final one, not a retry. */
  const countRetry = (job: Job, kind: RetryKind): void => {
    if (kind === 'held' || job.attemptsMade + 1 < (job.opts.attempts ?? 1)) deps.metrics?.jobRetries.inc({ kind });
  };
  return async (job: Job, _token?: string, signal?: AbortSignal): Promise<CallJobResult> => {
    // Salesforce is unavailable: the job waits in the queue, untouched, until the gate opens.
    if (deps.gate && !deps.gate.isOpen()) throw new RateLimitError();
    let log = deps.logger.child({ jobId: job.id, attempt: job.attemptsMade + 1 });
    let sourceRecordId: string | undefined;
    const note = (reason: UnmappedReason, subject: string | undefined): Promise<void> =>
      deps.unmapped && subject && sourceRecordId
        ? deps.unmapped.record({ reason, subject, sourceRecordId, at: Date.now() }).catch((err: unknown) => void log.warn('unmapped_record_failed', { reason, err }))
        : Promise.resolve();
    try {
      // One mapping for the whole call: the transcript is decoded only if the mapping writes it (inline or as a
      // note), and a reload in between must not write it empty.
      const snap = deps.process.mapping();
      // Inline, the transcript is in the Description from the start; as a note, it is read again when the note is made.
      const decoded = insightsOf(job, () => snap.mapping.activity.includeTranscript, deps.domains);
      const from = decoded.from;
      sourceRecordId = decoded.insights.sourceRecordId;
      log = log.child({ sourceRecordId });
      const insights = await asConversation(decoded.insights, job, decoded.kept, deps);
      const lateTranscript = snap.mapping.activity.transcriptFile && !decoded.kept && !insights.meeting;
      const source = from.kind === 'notification' ? 'event' : from.source;
      const { report, resolution } = await deps.lock.with(insights.sourceRecordId, async ({ ledger, lockLost }) => {
        const r = await processCall(insights, { ...deps.process, mapping: () => snap, logger: log }, {
          source,
          attempt: job.attemptsMade + 1,
          ...(ledger ? { ledger } : {}),
          ...(lateTranscript ? { transcript: transcriptOf(job, deps.domains, insights.speakerInfo) } : {}),
          signal: signal ? AbortSignal.any([signal, lockLost]) : lockLost,
        });
        return { value: r, ...(r.finished ? { finished: r.finished } : {}) };
      });
      // Salesforce took this call's requests (a call answered from the ledger asked it nothing).
      if (resolution) deps.gate?.succeeded();
      const result: CallJobResult = {
        sourceRecordId: insights.sourceRecordId,
        callTaskId: report.callTaskId,
        ...(insights.rsRecordUri ? { rsRecordUri: insights.rsRecordUri } : {}),
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
      const failure = callFailureOf(e);
      const decision = decideRetry(failure, {
        transientStreak: deps.gate && isSalesforceTransient(failure) ? deps.gate.countTransient() : 0,
        hold: deps.gate?.holding(),
      });
      const service = failure.kind === 'service' ? { service: failure.service, kind: failure.failure.kind, code: failure.failure.code } : {};
      switch (decision.action) {
        case 'fail': {
          log.warn('call_failed_permanently', { reason: decision.reason, ...service, ...(e instanceof PermanentSyncError && e.subject ? { subject: e.subject } : {}) });
          if ((decision.reason === 'unmapped_owner' || decision.reason === 'no_contact_match') && e instanceof PermanentSyncError) await note(decision.reason, e.subject);
          throw new UnrecoverableError(encodeFailureReason(decision.reason, decision.message));
        }
        case 'hold':
          if (deps.gate) {
            await deps.gate.hold(decision.cause, e instanceof Error ? e.message : String(e));
            log.info('call_held', { cause: decision.cause, ...service });
            countRetry(job, 'held');
            throw new RateLimitError();
          }
          countRetry(job, failure.kind === 'service' && failure.failure.kind !== 'permanent' ? failure.failure.kind : 'unknown');
          throw e;
        case 'wait':
          log.warn('rate_limited_pausing_queue', { ...service, waitMs: decision.waitMs });
          await deps.queue.rateLimit(decision.waitMs);
          countRetry(job, 'held');
          throw new RateLimitError();
        case 'retry':
          if (failure.kind === 'busy') log.info('call_busy_retry_later', { reason: e instanceof Error ? e.message : String(e) });
          else if (failure.kind === 'unknown') log.error('call_error', { err: e });
          else log.warn('call_retry_later', { ...service, err: e instanceof Error ? e.message : String(e) });
          countRetry(job, decision.kind);
          throw e;
        default:
          return assertNever(decision, 'retry decision');
      }
    }
  };
}
