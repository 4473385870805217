import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { err, ok, type Result } from '../lib/result.ts';
import {
  callJobDataSchema,
  oversizedJobDataSchema,
  legacyCallJobDataSchema,
  PAYLOAD_ENCODING,
  WHOLE_PAYLOAD_ENCODING,
  wholeCallJobDataSchema,
  type CallJob,
  type CallJobData,
  type OversizedCallJob,
  type OversizedJobData,
  type QueuedJob,
  type InsightsSource,
} from './jobs.ts';

/**
 * The one codec of call job data. A job stores its event or insights as brotli-compressed JSON in base64, the
 * transcript compressed apart from the rest: a 33 KB event becomes 6.1 KB of job data for the bench's synthetic
 * calls (5.8 KB compressed whole), about 10 KB for plain prose that repeats little. The transcript is most of a
 * call (tens of KB of JSON, hundreds of small objects once parsed) and is written to Salesforce only when the
 * mapping asks for it, so the worker decodes a call without it (`{ transcript: false }`): inflating and parsing it
 * only to throw it away was about a tenth of a worker's CPU, and much of its garbage; decoding a bench call takes a
 * quarter of the time without it. `encodeCallJob` on the way in, `decodeCallJobData` wherever job data is read (the
 * worker, the failed set, the dashboard, the bench). Job data of earlier versions (the value whole in one payload,
 * or inline) still decodes: a job enqueued before a deploy is processed after it.
 */

/**
 * Brotli quality 5, text mode: ~0.5 ms per 32 KB event. Quality 4 is ~40 % faster and 5-7 % larger; 6 to 9 gain
 * under 1 % for up to 15 times the time; 10 and 11 (~18 % smaller) take tens of ms.
 */
const QUALITY = 5;
/** A payload decoding to more than this is refused rather than inflated (a corrupt or hostile payload). */
export const MAX_DECODED_BYTES = 256 * 1024 * 1024;

/** The JSON of a payload; `null` for `undefined` (an event that was nothing at all), which JSON has no text for. */
export function payloadJson(value: unknown): string {
  const json: string | undefined = JSON.stringify(value); // undefined for undefined, whatever its typing says
  return json ?? 'null';
}

/** Compresses a payload's JSON for job data. */
export function encodePayload(json: string): string {
  return compressed(Buffer.from(json, 'utf8'));
}

function compressed(bytes: Buffer): string {
  return brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  }).toString('base64');
}

/** Why a payload does not decode; its message never quotes the payload (call content). */
export class PayloadDecodeError extends Error {
  override readonly name = 'PayloadDecodeError';
}

/** The payload's value back; throws a PayloadDecodeError on a payload that is not ours (not brotli, too large, not JSON). */
export function decodePayload(payload: string, maxBytes = MAX_DECODED_BYTES): unknown {
  return decodeSized(payload, maxBytes).value;
}

/** The payload's value and the size of its JSON in bytes (what the event weighed when it arrived). */
function decodeSized(payload: string, maxBytes = MAX_DECODED_BYTES): { value: unknown; bytes: number } {
  let json: string;
  try {
    json = brotliDecompressSync(Buffer.from(payload, 'base64'), { maxOutputLength: maxBytes }).toString('utf8');
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new PayloadDecodeError(
      code === 'ERR_BUFFER_TOO_LARGE' ? `it inflates to more than ${maxBytes} bytes` : `it is not valid brotli data${typeof code === 'string' ? ` (${code})` : ''}`,
    );
  }
  try {
    return { value: JSON.parse(json) as unknown, bytes: Buffer.byteLength(json) };
  } catch {
    // JSON.parse's message quotes the text: call content has no place in a failure reason.
    throw new PayloadDecodeError(`it decompresses to ${Buffer.byteLength(json)} bytes that are not JSON`);
  }
}

