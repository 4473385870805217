import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Backoff } from '../lib/backoff.ts';

/**
 * The job catalog. Every RingSense event becomes one job in the calls queue; its data carries the event as it
 * arrived (kept whole, so a refused event stays replayable; its transcript is stored apart, see callJobDataSchema),
 * and the worker validates it again (job data outlives deploys).
 */
export const CALLS_QUEUE = 'calls';
export const CALL_JOB = 'call.insights';

export type InsightsSource = 'catch_up' | 'replay' | 'backfill';
const insightsSource = z.enum(['catch_up', 'replay', 'backfill']);

/**
 * A call job as the code sees it: the event or the insights, whole, or with its transcript emptied when decoded
 * without it (job-payload.ts turns it into job data and back).
 */
export type CallJob =
  /** A notification from the WebSocket subscription, exactly as received. */
  | { readonly kind: 'notification'; readonly receivedAt: number; readonly event: unknown }
  /** Insights fetched over REST (catch-up, replay, backfill). */
  | { readonly kind: 'insights'; readonly receivedAt: number; readonly source: InsightsSource; readonly insights: unknown };

/** Any job in the calls queue: a call, or what is kept of an event too large to read. */
export type QueuedJob = CallJob | OversizedCallJob;

/** An event or insights too large to read (over MAX_EVENT_BYTES): only what finds the call again is kept. */
export interface OversizedCallJob {
  readonly kind: 'oversized';
  readonly receivedAt: number;
  /** Where it came from: `notification` (the WebSocket) or the REST source. */
  readonly source: 'notification' | InsightsSource;
  readonly bytes: number;
  /** Its first bytes as text (call content, possibly: shown only on request). */
  readonly head: string;
  readonly ids: { readonly uuid?: string; readonly subscriptionId?: string; readonly sourceRecordId?: string; readonly sourceSessionId?: string; readonly domain?: string };
}

/**
 * How the payload of a job is stored: brotli-compressed JSON in base64 (job data is JSON), the transcript apart
 * from the rest of the call (see callJobDataSchema).
 */
export const PAYLOAD_ENCODING = 'br64-split';
/** The encoding before: the whole event or insights in one compressed payload. Still read (jobs outlive deploys). */
export const WHOLE_PAYLOAD_ENCODING = 'br64';

/**
 * The job data written: the event or insights compressed in `payload`, except its transcript, compressed on its own
 * in `transcript` (its place in `payload` holds `[]`, the keys in their order). The transcript is most of a call
 * (tens of KB of JSON, hundreds of small objects once parsed) and is written to Salesforce only when the mapping
 * asks for it: the worker reads a call without it, which spares it most of the decompression, parsing and garbage
 * of a call. There is no `transcript` when the value has no list where the transcript goes (an event refused at
 * the edge, say): `payload` is then the value whole. `bytes` is the size of the value's whole JSON (the event as it
 * arrived), for the worker's size check without the transcript in hand. What metrics, the failed set and the bench
 * read without decoding stays plain: the kind, `receivedAt` (event-to-Salesforce latency is measured from it),
 * the REST source, and `validated`: the producer validated the event when it arrived (absent: it refused it, or the
 * job was written by an earlier version), so the worker may decode it without its transcript.
 */
const oversizedIds = z.object({ uuid: z.string(), subscriptionId: z.string(), sourceRecordId: z.string(), sourceSessionId: z.string(), domain: z.string() }).partial();
/** An oversized event's job data: plain, and small (the payload itself is not kept). */
export const oversizedJobDataSchema = z.object({
  kind: z.literal('oversized'),
  receivedAt: z.number(),
  source: z.enum(['notification', ...insightsSource.options]),
  bytes: z.number().int().nonnegative(),
  head: z.string(),
  ids: oversizedIds,
});

