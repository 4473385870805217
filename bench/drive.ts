/** Putting synthetic calls onto the queue through the product's producer: as a backlog, or paced at a rate. */
import { ACE_DOMAINS } from '../src/calls/domains.ts';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { silentLogger } from '../src/lib/logger.ts';
import { enqueueNotification } from '../src/queue/producer.ts';
import type { SyntheticCall } from './synthetic-calls.ts';

export interface Sent {
  readonly jobId: string;
  readonly sourceRecordId: string;
  readonly nextSteps: number;
  readonly bytes: number;
}

async function send(queue: Queue, call: SyntheticCall): Promise<Sent> {
  const r = await enqueueNotification(queue, call.notification, silentLogger(), { domains: ACE_DOMAINS });
  if (r.status !== 'enqueued' || r.rejection) throw new Error(`call ${call.sourceRecordId} was not enqueued (${r.status}${r.rejection ? `, ${r.rejection.reason}` : ''})`);
  return { jobId: r.jobId, sourceRecordId: call.sourceRecordId, nextSteps: call.nextSteps, bytes: Buffer.byteLength(JSON.stringify(call.notification)) };
}

/** All calls at once (a few enqueues in flight), as fast as Redis takes them. */
export async function enqueueBacklog(queue: Queue, n: number, callAt: (i: number) => SyntheticCall, inFlight = 8): Promise<Sent[]> {
  const out: Sent[] = new Array<Sent>(n);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < n; i = next++) out[i] = await send(queue, callAt(i));
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, n) }, lane));
  return out;
}

/** One call every 1/rate seconds, on schedule whatever the enqueue takes (arrivals do not wait for the system). */
export async function enqueuePaced(queue: Queue, n: number, callAt: (i: number) => SyntheticCall, rate: number): Promise<Sent[]> {
  const t0 = Date.now();
  const pending: Array<Promise<Sent>> = [];
  for (let i = 0; i < n; i++) {
    const wait = t0 + (i * 1000) / rate - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(send(queue, callAt(i)));
  }
  return Promise.all(pending);
}

/** Redis `used_memory` in bytes. */
export async function redisUsedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? NaN);
}

export interface JobTiming {
  readonly receivedAt: number;
  readonly processedOn: number | undefined;
  readonly finishedOn: number | undefined;
  readonly failedReason: string | undefined;
}

/** What BullMQ recorded for each job: the event's receivedAt (job data) and when it was processed and finished. */
export async function jobTimings(queue: Queue, ids: readonly string[]): Promise<JobTiming[]> {
  const out: JobTiming[] = [];
  for (let i = 0; i < ids.length; i += 50) {
    const jobs = await Promise.all(ids.slice(i, i + 50).map((id) => queue.getJob(id)));
    for (const job of jobs) {
      if (!job) continue;
      out.push({ receivedAt: (job.data as { receivedAt: number }).receivedAt, processedOn: job.processedOn, finishedOn: job.finishedOn, failedReason: job.failedReason || undefined });
    }
  }
  return out;
}
