import { boundedCode } from '../lib/metrics.ts';

/**
 * The one encoding of a failed job's reason: BullMQ keeps a failure as one text (`failedReason`), and ours is
 * `<reason_code>: <message>`, the code a stable snake_case word (`unmapped_owner`, `salesforce_rejected`) for the
 * failed set, metrics and the CLI, the message what went wrong and what to do. A job that used every attempt on
 * passing faults has the service's error as its text, with no code: `retries_exhausted`.
 */

/** A transient failure that used every attempt: its failedReason is the service error, not a reason code. */
export const RETRIES_EXHAUSTED = 'retries_exhausted';
/** A failure without a reason code that still had attempts left (a stalled job, a bug). */
export const UNCLASSIFIED = 'error';

const CODED = /^([a-z][a-z0-9_]*): ([\s\S]*)$/;

export function encodeFailureReason(reason: string, message: string): string {
  return `${reason}: ${message}`;
}

/** Splits `"<reason_code>: <message>"`; a text without a code is `retries_exhausted` (no attempts left) or `error`. */
export function decodeFailureReason(failedReason: string | undefined, attemptsExhausted: boolean): { reason: string; message: string } {
  const text = failedReason ?? '';
  const m = CODED.exec(text);
  if (m) return { reason: m[1]!, message: m[2]! };
  return { reason: attemptsExhausted ? RETRIES_EXHAUSTED : UNCLASSIFIED, message: text };
}

/** The reason code as a metric label (bounded). */
export function failureReasonLabel(failedReason: string | undefined, attemptsExhausted: boolean): string {
  return boundedCode(decodeFailureReason(failedReason, attemptsExhausted).reason, 'other');
}
