import { ACE_DOMAINS } from '../../../src/calls/domains.ts';
import type { Job } from 'bullmq';
import { Writable } from 'node:stream';
import { brotliCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sampleCalls } from '../../../src/demo/sample-calls.ts';
import { parseMapping } from '../../../src/config/load-mapping.ts';
import { createCallProcessor, type CallProcessorDeps } from '../../../src/queue/call-processor.ts';
import { decodeCallJobData, decodePayload, encodeCallJob, encodeOversizedJob, encodePayload, MAX_DECODED_BYTES, payloadJson, PayloadDecodeError } from '../../../src/queue/job-payload.ts';
import { callJobDataSchema, PAYLOAD_ENCODING, type CallJob, type QueuedJob } from '../../../src/queue/jobs.ts';
import { createLogger } from '../../../src/lib/logger.ts';

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
        expect(r.error).toMatch(/^the job's br64-split payload does not decode: it (is not valid brotli data|decompresses to \d+ bytes that are not JSON)/);
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

/** `value` with its transcript (at `path`) replaced by `[]`, for expectations. */
function emptied(value: unknown, path: readonly string[]): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  let holder = copy;
  for (const key of path.slice(0, -1)) holder = holder[key] as Record<string, unknown>;
  holder[path[path.length - 1]!] = [];
  return copy;
}

/** Job data the version before wrote: the value whole in one payload. */
function wholeJobData(job: CallJob): unknown {
  const value = job.kind === 'notification' ? job.event : job.insights;
  const plain = job.kind === 'notification' ? { kind: 'notification' } : { kind: 'insights', source: job.source };
  return { ...plain, receivedAt: job.receivedAt, encoding: 'br64', payload: encodePayload(payloadJson(value)) };
}

