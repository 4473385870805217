import type { Queue } from 'bullmq';
import type { Platform } from '../ringcentral/sdk.ts';
import type { AceDomain } from '../calls/domains.ts';
import { silentLogger } from '../lib/logger.ts';
import { parseInsightsBody, type EventRejection } from '../ringcentral/insights-event.schema.ts';
import { fetchRecordingInsights } from '../ringcentral/telephony.adapter.ts';
import { callJobId } from './jobs.ts';
import { enqueueInsights } from './producer.ts';

/**
 * A replay, shared by `ringsense-sync replay` and the admin console's Find a call: one recording's insights read
 * over REST and queued again (source `replay`). The job of this version may exist: a pending one is left alone; a
 * finished one (completed or failed) is replaced only with `force` (writes are idempotent, so processing again
 * updates the call Task rather than duplicating it). Nothing here prints: the caller says the outcome.
 */

export type ReplayOutcome =
  /** RingSense has no insights for it: not analysed yet, or not a RingSense recording. */
  | { readonly kind: 'no_insights' }
  /** Already waiting, delayed or active at this version: nothing queued. */
  | { readonly kind: 'pending'; readonly jobId: string; readonly state: string }
  /** Finished at this version and not forced: nothing queued. */
  | { readonly kind: 'finished'; readonly jobId: string; readonly state: 'completed' | 'failed'; readonly finishedOn: number | undefined }
  /** Queued meanwhile by someone else. */
  | { readonly kind: 'duplicate'; readonly jobId: string; readonly replaced: 'completed' | 'failed' | undefined }
  /** The insights are not valid: queued anyway (or already), to be kept in the failed set. */
  | { readonly kind: 'invalid'; readonly jobId: string; readonly status: 'enqueued' | 'duplicate'; readonly rejection: EventRejection; readonly replaced: 'completed' | 'failed' | undefined }
  | { readonly kind: 'queued'; readonly jobId: string; readonly replaced: 'completed' | 'failed' | undefined };

export interface ReplayOptions {
  readonly force: boolean;
  /** The domains synced (config.domains). */
  readonly domains: readonly AceDomain[];
}

/** Queues insights already fetched (see replayRecording), settling the job of the same version first. */
export async function replayInsights(queue: Queue, insights: unknown, opts: ReplayOptions): Promise<ReplayOutcome> {
  let replaced: 'completed' | 'failed' | undefined;
  const parsed = parseInsightsBody(insights, opts.domains);
  if (parsed.ok) {
    const jobId = callJobId(parsed.value.sourceRecordId, parsed.value.lastModifiedTime);
    const existing = await queue.getJob(jobId);
    const state = existing ? await existing.getState() : 'unknown';
    if (existing && state !== 'unknown') {
      if (state !== 'completed' && state !== 'failed') return { kind: 'pending', jobId, state };
      if (!opts.force) return { kind: 'finished', jobId, state, finishedOn: existing.finishedOn };
      await existing.remove();
      replaced = state;
    }
  }
  const r = await enqueueInsights(queue, insights, 'replay', silentLogger(), { domains: opts.domains });
  if (r.rejection) return { kind: 'invalid', jobId: r.jobId, status: r.status, rejection: r.rejection, replaced };
  return r.status === 'duplicate' ? { kind: 'duplicate', jobId: r.jobId, replaced } : { kind: 'queued', jobId: r.jobId, replaced };
}

/** Fetches one recording's insights (throws what the RingCentral API throws) and queues them as replayInsights does. */
export async function replayRecording(platform: Platform, queue: Queue, domain: AceDomain, recordId: string, opts: ReplayOptions): Promise<ReplayOutcome> {
  const insights = await fetchRecordingInsights(platform, domain, recordId);
  if (insights === undefined) return { kind: 'no_insights' };
  return replayInsights(queue, insights, opts);
}
