import { createHash } from 'node:crypto';

/**
 * Identities that make every write idempotent. A call is identified by its RingCentral recording id
 * (RingSense's sourceRecordId); a follow-up by its call and the wording of its next step, so the same step
 * in a later version of the insights is recognised and not written twice.
 */
export function callKey(sourceRecordId: string): string {
  return `ringsense:${sourceRecordId}`;
}

/** Normalises a next step's wording: case, spacing and punctuation do not make a new step. */
export function stepFingerprint(value: string): string {
  const norm = value.toLowerCase().normalize('NFKC').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  return createHash('sha256').update(norm).digest('base64url').slice(0, 16);
}

export function followUpKey(sourceRecordId: string, stepValue: string): string {
  return `${callKey(sourceRecordId)}:step:${stepFingerprint(stepValue)}`;
}

/**
 * The line a meeting's Event carries in its Description, by which the sync tells its Event from others at the same
 * time when the key has no field of its own (no External ID field: Event has no CallObject). A rep who edits the
 * Description keeps it (it sits with the facts at the end); the External ID mode needs none.
 */
export function meetingMarker(sourceRecordId: string): string {
  return `RingCentral meeting ${sourceRecordId}`;
}
