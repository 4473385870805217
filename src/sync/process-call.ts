import { unknownInsightTypes, type RecordingInsights } from '../calls/recording-insights.ts';
import type { MappingSnapshot } from '../config/load-mapping.ts';
import type { Mapping } from '../config/mapping.schema.ts';
import { assertNever } from '../lib/assert-never.ts';
import type { Logger } from '../lib/logger.ts';
import { ServiceError } from '../lib/service-error.ts';
import { meetingAttendees } from '../mapping/meeting-attendees.ts';
import { resolveParticipants, type Resolution, type ResolveDeps } from '../mapping/resolve-participants.ts';
import { buildDrafts } from './build-drafts.ts';
import type { FieldRefusalRecorder } from './field-refusals.ts';
import { fieldsForCall, withMappedFields, type FieldRefusal } from './mapped-fields.ts';
import { isOpportunityId, type NextStepOutcome, type OpportunityNextSteps } from './opportunity-next-step.ts';
import { planCallWrite, type CallSource } from './plan-call-write.ts';
import { PermanentSyncError } from './sync-errors.ts';
import type { TaskStore } from './task-store.port.ts';
import { syncTranscriptFile, type TranscriptFileDeps, type TranscriptFileOutcome } from './transcript-file.ts';
import { writeCall, type WriteReport } from './write-call.ts';
import type { CallLedger, FinishedWrite } from './write-ledger.port.ts';

export interface ProcessDeps extends ResolveDeps {
  /** The mapping in force now (it may be reloaded between calls). */
  readonly mapping: () => MappingSnapshot;
  readonly tasks: TaskStore;
  readonly logger: Logger;
  /** Drops cached lookups that mention these record ids (after Salesforce says a reference is stale). */
  readonly forget?: (ids: readonly string[]) => void;
  /** Remembers mapped fields a call was written without: the admin's list (`ringsense-sync fields refusals`). */
  readonly fieldRefusals?: FieldRefusalRecorder;
  /** Opportunity.NextStep from the call (mapping `opportunity.nextStep`); without it the key has no effect. */
  readonly nextSteps?: { readonly writer: OpportunityNextSteps; readonly onOutcome?: (o: NextStepOutcome) => void };
  /** The transcript as a note (mapping `activity.transcriptFile`); without it the key has no effect. */
  readonly transcripts?: TranscriptFileDeps & {
    readonly onOutcome?: (o: TranscriptFileOutcome) => void;
    /**
     * How many calls make their note at once (a p-limit): the others wait before reading their transcript, so a
     * backlog holds at most this many transcripts, not one per call in flight. Without it, no limit.
     */
    readonly atOnce?: <T>(work: () => Promise<T>) => Promise<T>;
  };
}

export interface ProcessOptions {
  /** Where the call came from (default: the WebSocket event). */
  readonly source?: CallSource;
  /** 1 for the first attempt (default). */
  readonly attempt?: number;
  /** The call's write ledger, as its lock hands it over; without one every write looks in Salesforce first. */
  readonly ledger?: CallLedger;
  /** The transcript, when the insights came without it (the note reads it only when it is made). */
  readonly transcript?: () => RecordingInsights['insights']['Transcript'];
  readonly signal?: AbortSignal;
}

export interface ProcessResult {
  readonly report: WriteReport;
  /** Absent when the ledger showed this version (or a newer one) written already: nothing was looked up. */
  readonly resolution?: Resolution;
  /** The write to record in the ledger (when every Task of this version is in Salesforce). */
  readonly finished?: FinishedWrite;
}

async function resolveOrFail(insights: RecordingInsights, snap: MappingSnapshot, deps: ProcessDeps): Promise<Resolution> {
  const r = await resolveParticipants(insights, snap, deps);
  if (!r.ok) throw new PermanentSyncError(r.error.reason, r.error.message, { subject: r.error.subject });
  return r.value;
}

/** Each mapped field the call was written without: a warning (the field and why, no call content), and the admin's list. */
async function noteRefusals(refusals: readonly FieldRefusal[], sourceRecordId: string, deps: ProcessDeps): Promise<void> {
  for (const r of refusals) {
    deps.logger.warn('mapped_field_refused', { field: r.field, code: r.code, reason: r.message });
    await deps.fieldRefusals?.record({ ...r, sourceRecordId, at: Date.now() }).catch((err: unknown) => deps.logger.warn('field_refusal_record_failed', { field: r.field, err }));
  }
}

