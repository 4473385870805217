import { ACE_DOMAINS } from '../../src/calls/domains.ts';
import { expect } from 'vitest';
import { createLogger } from '../../src/lib/logger.ts';
import { callJobId } from '../../src/queue/jobs.ts';
import { enqueueInsights } from '../../src/queue/producer.ts';
import type { SimRecording } from '../../src/simulators/ringcentral/state.ts';
import type { Pipeline } from './pipeline.ts';

/** Jobs settled so far per pipeline: each publish or replay waits for one more. */
const finished = new WeakMap<Pipeline, number>();

/** A recording added to the RingCentral simulator and published; waits until its job completed (throws on a failure). */
export async function publish(pl: Pipeline, rec: SimRecording): Promise<void> {
  pl.sims.rc.addRecording(rec);
  pl.sims.rc.publishInsights(String(rec.insights.sourceRecordId));
  const n = (finished.get(pl) ?? 0) + 1;
  finished.set(pl, n);
  const counts = await pl.settled(n);
  if (counts.failed) throw new Error(`call failed: ${(await pl.failedJobs()).map((j) => j.failedReason).join('; ')}`);
  expect(counts).toEqual({ completed: n, failed: 0 });
}

/** The call read again over REST and run again (`ringsense-sync replay`): its job removed first, as an admin's replay does. */
export async function replay(pl: Pipeline, rec: SimRecording): Promise<void> {
  await pl.service.queue.getJob(callJobId(String(rec.insights.sourceRecordId), String(rec.insights.lastModifiedTime))).then((j) => j?.remove());
  await enqueueInsights(pl.service.queue, structuredClone(rec.insights), 'replay', createLogger({ level: 'error', format: 'json' }), { domains: ACE_DOMAINS });
  const n = finished.get(pl) ?? 0;
  expect(await pl.settled(n)).toEqual({ completed: n, failed: 0 });
}
