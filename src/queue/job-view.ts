import { boundJson } from '../lib/bounded-json.ts';
import { err, ok, type Result } from '../lib/result.ts';
import { redactContentKeepShape } from '../lib/logger.ts';
import { decodeCallJobData, decodePayload, PayloadDecodeError } from './job-payload.ts';
import { callJobDataSchema, wholeCallJobDataSchema } from './jobs.ts';

/**
 * What an admin is shown of a stored call, in one place for every view of it (`failed show`, the queue dashboard).
 * By default the redacted shape: ids, kinds, times, sizes and the structure of the event, with titles, names,
 * summaries, transcript lines and numbers hidden. The call content only when the admin asks for it
 * (`failed show --content`, ADMIN_SHOW_CALL_CONTENT=true).
 */
export function shownToAdmin(value: unknown, content: boolean): unknown {
  if (content) return value;
  const shown = redactContentKeepShape(value);
  // What is kept of an oversized event holds its first bytes as text (`head`): content, whatever its key.
  return isRecord(value) && value.kind === 'oversized' && typeof value.head === 'string' && isRecord(shown) ? { ...shown, head: `[redacted] (${value.head.length} characters)` } : shown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export interface JobViewOptions {
  /** Show the call content (else the redacted shape). */
  readonly content: boolean;
  /**
   * A call whose event's JSON weighs more is not inflated at all: its plain fields only. Its payload is
   * inflated no further than this either (a hostile payload of an earlier encoding, which carries no size).
   */
  readonly maxDecodedBytes: number;
}

/**
 * The job data of any job as an admin is shown it, decoding no more than `maxDecodedBytes`: a call job's plain
 * fields (kind, receivedAt, source, size) and its event or insights through shownToAdmin; in the redacted shape
 * the transcript (stored compressed apart) is not even inflated. Job data that is not a call job is shown as
 * it is, through shownToAdmin. Never throws on job data; the caller bounds what it sends (boundJson).
 */
export function viewJobData(data: unknown, opts: JobViewOptions): unknown {
  const split = callJobDataSchema.safeParse(data);
  if (split.success) {
    const stored = split.data;
    const plain = { kind: stored.kind, receivedAt: stored.receivedAt, ...(stored.kind === 'insights' ? { source: stored.source } : {}), sizeBytes: stored.bytes };
    const key = stored.kind === 'notification' ? 'event' : 'insights';
    if (!opts.content) {
      // The payload is the call without its transcript (jobs.ts): inflated within the bound, the transcript not at all.
      const rest = boundedDecode(stored.payload, opts.maxDecodedBytes);
      const transcript = stored.transcript === undefined ? {} : { transcript: `stored compressed apart (${stored.transcript.length} bytes), not decoded here` };
      return rest.ok ? { ...plain, ...transcript, [key]: shownToAdmin(rest.value, false) } : { ...plain, ...transcript, shown: rest.error };
    }
    if (stored.bytes > opts.maxDecodedBytes) {
      return { ...plain, shown: `not decoded: the ${key} is ${stored.bytes} bytes, over the ${opts.maxDecodedBytes} shown here (ringsense-sync failed show <jobId> --content shows it)` };
    }
    const decoded = decodeCallJobData(data, { transcript: true });
    if (!decoded.ok) return { ...plain, shown: `not decoded: ${decoded.error}` };
    const job = decoded.value;
    return { ...plain, [key]: shownToAdmin(job.kind === 'notification' ? job.event : job.kind === 'insights' ? job.insights : undefined, true) };
  }
  const whole = wholeCallJobDataSchema.safeParse(data);
  if (whole.success) {
    const stored = whole.data;
    const plain = { kind: stored.kind, receivedAt: stored.receivedAt, ...(stored.kind === 'insights' ? { source: stored.source } : {}) };
    const value = boundedDecode(stored.payload, opts.maxDecodedBytes);
    return value.ok ? { ...plain, [stored.kind === 'notification' ? 'event' : 'insights']: shownToAdmin(value.value, opts.content) } : { ...plain, shown: value.error };
  }
  // Inline job data (the first versions) or not a call job: already in memory, but walked no further than needed.
  return shownToAdmin(boundJson(data, { maxBytes: opts.maxDecodedBytes }), opts.content);
}

/** A compressed payload inflated no further than `maxBytes`; what went wrong otherwise (never quoting the payload). */
function boundedDecode(payload: string, maxBytes: number): Result<unknown, string> {
  try {
    return ok(decodePayload(payload, maxBytes));
  } catch (e) {
    if (!(e instanceof PayloadDecodeError)) throw e;
    return err(`not decoded: the payload ${e.message}`);
  }
}