/**
 * The call's next step on its open opportunity, after the call activity is written. A refusal is a warning (the call
 * stays written); a failed request throws for the job to retry (the Task writes are idempotent, the ledger of next
 * steps keeps the opportunity from being written twice).
 */
async function nextStepOf(insights: RecordingInsights, resolution: Resolution, policy: Mapping['opportunity']['nextStep'], deps: ProcessDeps): Promise<void> {
  if (policy === 'off' || !deps.nextSteps || !isOpportunityId(resolution.whatId)) return;
  const o = await deps.nextSteps.writer.sync(insights, resolution.whatId, policy);
  deps.nextSteps.onOutcome?.(o);
  switch (o.outcome) {
    case 'written':
    case 'recorded':
      deps.logger.info('opportunity_next_step_written', { opportunityId: o.opportunityId, outcome: o.outcome });
      return;
    case 'kept':
      if (o.reason === 'off' || o.reason === 'no_next_step') deps.logger.debug('opportunity_next_step_kept', { opportunityId: o.opportunityId, reason: o.reason });
      else deps.logger.info('opportunity_next_step_kept', { opportunityId: o.opportunityId, reason: o.reason });
      return;
    case 'refused':
      deps.logger.warn('opportunity_next_step_refused', { opportunityId: o.opportunityId, code: o.failure.code, reason: o.failure.message });
      return;
    default:
      return assertNever(o, 'next step outcome');
  }
}

/**
 * The call's transcript note, after the call activity is written (sync/transcript-file.ts). A refusal is a warning
 * (the call stays written); a failed request throws for the job to retry (the document is then found, not made twice).
 * `transcript` reads the transcript when the insights came without it.
 */
async function transcriptFileOf(received: RecordingInsights, transcript: ProcessOptions['transcript'], report: WriteReport, resolution: Resolution, on: boolean, deps: ProcessDeps): Promise<void> {
  const notes = deps.transcripts;
  if (!on || !notes) return;
  const write = () => {
    const insights = transcript ? { ...received, insights: { ...received.insights, Transcript: transcript() } } : received;
    return syncTranscriptFile(insights, { callTaskId: report.callTaskId, call: report.call, whoId: resolution.who?.id, whatId: resolution.whatId }, notes);
  };
  const o = await (notes.atOnce ? notes.atOnce(write) : write());
  notes.onOutcome?.(o);
  switch (o.outcome) {
    case 'created':
    case 'versioned':
      deps.logger.info('transcript_file_written', { documentId: o.documentId, outcome: o.outcome, kind: o.kind, ...(o.cut ? { cut: true } : {}) });
      return;
    case 'kept':
      deps.logger.debug('transcript_file_kept', { reason: o.reason, ...(o.documentId ? { documentId: o.documentId } : {}) });
      return;
    case 'refused':
      deps.logger.warn('transcript_file_refused', { code: o.failure.code, reason: o.failure.message });
      return;
    default:
      return assertNever(o, 'transcript file outcome');
  }
}

/**
 * A meeting's further people, after its Event is written: the Contacts among its other external participants related
 * to it (Shared Activities), each once. Where the org has no Shared Activities, or the Event's Name is a Lead (an
 * Event relates to one lead, or to contacts), the Description's attendees line names them, and that is all.
 * A refusal is a warning (the meeting stays written); a failed request throws for the job to retry.
 */
async function attendeesOf(insights: RecordingInsights, report: WriteReport, resolution: Resolution, snap: MappingSnapshot, deps: ProcessDeps): Promise<void> {
  // Also when the Event was there already: a retry after this step failed comes back to it (it adds only what is missing).
  if (!insights.meeting || snap.mapping.meetings.recordAs !== 'event' || resolution.who?.type === 'Lead') return;
  const ids = await meetingAttendees(insights, snap, deps, resolution.who?.id);
  if (ids.length === 0) return;
  const o = await deps.tasks.relateToEvent(report.callTaskId, ids);
  if (o.kind === 'no_shared_activities') {
    deps.logger.debug('meeting_attendees_named', { eventId: report.callTaskId, contacts: ids.length, reason: 'no_shared_activities' });
    return;
  }
  deps.logger.info('meeting_attendees_related', { eventId: report.callTaskId, added: o.added, present: o.present });
  for (const r of o.refused) deps.logger.warn('meeting_attendee_refused', { eventId: report.callTaskId, contactId: r.id, code: r.failure.code, reason: r.failure.message });
}