export const callJobDataSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('notification'),
    receivedAt: z.number(),
    encoding: z.literal(PAYLOAD_ENCODING),
    payload: z.string(),
    transcript: z.string().optional(),
    bytes: z.number().int().nonnegative(),
    validated: z.literal(true).optional(),
  }),
  z.object({
    kind: z.literal('insights'),
    receivedAt: z.number(),
    source: insightsSource,
    encoding: z.literal(PAYLOAD_ENCODING),
    payload: z.string(),
    transcript: z.string().optional(),
    bytes: z.number().int().nonnegative(),
    validated: z.literal(true).optional(),
  }),
]);
export type CallJobData = z.infer<typeof callJobDataSchema>;
export type OversizedJobData = z.infer<typeof oversizedJobDataSchema>;

/** The job data of the version before: the event or insights whole, compressed in `payload`. Still read. */
export const wholeCallJobDataSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('notification'), receivedAt: z.number(), encoding: z.literal(WHOLE_PAYLOAD_ENCODING), payload: z.string() }),
  z.object({ kind: z.literal('insights'), receivedAt: z.number(), source: insightsSource, encoding: z.literal(WHOLE_PAYLOAD_ENCODING), payload: z.string() }),
]);

/** The job data of the first versions, the event inline: still read, since jobs outlive deploys. */
export const legacyCallJobDataSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('notification'), receivedAt: z.number(), event: z.unknown() }),
  z.object({ kind: z.literal('insights'), receivedAt: z.number(), source: insightsSource, insights: z.unknown() }),
]);
export type LegacyCallJobData = z.infer<typeof legacyCallJobDataSchema>;

/**
 * Retries: the worker retries one request briefly itself (p-retry, ~10 s at most); the queue owns the long
 * ones. 14 attempts, doubling from 5 s up to 10 min with jitter, span about 80 minutes: a one-hour Salesforce
 * outage loses nothing. API limits pause the whole queue instead and cost no attempt.
 */
export const CALL_JOB_ATTEMPTS = 14;
export const BACKOFF_BASE_MS = 5_000;
export const BACKOFF_MAX_MS = 10 * 60_000;

/** The job retries' backoff (lib/backoff.ts): 5 s doubling up to 10 min, ±25 % jitter. */
export const JOB_BACKOFF: Backoff = { baseMs: BACKOFF_BASE_MS, maxMs: BACKOFF_MAX_MS };

/**
 * Completed jobs are kept a day (what an admin looks at in the dashboard; a repeated delivery meanwhile is
 * recognised at enqueue). The lasting duplicate filter is the write ledger: one ~100-byte key per call for
 * LEDGER_TTL_SECONDS, against ~10 KB for a completed job with its event.
 */
export const KEEP_COMPLETED = { age: 24 * 3600, count: 20_000 };
/** How long the write ledger remembers a call: longer than any redelivery, catch-up window or retry span. */
export const LEDGER_TTL_SECONDS = 14 * 24 * 3600;
export const KEEP_FAILED = { age: 30 * 24 * 3600 };

/**
 * A deterministic job id: the same recording at the same version is one job, however often it is delivered
 * (RingSense sends two events per call when AI Notes is on). BullMQ ids may not contain ':' nor be integers.
 */
export function callJobId(sourceRecordId: string, lastModifiedTime: string): string {
  const version = Date.parse(lastModifiedTime);
  const safeId = sourceRecordId.replace(/[^A-Za-z0-9_-]/g, '_');
  return `call-${safeId}-${Number.isNaN(version) ? createHash('sha256').update(lastModifiedTime).digest('hex').slice(0, 12) : version}`;
}

/** An oversized event's job, by the SHA-256 of its bytes: the same bytes, delivered again, are the same job. */
export function oversizedJobId(sha256Hex: string): string {
  return `oversized-${sha256Hex.slice(0, 24)}`;
}

/** An event that failed validation still gets a job (to land in the failed set whole); same bytes, same id. */
export function invalidEventJobId(raw: unknown): string {
  return `invalid-${createHash('sha256').update(JSON.stringify(raw) ?? 'undefined').digest('hex').slice(0, 24)}`;
}
