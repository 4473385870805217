/** The worker's processor on a call another worker holds: a quiet retry, not an error. */
import { ACE_DOMAINS } from '../../../src/calls/domains.ts';
import type { Job } from 'bullmq';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseMapping } from '../../../src/config/load-mapping.ts';
import { sampleCalls } from '../../../src/demo/sample-calls.ts';
import { createLogger } from '../../../src/lib/logger.ts';
import { createMetrics } from '../../../src/lib/metrics.ts';
import { CallBusyError } from '../../../src/queue/call-lock.ts';
import { createCallProcessor, storedTranscript, type CallProcessorDeps } from '../../../src/queue/call-processor.ts';
import { parseInsightsNotification } from '../../../src/ringcentral/insights-event.schema.ts';
import { encodeCallJob } from '../../../src/queue/job-payload.ts';

describe('the worker on a call another worker is writing', () => {
  it('retries it later, logged at info as busy and counted as a transient retry', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const stream = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    const logger = createLogger({ level: 'info', format: 'json', stream });
    const metrics = createMetrics();
    const busy = new CallBusyError('call 2728084995017 is being written by another worker');
    const mapping = parseMapping('', 'm.yaml');
    const processor = createCallProcessor({ process: { mapping: () => mapping }, lock: { with: () => Promise.reject(busy) }, logger, metrics, domains: ACE_DOMAINS } as unknown as CallProcessorDeps);
    const data = encodeCallJob({ kind: 'notification', receivedAt: Date.now(), event: sampleCalls()['documented-example'] });
    const job = { id: 'call-2728084995017-1', data, attemptsMade: 0, opts: { attempts: 14 } } as unknown as Job;

    await expect(processor(job)).rejects.toBe(busy);
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => [l.level, l.message])).toEqual([['info', 'call_busy_retry_later']]);
    const retries = await metrics.jobRetries.get();
    expect(retries.values.filter((v) => v.value > 0).map((v) => [v.labels.kind, v.value])).toEqual([['transient', 1]]);
  });
});

describe('the transcript read again for the note (job data validated at enqueue)', () => {
  const event = sampleCalls()['documented-example'] as unknown as { body: { insights: { Transcript: Array<Record<string, unknown>> } & Record<string, unknown> } & Record<string, unknown> } & Record<string, unknown>;
  const parsed = parseInsightsNotification(event, ACE_DOMAINS);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const insights = parsed.value.body;
  const validated = (e: unknown) => encodeCallJob({ kind: 'notification', receivedAt: 1, event: e }, undefined, { validated: true });
  const withTranscript = (t: unknown[]) => ({ ...event, body: { ...event.body, insights: { ...event.body.insights, Transcript: t } } });

  it('is the transcript the schema makes, read from its own part alone', () => {
    expect(insights.insights.Transcript.length).toBeGreaterThan(0);
    const t = storedTranscript(validated(event), insights.speakerInfo);
    // The same utterances, keys in the same order.
    expect(JSON.stringify(t)).toBe(JSON.stringify(insights.insights.Transcript));
    const extra = withTranscript(event.body.insights.Transcript.map((u) => ({ confidence: 0.9, ...u, channel: null })));
    expect(JSON.stringify(storedTranscript(validated(extra), insights.speakerInfo))).toBe(JSON.stringify(insights.insights.Transcript));
  });

  it('leaves anything the schema would look at more closely to the whole decode', () => {
    const [u] = event.body.insights.Transcript;
    const not = (t: unknown[]) => expect(storedTranscript(validated(withTranscript(t)), insights.speakerInfo)).toBeUndefined();
    not([{ ...u, speakerId: 'nobody' }]);
    not([{ ...u, start: -1 }]);
    not([{ ...u, text: 7 }]);
    // A key the schema does not know is dropped, as the whole decode drops it.
    expect(storedTranscript(validated(withTranscript([{ ...u, extra: { deep: [1] } }])), insights.speakerInfo)).toEqual([u]);
    not([null]);
    expect(storedTranscript(encodeCallJob({ kind: 'notification', receivedAt: 1, event }), insights.speakerInfo)).toBeUndefined();
  });
});
