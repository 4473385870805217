import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { err, ok, type Result } from '../lib/result.ts';
import { callJobDataSchema, legacyCallJobDataSchema, PAYLOAD_ENCODING, type CallJob, type CallJobData } from './jobs.ts';

/**
 * The one codec of call job data. A job stores its event or insights as brotli-compressed JSON in base64: a 32 KB
 * event becomes 5.5 KB of job data for the bench's synthetic calls, about 10 KB for plain prose that repeats
 * little. `encodeCallJob` on the way in, `decodeCallJobData` wherever job data is read (the worker, the failed
 * set, the dashboard, the bench). Job data of earlier versions, the event inline, still decodes: a job enqueued
 * before a deploy is processed after it.
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
  const bytes = Buffer.from(json, 'utf8');
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

/**
 * The job data of a call job. `json`: the payload's JSON when the caller has it already (payloadJson of the event
 * or insights), so it is not serialized twice.
 */
export function encodeCallJob(job: CallJob, json?: string): CallJobData {
  if (job.kind === 'notification') {
    return { kind: 'notification', receivedAt: job.receivedAt, encoding: PAYLOAD_ENCODING, payload: encodePayload(json ?? payloadJson(job.event)) };
  }
  return { kind: 'insights', receivedAt: job.receivedAt, source: job.source, encoding: PAYLOAD_ENCODING, payload: encodePayload(json ?? payloadJson(job.insights)) };
}

const NOT_A_CALL_JOB = 'the job data is not a RingSense event or insights';

/**
 * The call job in any job data this service wrote, this version's or an earlier one's. Never throws: data that is
 * not a call job, an unknown encoding or a payload that does not decode comes back as a readable problem (the
 * worker fails such a job permanently as `invalid_job_data`).
 */
export function decodeCallJobData(data: unknown): Result<CallJob, string> {
  const r = decodeCallJobDataSized(data);
  return r.ok ? ok(r.value.job) : r;
}

/** decodeCallJobData, with the size of the payload's JSON when it was stored compressed (the event as it arrived). */
export function decodeCallJobDataSized(data: unknown): Result<{ job: CallJob; sizeBytes?: number }, string> {
  const encoding = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>).encoding : undefined;
  if (encoding === undefined) {
    const legacy = legacyCallJobDataSchema.safeParse(data);
    return legacy.success ? ok({ job: legacy.data }) : err(NOT_A_CALL_JOB);
  }
  if (encoding !== PAYLOAD_ENCODING) return err(`the job data is encoded as ${JSON.stringify(encoding)}, which this version cannot read (written by a newer version?)`);
  const parsed = callJobDataSchema.safeParse(data);
  if (!parsed.success) return err(NOT_A_CALL_JOB);
  const stored = parsed.data;
  let value: unknown;
  let sizeBytes: number;
  try {
    ({ value, bytes: sizeBytes } = decodeSized(stored.payload));
  } catch (e) {
    if (!(e instanceof PayloadDecodeError)) throw e;
    return err(`the job's ${PAYLOAD_ENCODING} payload does not decode: ${e.message}`);
  }
  const job: CallJob =
    stored.kind === 'notification'
      ? { kind: 'notification', receivedAt: stored.receivedAt, event: value }
      : { kind: 'insights', receivedAt: stored.receivedAt, source: stored.source, insights: value };
  return ok({ job, sizeBytes });
}
