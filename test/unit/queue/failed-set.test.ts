import { describe, expect, it } from 'vitest';
import { encodeCallJob } from '../../../src/queue/job-payload.ts';
import { sourceRecordIdOf } from '../../../src/queue/failed-set.ts';
import { decodeFailureReason, encodeFailureReason, RETRIES_EXHAUSTED, UNCLASSIFIED } from '../../../src/queue/failure-reason.ts';

describe('the failure reason encoding', () => {
  it.each([
    ['unmapped_owner: RingCentral extension 62288320099 is not mapped', 'unmapped_owner', 'RingCentral extension 62288320099 is not mapped'],
    ['missing_source_record_id: the event has no sourceRecordId', 'missing_source_record_id', 'the event has no sourceRecordId'],
    ['salesforce_rejected: FIELD_CUSTOM_VALIDATION_EXCEPTION: Calls need a Type (fields: Type)', 'salesforce_rejected', 'FIELD_CUSTOM_VALIDATION_EXCEPTION: Calls need a Type (fields: Type)'],
    ['unmapped_owner: line one\n  line two', 'unmapped_owner', 'line one\n  line two'],
  ])('splits %j into its reason code and message', (failedReason, reason, message) => {
    expect(decodeFailureReason(failedReason, false)).toEqual({ reason, message });
  });

  it('decodes what it encodes, a message with colons and line breaks included', () => {
    const message = 'FIELD_CUSTOM_VALIDATION_EXCEPTION: no: really\nsecond line';
    expect(decodeFailureReason(encodeFailureReason('salesforce_rejected', message), false)).toEqual({ reason: 'salesforce_rejected', message });
  });

  it('names a failure without a code by whether the attempts ran out', () => {
    expect(decodeFailureReason('salesforce ERROR_HTTP_503: Service Unavailable', true)).toEqual({ reason: RETRIES_EXHAUSTED, message: 'salesforce ERROR_HTTP_503: Service Unavailable' });
    expect(decodeFailureReason('job stalled more than allowable limit', false)).toEqual({ reason: UNCLASSIFIED, message: 'job stalled more than allowable limit' });
    expect(decodeFailureReason(undefined, false)).toEqual({ reason: UNCLASSIFIED, message: '' });
  });
});

describe('sourceRecordIdOf', () => {
  it('reads it from a notification body or from REST insights', () => {
    expect(sourceRecordIdOf({ kind: 'notification', receivedAt: 1, event: { body: { sourceRecordId: '2728084995017' } } })).toBe('2728084995017');
    expect(sourceRecordIdOf({ kind: 'insights', receivedAt: 1, source: 'replay', insights: { sourceRecordId: '2728084995101' } })).toBe('2728084995101');
  });

  it('reads it from job data stored compressed, as this version writes it', () => {
    expect(sourceRecordIdOf(encodeCallJob({ kind: 'notification', receivedAt: 1, event: { body: { sourceRecordId: '2728084995017' } } }))).toBe('2728084995017');
    expect(sourceRecordIdOf(encodeCallJob({ kind: 'insights', receivedAt: 1, source: 'backfill', insights: { sourceRecordId: 2728084995101 } }))).toBe('2728084995101');
    expect(sourceRecordIdOf({ ...encodeCallJob({ kind: 'notification', receivedAt: 1, event: { body: { sourceRecordId: '1' } } }), payload: 'AAAA' })).toBeUndefined();
  });

  it('is undefined when the event has none or is not an object', () => {
    expect(sourceRecordIdOf({ kind: 'notification', receivedAt: 1, event: { body: {} } })).toBeUndefined();
    expect(sourceRecordIdOf({ kind: 'notification', receivedAt: 1, event: 'garbage' })).toBeUndefined();
    expect(sourceRecordIdOf({ kind: 'insights', insights: { sourceRecordId: '' } })).toBeUndefined();
    expect(sourceRecordIdOf(null)).toBeUndefined();
  });
});
