import type { MappingSnapshot } from '../config/load-mapping.ts';
import type { Logger } from '../lib/logger.ts';
import { ServiceError } from '../lib/service-error.ts';
import { resolveParticipants, type Resolution, type ResolveDeps } from '../mapping/resolve-participants.ts';
import type { RecordingInsights } from '../calls/recording-insights.ts';
import { buildDrafts } from './build-drafts.ts';
import { PermanentSyncError } from './sync-errors.ts';
import type { TaskWriter, WriteReport } from './task-writer.port.ts';
import { planCallWrite, type CallSource } from './plan-call-write.ts';
import type { WriteLedger } from './write-ledger.port.ts';

export interface ProcessDeps extends ResolveDeps {
  /** The mapping in force now (it may be reloaded between calls). */
  readonly mapping: () => MappingSnapshot;
  readonly writer: TaskWriter;
  readonly logger: Logger;
  /** Drops cached lookups that mention these record ids (after Salesforce says a reference is stale). */
  readonly forget?: (ids: readonly string[]) => void;
  /** What was written already; without it every write looks in Salesforce first. */
  readonly ledger?: WriteLedger;
}

export interface ProcessOptions {
  /** Where the call came from (default: the WebSocket event). */
  readonly source?: CallSource;
  /** 1 for the first attempt (default). */
  readonly attempt?: number;
  readonly signal?: AbortSignal;
}

export interface ProcessResult {
  readonly report: WriteReport;
  /** Absent when the ledger showed this version (or a newer one) written already: nothing was looked up. */
  readonly resolution?: Resolution;
}

async function resolveOrFail(insights: RecordingInsights, snap: MappingSnapshot, deps: ProcessDeps): Promise<Resolution> {
  const r = await resolveParticipants(insights, snap, deps);
  if (!r.ok) throw new PermanentSyncError(r.error.reason, r.error.message, { subject: r.error.subject });
  return r.value;
}

/**
 * The use case: resolve who the call belongs to, build the Tasks, write them idempotently. Throws
 * PermanentSyncError when a person must act, and ServiceError (classified) when Salesforce or RingCentral fails.
 */
export async function processCall(insights: RecordingInsights, deps: ProcessDeps, opts: ProcessOptions = {}): Promise<ProcessResult> {
  const { signal } = opts;
  const id = insights.sourceRecordId;
  const entry = deps.ledger ? await deps.ledger.read(id) : undefined;
  const plan = planCallWrite({
    source: opts.source ?? 'event',
    attempt: opts.attempt ?? 1,
    ledger: deps.ledger ? { entry, retentionMs: deps.ledger.retentionMs } : undefined,
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
  let verify = plan.action === 'look_first';
  // Stopping (shutdown, or the call's lock lost to another worker) before anything is written costs nothing.
  signal?.throwIfAborted();
  await deps.ledger?.begin(id);
  let report: WriteReport;
  try {
    report = await deps.writer.writeCall(buildDrafts(insights, resolution, m), { verify }, signal);
  } catch (e) {
    if (!(e instanceof ServiceError) || e.failure.kind !== 'stale_reference' || !deps.forget) throw e;
    // A contact, lead or account was deleted since we looked it up: forget it, look again, write once more.
    deps.logger.warn('stale_reference_retry', { code: e.failure.code, fields: e.failure.fields });
    deps.forget([resolution.who?.id, resolution.whatId, resolution.ownerUserId].filter((x): x is string => !!x));
    resolution = await resolveOrFail(insights, snap, deps);
    verify = true;
    report = await deps.writer.writeCall(buildDrafts(insights, resolution, m), { verify }, signal);
  }
  if (report.followUpFailures.length > 0) {
    const first = report.followUpFailures[0]!.failure;
    throw new PermanentSyncError(
      'followups_rejected',
      `Salesforce refused ${report.followUpFailures.length} follow-up task(s) (${first.code}: ${first.message}). The call activity and the other follow-ups were written; fix the cause and retry this call to add the missing ones.`,
    );
  }
  if (deps.ledger) {
    // Not recording it costs one lookup if the call comes again, never a duplicate: the write stays marked unfinished.
    await deps.ledger.finish(id, insights.lastModifiedTime, report.callTaskId).catch((e: unknown) => deps.logger.warn('ledger_write_failed', { err: e instanceof Error ? e.message : String(e) }));
  }
  return { report, resolution };
}
