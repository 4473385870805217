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
import { createCallProcessor, type CallProcessorDeps } from '../../../src/queue/call-processor.ts';
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
