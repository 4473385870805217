import type { Job } from 'bullmq';
import { brotliCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sampleCalls } from '../../../src/demo/sample-calls.ts';
import { parseMapping } from '../../../src/config/load-mapping.ts';
import { createCallProcessor, type CallProcessorDeps } from '../../../src/queue/call-processor.ts';
import { decodeCallJobData, decodePayload, encodeCallJob, encodePayload, MAX_DECODED_BYTES, PayloadDecodeError } from '../../../src/queue/job-payload.ts';
import { callJobDataSchema, PAYLOAD_ENCODING, type CallJob } from '../../../src/queue/jobs.ts';
import { dashboardJobData } from '../../../src/http/admin-dashboard.ts';

const calls = sampleCalls();
const event = calls['very-long-call'];
const notification: CallJob = { kind: 'notification', receivedAt: 1_725_484_600_000, event };
const insights: CallJob = { kind: 'insights', receivedAt: 1_725_484_600_001, source: 'backfill', insights: calls['documented-example'].body };

describe('encodeCallJob / decodeCallJobData', () => {
  it('round-trips a notification and REST insights, keeping kind, receivedAt and source plain', () => {
    for (const job of [notification, insights]) {
      const data = encodeCallJob(job);
      expect(callJobDataSchema.safeParse(data).success).toBe(true);
      expect(data).toMatchObject({ kind: job.kind, receivedAt: job.receivedAt, encoding: PAYLOAD_ENCODING });
      if (job.kind === 'insights') expect(data).toMatchObject({ source: 'backfill' });
      // What BullMQ stores is JSON: decode what comes back from it.
      expect(decodeCallJobData(JSON.parse(JSON.stringify(data)))).toEqual({ ok: true, value: job });
    }
  });

  it('stores the event compressed, several times smaller than its JSON', () => {
    const data = encodeCallJob(notification);
    const stored = Buffer.byteLength(JSON.stringify(data));
    expect(stored * 3).toBeLessThan(Buffer.byteLength(JSON.stringify(event)));
    expect(JSON.stringify(data)).not.toContain('Transcript'); // no call content in the clear
  });

  it('uses the JSON the caller already has', () => {
    const json = JSON.stringify(event);
    expect(encodeCallJob(notification, json)).toEqual(encodeCallJob(notification));
  });

  it('keeps anything a refused event was, whole: a string, an array, nothing at all', () => {
    for (const raw of ['not even an object', [1, 'two'], { body: { sourceRecordId: '' } }, null]) {
      const data = encodeCallJob({ kind: 'notification', receivedAt: 1, event: raw });
      expect(decodeCallJobData(data)).toEqual({ ok: true, value: { kind: 'notification', receivedAt: 1, event: raw } });
    }
    // JSON has no undefined: an event that was nothing comes back as null.
    expect(decodeCallJobData(encodeCallJob({ kind: 'notification', receivedAt: 1, event: undefined }))).toEqual({ ok: true, value: { kind: 'notification', receivedAt: 1, event: null } });
  });

  it('still reads the job data of earlier versions (the event inline): jobs outlive deploys', () => {
    const legacy = { kind: 'notification', receivedAt: 5, event };
    expect(decodeCallJobData(legacy)).toEqual({ ok: true, value: legacy });
    const legacyInsights = { kind: 'insights', receivedAt: 6, source: 'replay', insights: { sourceRecordId: '1' } };
    expect(decodeCallJobData(legacyInsights)).toEqual({ ok: true, value: legacyInsights });
  });

  it('refuses data that is not a call job, with a problem to show rather than a throw', () => {
    for (const data of [null, 'text', [1], {}, { kind: 'other', receivedAt: 1 }, { kind: 'notification' }, { kind: 'insights', receivedAt: 1, source: 'nowhere', insights: {} }]) {
      expect(decodeCallJobData(data)).toEqual({ ok: false, error: 'the job data is not a RingSense event or insights' });
    }
    expect(decodeCallJobData({ kind: 'notification', receivedAt: 1, encoding: PAYLOAD_ENCODING })).toEqual({ ok: false, error: 'the job data is not a RingSense event or insights' });
  });

  it('names an encoding it does not know (job data from a newer version)', () => {
    const r = decodeCallJobData({ kind: 'notification', receivedAt: 1, encoding: 'zstd64', payload: 'AAAA' });
    expect(r).toEqual({ ok: false, error: 'the job data is encoded as "zstd64", which this version cannot read (written by a newer version?)' });
  });

  it('reports a corrupt payload clearly, without quoting it', () => {
    const good = encodeCallJob(notification);
    const cases = [
      'bm90IGJyb3RsaQ==', // "not brotli"
      good.payload.slice(0, good.payload.length / 2), // cut short
      '',
      brotliCompressSync(Buffer.from('{"Transcript": "secret words", ')).toString('base64'), // not JSON once inflated
    ];
    for (const payload of cases) {
      const r = decodeCallJobData({ ...good, payload });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error).toMatch(/^the job's br64 payload does not decode: it (is not valid brotli data|decompresses to \d+ bytes that are not JSON)/);
        expect(r.error).not.toContain('secret');
      }
    }
  });

  it('does not inflate a payload past the limit', () => {
    expect(MAX_DECODED_BYTES).toBeGreaterThan(64 * 1024 * 1024); // events over 2 MB are refused, but still kept whole
    const bomb = brotliCompressSync(Buffer.alloc(1024 * 1024 + 1, 0x20)).toString('base64');
    expect(bomb.length).toBeLessThan(100);
    expect(() => decodePayload(bomb, 1024 * 1024)).toThrow(PayloadDecodeError);
    expect(() => decodePayload(bomb, 1024 * 1024)).toThrow('it inflates to more than 1048576 bytes');
    expect(() => decodePayload(bomb, 2 * 1024 * 1024)).toThrow('it decompresses to 1048577 bytes that are not JSON'); // under the limit: inflated
  });

  it('payload helpers: any JSON text in, the same value out', () => {
    expect(decodePayload(encodePayload('{"a":[1,"é",null]}'))).toEqual({ a: [1, 'é', null] });
  });
});