/**
 * The use case: decide the write (plan-call-write.ts), resolve who the call belongs to, build the Tasks, write them
 * idempotently (write-call.ts). Throws PermanentSyncError when a person must act, and ServiceError (classified)
 * when Salesforce or RingCentral fails.
 */
export async function processCall(insights: RecordingInsights, deps: ProcessDeps, opts: ProcessOptions = {}): Promise<ProcessResult> {
  const { signal, ledger } = opts;
  const unknownTypes = unknownInsightTypes(insights.insights); // kept in the job data as they came; never read
  if (unknownTypes.length > 0) deps.logger.debug('unknown_insight_types', { types: unknownTypes });
  const plan = planCallWrite({
    source: opts.source ?? 'event',
    attempt: opts.attempt ?? 1,
    ledger: ledger ? { entry: ledger.entry, retentionMs: ledger.retentionMs } : undefined,
    version: insights.lastModifiedTime,
    recordingStartTime: insights.recordingStartTime,
    now: Date.now(),
  });
  if (plan.action === 'skip') {
    return { report: { callTaskId: plan.callTaskId, call: 'unchanged', followUpsCreated: 0, followUpsExisting: 0, followUpFailures: [] } };
  }
  deps.logger.debug('write_plan', { action: plan.action, reason: plan.reason });
  const snap = deps.mapping();
  const m = snap.mapping;
  let resolution = await resolveOrFail(insights, snap, deps);
  const mapped = await fieldsForCall(insights, m.fields.task, deps.tasks);
  // Stopping (shutdown, or the call's lock lost to another worker) before anything is written costs nothing.
  signal?.throwIfAborted();
  await ledger?.begin();
  let report: WriteReport;
  try {
    report = await writeCall(deps.tasks, withMappedFields(buildDrafts(insights, resolution, m), mapped), plan.action, signal);
  } catch (e) {
    if (!(e instanceof ServiceError) || e.failure.kind !== 'stale_reference' || !deps.forget) throw e;
    // A contact, lead or account was deleted since we looked it up: forget it, look again, write once more.
    deps.logger.warn('stale_reference_retry', { code: e.failure.code, fields: e.failure.fields });
    deps.forget([resolution.who?.id, resolution.whatId, resolution.ownerUserId].filter((x): x is string => !!x));
    resolution = await resolveOrFail(insights, snap, deps);
    report = await writeCall(deps.tasks, withMappedFields(buildDrafts(insights, resolution, m), mapped), 'look_first', signal);
  }
  // What describe ruled out counts only when the call activity was written (an older version writes nothing).
  await noteRefusals([...(report.call === 'unchanged' ? [] : (mapped?.skipped ?? [])), ...(report.fieldRefusals ?? [])], insights.sourceRecordId, deps);
  // Independent of each other, all after the call activity: side by side. All settle before the job ends (a retry
  // must not start while one is in flight); the first failure decides.
  const after = await Promise.allSettled([
    nextStepOf(insights, resolution, m.opportunity.nextStep, deps),
    transcriptFileOf(insights, opts.transcript, report, resolution, m.activity.transcriptFile, deps),
    attendeesOf(insights, report, resolution, snap, deps),
  ]);
  const failed = after.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  if (report.followUpFailures.length > 0) {
    // Not recorded as finished: the retry looks first and adds the missing ones.
    const first = report.followUpFailures[0]!.failure;
    throw new PermanentSyncError(
      'followups_rejected',
      `Salesforce refused ${report.followUpFailures.length} follow-up task(s) (${first.code}: ${first.message}). The call activity and the other follow-ups were written; fix the cause and retry this call to add the missing ones.`,
    );
  }
  return { report, resolution, ...(ledger ? { finished: { version: insights.lastModifiedTime, callTaskId: report.callTaskId } } : {}) };
}
