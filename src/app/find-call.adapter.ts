import type { Redis } from 'ioredis';
import type { JobType, Queue as BullQueue } from 'bullmq';
import type { CallQuery, CallSearchFacts, QueuedCallFacts } from '../http/console/console.port.ts';
import { toE164 } from '../lib/phone.ts';
import { decodeFailureReason } from '../queue/failure-reason.ts';
import { decodeCallJobData } from '../queue/job-payload.ts';
import type { SyncedLog } from '../queue/synced-log.ts';

/**
 * Find a call over the queue and the synced-calls log: a bounded scan of the newest jobs of each state (ids first,
 * then only the job data of each, decoded once and remembered by job id), then the whole job of a match.
 */

export interface FindCallDeps {
  readonly queue: BullQueue;
  readonly redis: Redis;
  readonly domains: readonly string[];
  readonly instanceUrl: () => string | undefined;
  /** The mapping's phone.defaultCountry. */
  readonly defaultCountry?: () => string;
}

/** Find a call looks at the newest this many jobs of each state, and synced entries: never the whole queue. */
export const CALL_SCAN_LIMIT = 2_000;
const CALLS_SHOWN = 50;
const IDS_CACHED = 20_000;
/** Find a call's ahead-of-time decoding runs at most this often. */
const WARM_EVERY_MS = 60_000;
const ID_BATCH = 500;
const SCANNED: ReadonlyArray<{ type: JobType; state: QueuedCallFacts['state'] }> = [
  { type: 'active', state: 'active' },
  { type: 'waiting', state: 'waiting' },
  { type: 'prioritized', state: 'waiting' },
  { type: 'delayed', state: 'delayed' },
  { type: 'failed', state: 'failed' },
  { type: 'completed', state: 'completed' },
];

const str = (obj: unknown, key: string): string | undefined => {
  const v: unknown = obj && typeof obj === 'object' ? (obj as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
};

interface CallIds {
  readonly recordId: string | undefined;
  readonly sessionId: string | undefined;
  readonly domain: string | undefined;
  readonly phones: readonly string[];
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** The ids and numbers of the call a job carries (its transcript left compressed); undefined when it does not decode. */
function callIds(data: unknown, defaultCountry: string): CallIds | undefined {
  const decoded = decodeCallJobData(data, { transcript: false });
  if (!decoded.ok) return undefined;
  const job = decoded.value;
  if (job.kind === 'oversized') return { recordId: job.ids.sourceRecordId, sessionId: job.ids.sourceSessionId, domain: job.ids.domain, phones: [] };
  const body: unknown = job.kind === 'notification' ? (job.event as { body?: unknown } | null)?.body : job.insights;
  const speakers: unknown = body && typeof body === 'object' ? (body as { speakerInfo?: unknown }).speakerInfo : undefined;
  const phones: string[] = [];
  for (const sp of Array.isArray(speakers) ? speakers.slice(0, 100) : []) {
    const raw = str(sp, 'phoneNumber');
    const e164 = raw && raw.length <= 40 ? toE164(raw, defaultCountry) : undefined;
    if (e164) phones.push(e164);
  }
  return { recordId: str(body, 'sourceRecordId'), sessionId: str(body, 'sourceSessionId'), domain: str(body, 'domain'), phones };
}

export function findCallFacts(d: FindCallDeps, synced: SyncedLog): { readonly findCall: (q: CallQuery) => Promise<CallSearchFacts>; readonly warmFindCall: () => void } {
  /**
   * The ids and numbers of each job looked at, by job id: a job id stands for one call at one version (callJobId;
   * the others hash the bytes), so what it carries does not change. Bounded; emptied when full or the country changes.
   */
  const idsCache = new Map<string, CallIds | undefined>();
  let idsCountry = '';
  async function idsOf(jobIds: readonly string[], country: string): Promise<void> {
    if (country !== idsCountry || idsCache.size > IDS_CACHED) idsCache.clear();
    idsCountry = country;
    const missing = jobIds.filter((id) => !idsCache.has(id));
    for (let i = 0; i < missing.length; i += ID_BATCH) {
      const batch = missing.slice(i, i + ID_BATCH);
      const pipe = d.redis.pipeline();
      for (const id of batch) pipe.hget(d.queue.toKey(id), 'data');
      const replies = (await pipe.exec()) ?? [];
      batch.forEach((id, k) => {
        const raw = replies[k]?.[1];
        idsCache.set(id, typeof raw === 'string' ? callIds(safeJson(raw), country) : undefined);
      });
    }
  }

  async function findCall(q: CallQuery): Promise<CallSearchFacts> {
    await warming?.done; // what it decodes, this search need not decode again
    const country = d.defaultCountry?.() ?? 'US';
    const matches = (ids: CallIds | undefined): boolean =>
      !!ids && ((q.id !== undefined && (ids.recordId === q.id || ids.sessionId === q.id)) || (q.phone !== undefined && ids.phones.includes(q.phone)));
    const found: QueuedCallFacts[] = [];
    for (const { type, state } of SCANNED) {
      // Ids first (newest first, capped), then only the job data of each, then the whole job of a match.
      const jobIds = await d.queue.getRanges([type], 0, CALL_SCAN_LIMIT - 1, false);
      await idsOf(jobIds, country);
      for (const jobId of jobIds) {
        const ids = idsCache.get(jobId);
        if (!matches(ids) || found.some((f) => f.jobId === jobId)) continue;
        const job = await d.queue.getJob(jobId);
        if (!job) continue;
        const score = state === 'delayed' ? await d.redis.zscore(d.queue.keys.delayed!, jobId) : null;
        const failure = state === 'failed' ? decodeFailureReason(job.failedReason, job.attemptsMade >= (job.opts.attempts ?? 1)) : undefined;
        found.push({
          jobId, sourceRecordId: ids?.recordId, sourceSessionId: ids?.sessionId, domain: ids?.domain, state, enqueuedAt: job.timestamp,
          nextAttemptAt: score === null ? undefined : Math.floor(Number(score) / 0x1000), finishedAt: job.finishedOn, attemptsMade: job.attemptsMade,
          reason: failure?.reason, message: failure?.message,
        });
      }
    }
    const jobIds = new Set(found.map((f) => f.jobId));
    const recordIds = new Set(found.flatMap((f) => (f.sourceRecordId ? [f.sourceRecordId] : [])));
    if (q.id) recordIds.add(q.id);
    const written = (await synced.latest(CALL_SCAN_LIMIT)).filter((e) => jobIds.has(e.jobId) || recordIds.has(e.sourceRecordId));
    return { jobs: found.slice(0, CALLS_SHOWN), written: written.slice(0, CALLS_SHOWN), scannedPerState: CALL_SCAN_LIMIT, domains: d.domains, salesforceInstanceUrl: d.instanceUrl() };
  }

  /**
   * Decodes what the jobs Find a call looks at carry, ahead of the first search (the page calls it when shown
   * without a term, as the admin starts typing): with 10,000 failed calls that is the 0.5-1 s the first search would
   * otherwise wait. At most one at a time, and at most once a minute.
   */
  let warming: { at: number; done: Promise<void> } | undefined;
  function warmFindCall(): void {
    if (warming && Date.now() - warming.at < WARM_EVERY_MS) return;
    const country = d.defaultCountry?.() ?? 'US';
    const done = (async () => {
      for (const { type } of SCANNED) await idsOf(await d.queue.getRanges([type], 0, CALL_SCAN_LIMIT - 1, false), country);
    })().catch(() => undefined);
    warming = { at: Date.now(), done };
  }

  return { findCall, warmFindCall };
}