describe('the worker on undecodable job data', () => {
  const job = (data: unknown) => ({ id: 'call-1-1', data, attemptsMade: 0, opts: { attempts: 14 } }) as unknown as Job;
  // The processor decodes and validates before it touches any dependency but the mapping (for the transcript).
  const mapping = parseMapping('', 'm.yaml');
  const processor = createCallProcessor({ process: { mapping: () => mapping } } as unknown as CallProcessorDeps);

  it('fails it permanently as invalid_job_data, with the problem', async () => {
    const corrupt = { ...encodeCallJob(notification), payload: 'bm90IGJyb3RsaQ==' };
    await expect(processor(job(corrupt))).rejects.toMatchObject({ name: 'UnrecoverableError', message: expect.stringMatching(/^invalid_job_data: the job's br64 payload does not decode: it is not valid brotli data/) });
    await expect(processor(job({ kind: 'notification', receivedAt: 1, encoding: 'zstd64', payload: '' }))).rejects.toMatchObject({ name: 'UnrecoverableError', message: expect.stringMatching(/^invalid_job_data: the job data is encoded as "zstd64"/) });
    await expect(processor(job({ nothing: true }))).rejects.toMatchObject({ name: 'UnrecoverableError', message: 'invalid_job_data: the job data is not a RingSense event or insights' });
  });

  it('fails a decoded but refused event with the event reason, as before', async () => {
    const data = encodeCallJob({ kind: 'notification', receivedAt: 1, event: { body: {} } });
    await expect(processor(job(data))).rejects.toMatchObject({ name: 'UnrecoverableError', message: expect.stringMatching(/^missing_source_record_id: /) });
  });
});

describe('the dashboard', () => {
  it('shows a call job decoded, and anything else as it is', () => {
    expect(dashboardJobData(encodeCallJob(insights))).toEqual(insights);
    expect(dashboardJobData({ kind: 'notification', receivedAt: 1, event })).toEqual({ kind: 'notification', receivedAt: 1, event });
    const corrupt = { ...encodeCallJob(insights), payload: 'AAAA' };
    expect(dashboardJobData(corrupt)).toBe(corrupt);
    expect(dashboardJobData({ other: 'queue' })).toEqual({ other: 'queue' });
  });
});