/** Where the transcript is, in an event and in REST insights. */
const TRANSCRIPT_PATH = {
  notification: ['body', 'insights', 'Transcript'],
  insights: ['insights', 'Transcript'],
} as const satisfies Record<CallJob['kind'], readonly string[]>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The object at `path` in `value`, following own properties of objects only; undefined if there is none. */
function recordAt(value: unknown, path: readonly string[]): Record<string, unknown> | undefined {
  let v = value;
  for (const key of path) {
    if (!isRecord(v) || !Object.hasOwn(v, key)) return undefined;
    v = v[key];
  }
  return isRecord(v) ? v : undefined;
}

/** The array at `path` in `value` (the transcript), if there is one. */
function arrayAt(value: unknown, path: readonly string[]): unknown[] | undefined {
  const key = path.at(-1);
  const holder = recordAt(value, path.slice(0, -1));
  const v = holder && key !== undefined && Object.hasOwn(holder, key) ? holder[key] : undefined;
  return Array.isArray(v) ? v : undefined;
}

/** `raw` with the array at `path` (the transcript) emptied, copying only the objects on the way, keys in their order; as is if absent. */
function withEmptied(raw: unknown, path: readonly string[]): unknown {
  if (!isRecord(raw)) return raw;
  const [key, ...rest] = path;
  if (key === undefined || !Object.hasOwn(raw, key)) return raw;
  const inner = raw[key];
  const emptied = rest.length > 0 ? withEmptied(inner, rest) : Array.isArray(inner) ? [] : inner;
  return emptied === inner ? raw : { ...raw, [key]: emptied };
}

/** A call job with its transcript emptied (data that held it inline or in one payload, read without it). */
function withoutTranscript(job: CallJob): CallJob {
  return job.kind === 'notification'
    ? { ...job, event: withEmptied(job.event, TRANSCRIPT_PATH.notification) }
    : { ...job, insights: withEmptied(job.insights, TRANSCRIPT_PATH.insights) };
}

/**
 * The stored parts of a value: the value without its transcript, the transcript, and the size of the whole JSON.
 * Each part is serialized once; `json` (the whole, when the caller has it) only gives the size.
 */
function encodeParts(value: unknown, path: readonly string[], json?: string): { payload: string; transcript?: string; bytes: number } {
  const transcript = arrayAt(value, path);
  if (transcript === undefined) {
    const whole = Buffer.from(json ?? payloadJson(value), 'utf8');
    return { payload: compressed(whole), bytes: whole.length };
  }
  const rest = Buffer.from(payloadJson(withEmptied(value, path)), 'utf8');
  const lines = Buffer.from(payloadJson(transcript), 'utf8');
  // The whole JSON is the rest's with the transcript's in place of its "[]".
  const bytes = json === undefined ? rest.length - 2 + lines.length : Buffer.byteLength(json);
  return { payload: compressed(rest), transcript: compressed(lines), bytes };
}

/**
 * The job data of a call job. `json`: the payload's JSON when the caller has it already (payloadJson of the event
 * or insights); it gives the size of the event as it arrived without serializing the event whole again.
 */
export function encodeCallJob(job: CallJob, json?: string, opts: { readonly validated?: boolean } = {}): CallJobData {
  const validated = opts.validated ? { validated: true as const } : {};
  if (job.kind === 'notification') {
    return { kind: 'notification', receivedAt: job.receivedAt, encoding: PAYLOAD_ENCODING, ...encodeParts(job.event, TRANSCRIPT_PATH.notification, json), ...validated };
  }
  return { kind: 'insights', receivedAt: job.receivedAt, source: job.source, encoding: PAYLOAD_ENCODING, ...encodeParts(job.insights, TRANSCRIPT_PATH.insights, json), ...validated };
}

/** An oversized event's job data: kept as it is (small, and read by the failed set and the dashboard as it is). */
export function encodeOversizedJob(job: OversizedCallJob): OversizedJobData {
  return { kind: 'oversized', receivedAt: job.receivedAt, source: job.source, bytes: job.bytes, head: job.head, ids: { ...job.ids } };
}

/** Whether the producer validated this job's event when it arrived (read from the plain job data, not decoded). */
export function validatedAtEnqueue(data: unknown): boolean {
  return isRecord(data) && data.validated === true;
}