describe('the transcript, stored apart', () => {
  const NOTIFICATION_PATH = ['body', 'insights', 'Transcript'];
  const INSIGHTS_PATH = ['insights', 'Transcript'];
  const pathOf = (job: CallJob) => (job.kind === 'notification' ? NOTIFICATION_PATH : INSIGHTS_PATH);
  const valueOf = (job: QueuedJob) => (job.kind === 'notification' ? job.event : job.kind === 'insights' ? job.insights : job.head);
  // Non-ASCII in the transcript and around it: byte counts are UTF-8, not string lengths.
  const accented = structuredClone(calls['documented-example']) as unknown as { body: { title: string; insights: { Transcript: { text: string }[] } } };
  accented.body.title = 'Überprüfung — 価格の見直し 🚀';
  accented.body.insights.Transcript[0]!.text = 'Ça va? Нужно проверить цену, 予算 too 👍';
  const noTranscript = structuredClone(calls['documented-example']) as unknown as { body: { insights: Record<string, unknown> } };
  delete noTranscript.body.insights.Transcript;
  const jobs: CallJob[] = [
    notification,
    insights,
    { kind: 'notification', receivedAt: 2, event: accented },
    { kind: 'insights', receivedAt: 3, source: 'replay', insights: accented.body },
    { kind: 'notification', receivedAt: 4, event: noTranscript },
    { kind: 'insights', receivedAt: 5, source: 'catch_up', insights: noTranscript.body },
    { kind: 'notification', receivedAt: 6, event: emptied(event, NOTIFICATION_PATH) }, // an empty transcript
  ];

  it('round-trips every kind, with a transcript or without, the transcript back where it was', () => {
    for (const job of jobs) {
      const data = JSON.parse(JSON.stringify(encodeCallJob(job))) as unknown;
      const r = decodeCallJobData(data);
      expect(r).toEqual({ ok: true, value: job });
      // The same JSON, keys in the same order: the event as it arrived.
      if (r.ok) expect(payloadJson(valueOf(r.value))).toBe(payloadJson(valueOf(job)));
    }
  });

  it('stores a transcript apart, and nothing apart when there is none', () => {
    expect(encodeCallJob(notification)).toMatchObject({ transcript: expect.any(String) });
    expect(encodeCallJob(insights)).toMatchObject({ transcript: expect.any(String) });
    expect(decodePayload(encodeCallJob(notification).payload)).toEqual(emptied(event, NOTIFICATION_PATH));
    expect(decodePayload(encodeCallJob(notification).transcript!)).toEqual((event as unknown as { body: { insights: { Transcript: unknown } } }).body.insights.Transcript);
    for (const raw of [noTranscript, { body: { insights: { Transcript: 'not a list' } } }, 'text', null]) {
      const data = encodeCallJob({ kind: 'notification', receivedAt: 1, event: raw });
      expect(data).not.toHaveProperty('transcript');
      expect(decodePayload(data.payload)).toEqual(raw);
    }
  });

  it('gives the size of the whole JSON, transcript included, with or without the JSON in hand', () => {
    for (const job of jobs) {
      const json = payloadJson(valueOf(job));
      for (const data of [encodeCallJob(job), encodeCallJob(job, json)]) {
        expect(data.bytes).toBe(Buffer.byteLength(json));
      }
    }
  });

  it('without the transcript: the value with `Transcript: []`, keys in their order', () => {
    for (const job of jobs) {
      const r = decodeCallJobData(encodeCallJob(job), { transcript: false });
      const value = valueOf(job);
      const expected = noTranscript === value || noTranscript.body === value ? value : emptied(value, pathOf(job));
      expect(r).toEqual({ ok: true, value: { ...job, [job.kind === 'notification' ? 'event' : 'insights']: expected } });
      if (r.ok) expect(payloadJson(valueOf(r.value))).toBe(payloadJson(expected));
    }
  });

  it('never decodes the transcript it is not asked for, and names a transcript that does not decode', () => {
    const good = encodeCallJob(notification);
    for (const transcript of ['bm90IGJyb3RsaQ==', good.transcript!.slice(0, 100), '']) {
      const data = { ...good, transcript };
      expect(decodeCallJobData(data, { transcript: false })).toEqual({ ok: true, value: { ...notification, event: emptied(event, NOTIFICATION_PATH) } });
      expect(decodeCallJobData(data)).toEqual({ ok: false, error: expect.stringMatching(/^the job's br64-split transcript does not decode: it is not valid brotli data/) });
    }
    const secret = { ...good, transcript: brotliCompressSync(Buffer.from('[{"text": "secret words"')).toString('base64') };
    const r = decodeCallJobData(secret);
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/^the job's br64-split transcript does not decode: it decompresses to \d+ bytes that are not JSON$/) });
    expect(JSON.stringify(r)).not.toContain('secret');
    expect(decodeCallJobData({ ...good, transcript: encodePayload('{"text":"secret words"}') })).toEqual({ ok: false, error: "the job's br64-split transcript does not decode: it is JSON but not a list" });
    // A transcript with no "[]" for it in the payload (data put together by hand).
    const elsewhere = { ...good, payload: encodePayload('{"body":{}}') };
    expect(decodeCallJobData(elsewhere)).toEqual({ ok: false, error: "the job's br64-split payload has no place for its transcript" });
    expect(decodeCallJobData(elsewhere, { transcript: false })).toMatchObject({ ok: true, value: { event: { body: {} } } });
    // Not a string at all: not job data of ours.
    expect(decodeCallJobData({ ...good, transcript: 42 }, { transcript: false })).toEqual({ ok: false, error: 'the job data is not a RingSense event or insights' });
  });

  it('still reads job data of the version before (the value whole in one payload), with the transcript or without', () => {
    for (const job of jobs) {
      const data = JSON.parse(JSON.stringify(wholeJobData(job))) as unknown;
      expect(decodeCallJobData(data)).toEqual({ ok: true, value: job });
      const without = decodeCallJobData(data, { transcript: false });
      const value = valueOf(job);
      const expected = noTranscript === value || noTranscript.body === value ? value : emptied(value, pathOf(job));
      expect(without).toEqual({ ok: true, value: { ...job, [job.kind === 'notification' ? 'event' : 'insights']: expected } });
    }
    expect(decodeCallJobData({ ...(wholeJobData(notification) as object), payload: 'bm90IGJyb3RsaQ==' })).toEqual({ ok: false, error: expect.stringMatching(/^the job's br64 payload does not decode: it is not valid brotli data/) });
  });

  it('reads inline job data without the transcript too, leaving the stored data as it was', () => {
    const legacy = { kind: 'notification', receivedAt: 5, event: structuredClone(event) };
    const before = structuredClone(legacy);
    expect(decodeCallJobData(legacy, { transcript: false })).toEqual({ ok: true, value: { ...legacy, event: emptied(event, NOTIFICATION_PATH) } });
    expect(legacy).toEqual(before);
    const legacyInsights = { kind: 'insights', receivedAt: 6, source: 'replay', insights: calls['documented-example'].body };
    expect(decodeCallJobData(legacyInsights, { transcript: false })).toEqual({ ok: true, value: { ...legacyInsights, insights: emptied(legacyInsights.insights, INSIGHTS_PATH) } });
    expect(decodeCallJobData({ kind: 'notification', receivedAt: 1, event: 'text' }, { transcript: false })).toEqual({ ok: true, value: { kind: 'notification', receivedAt: 1, event: 'text' } });
  });

  it('names an encoding it does not know, with the transcript or without', () => {
    for (const transcript of [true, false]) {
      expect(decodeCallJobData({ kind: 'notification', receivedAt: 1, encoding: 'br64-split-v2', payload: 'AAAA', transcript: 'AAAA' }, { transcript })).toEqual({
        ok: false,
        error: 'the job data is encoded as "br64-split-v2", which this version cannot read (written by a newer version?)',
      });
    }
  });
});

describe('the worker on undecodable job data', () => {
  const job = (data: unknown) => ({ id: 'call-1-1', data, attemptsMade: 0, opts: { attempts: 14 } }) as unknown as Job;
  // The processor decodes and validates before it touches any dependency but the mapping (for the transcript).
  const mapping = parseMapping('', 'm.yaml');
  const silent = createLogger({ level: 'error', format: 'json', stream: new Writable({ write: (_c, _e, done) => done() }) });
  const processor = createCallProcessor({ process: { mapping: () => mapping }, logger: silent, domains: ACE_DOMAINS } as unknown as CallProcessorDeps);

  it('fails it permanently as invalid_job_data, with the problem', async () => {
    const corrupt = { ...encodeCallJob(notification), payload: 'bm90IGJyb3RsaQ==' };
    await expect(processor(job(corrupt))).rejects.toMatchObject({ name: 'UnrecoverableError', message: expect.stringMatching(/^invalid_job_data: the job's br64-split payload does not decode: it is not valid brotli data/) });
    await expect(processor(job({ kind: 'notification', receivedAt: 1, encoding: 'zstd64', payload: '' }))).rejects.toMatchObject({ name: 'UnrecoverableError', message: expect.stringMatching(/^invalid_job_data: the job data is encoded as "zstd64"/) });
    await expect(processor(job({ nothing: true }))).rejects.toMatchObject({ name: 'UnrecoverableError', message: 'invalid_job_data: the job data is not a RingSense event or insights' });
  });

  it('fails an oversized event as payload_too_large with the command that fetches it again, naming a domain other than pbx', async () => {
    const oversized = (ids: Record<string, string>) => encodeOversizedJob({ kind: 'oversized', receivedAt: 1, source: 'notification', bytes: 9_000_000, head: '{', ids });
    await expect(processor(job(oversized({ sourceRecordId: 'p-v-0a1b-1700000000000-ff', domain: 'rcx' })))).rejects.toMatchObject({ message: expect.stringMatching(/Fetch the call again over REST: ringsense-sync replay p-v-0a1b-1700000000000-ff --domain rcx$/) });
    await expect(processor(job(oversized({ sourceRecordId: '2728084995017', domain: 'pbx' })))).rejects.toMatchObject({ message: expect.stringMatching(/ringsense-sync replay 2728084995017$/) });
  });

  it('reads an accepted call without its transcript unless the mapping writes it; a refused event whole', async () => {
    // A lock that says the job got past decoding and validation, to processCall.
    const reached = new Error('reached the call lock');
    const quiet = createLogger({ level: 'error', format: 'json', stream: new Writable({ write: (_c, _e, done) => done() }) });
    const processorWith = (yaml: string) => {
      const m = parseMapping(yaml, 'm.yaml');
      return createCallProcessor({ process: { mapping: () => m }, lock: { with: () => Promise.reject(reached) }, logger: quiet, domains: ACE_DOMAINS } as unknown as CallProcessorDeps);
    };
    const garbled = { ...encodeCallJob(notification, undefined, { validated: true }), transcript: 'bm90IGJyb3RsaQ==' };
    await expect(processorWith('')(job(garbled))).rejects.toBe(reached);
    await expect(processorWith('activity: { includeTranscript: true }')(job(garbled))).rejects.toMatchObject({
      name: 'UnrecoverableError',
      message: expect.stringMatching(/^invalid_job_data: the job's br64-split transcript does not decode: it is not valid brotli data/),
    });
    // An event the producer did not validate (refused, or queued by an earlier version) is validated whole: its
    // transcript is decoded whatever the mapping says. The job data says so, not the job id.
    const { validated: _validated, ...unvalidated } = garbled;
    const refused = job(unvalidated);
    await expect(processorWith('')(refused)).rejects.toMatchObject({ name: 'UnrecoverableError', message: expect.stringMatching(/^invalid_job_data: the job's br64-split transcript/) });
  });

  it('fails a decoded but refused event with the event reason, as before', async () => {
    const data = encodeCallJob({ kind: 'notification', receivedAt: 1, event: { body: {} } });
    await expect(processor(job(data))).rejects.toMatchObject({ name: 'UnrecoverableError', message: expect.stringMatching(/^missing_source_record_id: /) });
  });
});