export interface DecodeOptions {
  /**
   * false: the transcript comes back as `[]` where it was (when there is a list there), and job data of this
   * version does not even inflate it (the worker, unless the mapping writes transcripts). Default true: the value whole.
   */
  readonly transcript?: boolean;
}

const NOT_A_CALL_JOB = 'the job data is not a RingSense event or insights';

/** One compressed part of job data, decoded; a part that does not decode is a readable problem naming `what`. */
function decodePart(part: string, what: string): Result<{ value: unknown; bytes: number }, string> {
  try {
    return ok(decodeSized(part));
  } catch (e) {
    if (!(e instanceof PayloadDecodeError)) throw e;
    return err(`the job's ${what} does not decode: ${e.message}`);
  }
}

function callJob(stored: { kind: 'notification'; receivedAt: number } | { kind: 'insights'; receivedAt: number; source: InsightsSource }, value: unknown): CallJob {
  return stored.kind === 'notification'
    ? { kind: 'notification', receivedAt: stored.receivedAt, event: value }
    : { kind: 'insights', receivedAt: stored.receivedAt, source: stored.source, insights: value };
}

/**
 * The call job in any job data this service wrote, this version's or an earlier one's. Never throws: data that is
 * not a call job, an unknown encoding or a payload that does not decode comes back as a readable problem (the
 * worker fails such a job permanently as `invalid_job_data`).
 */
export function decodeCallJobData(data: unknown, opts: DecodeOptions = {}): Result<QueuedJob, string> {
  const whole = opts.transcript ?? true;
  if (isRecord(data) && data.kind === 'oversized') {
    const parsed = oversizedJobDataSchema.safeParse(data);
    return parsed.success ? ok(parsed.data) : err(NOT_A_CALL_JOB);
  }
  const encoding = isRecord(data) ? data.encoding : undefined;
  if (encoding === undefined) {
    const legacy = legacyCallJobDataSchema.safeParse(data);
    if (!legacy.success) return err(NOT_A_CALL_JOB);
    return ok(whole ? legacy.data : withoutTranscript(legacy.data));
  }
  if (encoding === WHOLE_PAYLOAD_ENCODING) {
    const parsed = wholeCallJobDataSchema.safeParse(data);
    if (!parsed.success) return err(NOT_A_CALL_JOB);
    const decoded = decodePart(parsed.data.payload, `${WHOLE_PAYLOAD_ENCODING} payload`);
    if (!decoded.ok) return decoded;
    const job = callJob(parsed.data, decoded.value.value);
    return ok(whole ? job : withoutTranscript(job));
  }
  if (encoding !== PAYLOAD_ENCODING) return err(`the job data is encoded as ${JSON.stringify(encoding)}, which this version cannot read (written by a newer version?)`);
  const parsed = callJobDataSchema.safeParse(data);
  if (!parsed.success) return err(NOT_A_CALL_JOB);
  const stored = parsed.data;
  const payload = decodePart(stored.payload, `${PAYLOAD_ENCODING} payload`);
  if (!payload.ok) return payload;
  const value = payload.value.value;
  if (whole && stored.transcript !== undefined) {
    const part = decodePart(stored.transcript, `${PAYLOAD_ENCODING} transcript`);
    if (!part.ok) return part;
    const transcript = part.value.value;
    if (!Array.isArray(transcript)) return err(`the job's ${PAYLOAD_ENCODING} transcript does not decode: it is JSON but not a list`);
    // `value` is ours, fresh from JSON.parse: the transcript goes back in the place its "[]" kept.
    const path = TRANSCRIPT_PATH[stored.kind];
    const holder = recordAt(value, path.slice(0, -1));
    const key = path[path.length - 1]!;
    if (!holder || !Object.hasOwn(holder, key) || !Array.isArray(holder[key])) return err(`the job's ${PAYLOAD_ENCODING} payload has no place for its transcript`);
    holder[key] = transcript;
  }
  return ok(callJob(stored, value));
}
