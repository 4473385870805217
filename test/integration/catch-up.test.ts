/**
 * CatchUp against the RingCentral simulator (unmodified @ringcentral/sdk over loopback), a real Redis and a real
 * BullMQ queue: the call log since the checkpoint, insights per recording, pending recordings, rate limits, and
 * events lost in a Failed WebSocket recovery. Time is an injected clock; waits for rate limits are recorded by an
 * injected sleep that moves that clock.
 */
import { ACE_DOMAINS } from '../../src/calls/domains.ts';
import { PassThrough } from 'node:stream';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createLogger, type Logger } from '../../src/lib/logger.ts';
import { CALLS_QUEUE, callJobId } from '../../src/queue/jobs.ts';
import { enqueueInsights, enqueueNotification } from '../../src/queue/producer.ts';
import { CatchUp, type CatchUpOptions } from '../../src/ringcentral/catch-up.ts';
import { RingCentralError } from '../../src/ringcentral/ringcentral-error.ts';
import { createRingCentralClient, type Platform, type RingCentralClient } from '../../src/ringcentral/sdk.ts';
import { createInsightsListener, type RecoveryInfo } from '../../src/ringcentral/subscription.ts';
import { RingCentralSimulator, type SimRecording } from '../../src/simulators/ringcentral/ringcentral-simulator.ts';
import { SAMPLE_EXTENSIONS, sampleRecording } from '../../src/simulators/ringcentral/sample-data.ts';
import { rcvSampleMeeting } from '../../src/demo/sample-meetings.ts';
import { waitFor } from '../support/pipeline.ts';
import { scratchRedis } from '../support/scratch-redis.ts';

const cleanups: Array<() => Promise<void>> = [];
let sdkCount = 0;
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const minutesAgo = (m: number): string => new Date(Date.now() - m * 60_000).toISOString();
const recording = (id: string, startedMinutesAgo: number, analysed = true): SimRecording =>
  sampleRecording({ sourceRecordId: id, recordingStartTime: minutesAgo(startedMinutesAgo), analysed });
const jobIdOf = (r: SimRecording): string => callJobId(String(r.insights.sourceRecordId), String(r.insights.lastModifiedTime));

interface Harness {
  sim: RingCentralSimulator;
  client: RingCentralClient;
  redis: Redis;
  queue: Queue;
  prefix: string;
  logger: Logger;
  logs: Array<Record<string, unknown>>;
  clock: { now: number };
  sleeps: number[];
  catchUp: CatchUp;
  logged(message: string): Array<Record<string, unknown>>;
}

async function setup(
  opts: { recordings?: SimRecording[]; catchUp?: Partial<CatchUpOptions>; platform?: (real: Platform) => Platform; realTime?: boolean; logLevel?: 'info' | 'debug' } = {},
): Promise<Harness> {
  const sim = await RingCentralSimulator.start({ seed: { extensions: SAMPLE_EXTENSIONS, recordings: opts.recordings ?? [] } });
  cleanups.push(() => sim.stop());
  const client = await createRingCentralClient(
    { serverUrl: sim.url, clientId: sim.clientId, clientSecret: sim.clientSecret, jwt: sim.jwt },
    { cachePrefix: `rc-catchup-${process.pid}-${++sdkCount}-` },
  );
  cleanups.push(() => client.close());
  const { redis, prefix } = scratchRedis('cu', cleanups);
  const queue = new Queue(CALLS_QUEUE, { connection: new Redis(inject('redisUrl'), { maxRetriesPerRequest: null }), prefix });
  cleanups.push(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await queue.disconnect();
  });
  const logs: Array<Record<string, unknown>> = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => chunk.toString('utf8').split('\n').filter((l) => l.trim()).forEach((l) => logs.push(JSON.parse(l) as Record<string, unknown>)));
  const logger = createLogger({ format: 'json', level: opts.logLevel ?? 'info', stream });
  const clock = { now: Date.now() };
  const sleeps: number[] = [];
  const timing: Partial<CatchUpOptions> = opts.realTime
    ? {}
    : {
        now: () => clock.now,
        sleep: (ms) => {
          sleeps.push(ms);
          clock.now += ms;
          return Promise.resolve();
        },
      };
  const catchUp = new CatchUp({
    platform: opts.platform ? opts.platform(client.platform) : client.platform,
    redis,
    prefix,
    enqueue: (insights) => enqueueInsights(queue, insights, 'catch_up', logger, { domains: ACE_DOMAINS }),
    logger,
    ...timing,
    ...opts.catchUp,
  });
  cleanups.push(() => catchUp.close());
  return { sim, client, redis, queue, prefix, logger, logs, clock, sleeps, catchUp, logged: (m) => logs.filter((l) => l.message === m) };
}

async function jobCount(q: Queue): Promise<number> {
  const counts = await q.getJobCounts('waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed');
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

describe('CatchUp', () => {
  it('enqueues every recorded call since the last 24 h on the first run, then only re-reads the overlap', async () => {
    const recs = [recording('410001', 5), recording('410002', 6), recording('410003', 7)];
    const h = await setup({ recordings: recs });
    const t0 = h.clock.now;
    expect(await h.catchUp.run('startup')).toEqual({ callLogPages: 1, meetingPages: 0, recordings: 3, enqueued: 3, duplicates: 0, pending: 0, expired: 0, rateLimitedMs: 0 });
    for (const r of recs) expect((await h.queue.getJob(jobIdOf(r)))?.data).toMatchObject({ kind: 'insights', source: 'catch_up' });
    expect(await h.redis.get(`${h.prefix}:catchup:checkpoint`)).toBe(new Date(t0).toISOString());

    // Entries that reach the call log late: one inside the 15 min overlap before the checkpoint, one outside it.
    const lateInside = recording('410004', 10);
    h.sim.addRecording(lateInside);
    h.sim.addRecording(recording('410005', 20));
    h.clock.now += 60_000;
    expect(await h.catchUp.run('manual')).toEqual({ callLogPages: 1, meetingPages: 0, recordings: 4, enqueued: 1, duplicates: 3, pending: 0, expired: 0, rateLimitedMs: 0 });
    expect(await h.queue.getJob(jobIdOf(lateInside))).toBeDefined();
    expect(await jobCount(h.queue)).toBe(4);
    expect(await h.redis.get(`${h.prefix}:catchup:checkpoint`)).toBe(new Date(t0 + 60_000).toISOString());
    expect(h.logged('catchup_finished').map((l) => l.reason)).toEqual(['startup', 'manual']);
    // Ids only: no call content in the logs.
    expect(JSON.stringify(h.logs)).not.toMatch(/renewal|Morgan Ellis|\+1415/);
  });

  it('keeps a not yet analysed recording pending, enqueues it once analysed, and gives up on one that never is', async () => {
    const [analysedLater, neverAnalysed] = [recording('420001', 5, false), recording('420002', 5, false)];
    const h = await setup({ recordings: [analysedLater, neverAnalysed], logLevel: 'debug' });
    expect(await h.catchUp.run('startup')).toMatchObject({ recordings: 2, enqueued: 0, pending: 2 });
    expect(await h.redis.zrange(`${h.prefix}:catchup:pending`, 0, -1, 'WITHSCORES')).toEqual(['420001', String(h.clock.now), '420002', String(h.clock.now)]);

    h.sim.markAnalysed('420001');
    const stop = h.catchUp.startPeriodic(20);
    cleanups.push(() => Promise.resolve(stop()));
    // Ticks before the first re-check is due (a minute after the 404) ask RingCentral nothing.
    await waitFor(() => h.logged('catchup_rechecked').length >= 3, 10_000, 'three periodic ticks');
    expect(h.sim.counters().requests.insights).toBe(2);
    h.clock.now += 61_000;
    await waitFor(() => h.logged('catchup_rechecked').some((l) => l.enqueued === 1), 10_000, 'the due re-check');
    stop();
    expect(h.logged('catchup_rechecked').find((l) => l.enqueued === 1)).toMatchObject({ level: 'info', pending: 1, expired: 0 });
    expect(await h.queue.getJob(jobIdOf(analysedLater))).toBeDefined();
    expect(await h.redis.zrange(`${h.prefix}:catchup:pending`, 0, -1)).toEqual(['420002']);

    // Six hours later 420002 (a user without a RingSense licence) still answers 404: dropped.
    h.clock.now += 6 * 3600_000;
    expect(await h.catchUp.run('manual')).toMatchObject({ recordings: 2, enqueued: 0, duplicates: 1, expired: 1, pending: 0 });
    expect(h.logged('catchup_gave_up')).toEqual([expect.objectContaining({ sourceRecordId: '420002', checks: 2, level: 'warn' })]);
    expect(await h.redis.zcard(`${h.prefix}:catchup:pending`)).toBe(0);
    expect(await h.redis.hlen(`${h.prefix}:catchup:pending:schedule`)).toBe(0);
    expect(await jobCount(h.queue)).toBe(1);
  });

  it('waits Retry-After on a 429 from the call log and from the insights, and completes', async () => {
    const h = await setup({ recordings: [recording('430001', 5), recording('430002', 6), recording('430003', 7)] });
    h.sim.rateLimit('call-log', { count: 1, retryAfterSeconds: 2 });
    h.sim.rateLimit('insights', { count: 1, retryAfterSeconds: 1 });
    expect(await h.catchUp.run('startup')).toEqual({ callLogPages: 1, meetingPages: 0, recordings: 3, enqueued: 3, duplicates: 0, pending: 0, expired: 0, rateLimitedMs: 3000 });
    expect(h.sleeps).toEqual([2000, 1000]);
    expect(h.sim.counters().requests).toMatchObject({ 'call-log': 2, insights: 4 });
    expect(h.logged('catchup_rate_limited').map((l) => [l.group, l.waitMs])).toEqual([['heavy', 2000], ['light', 1000]]);
  });

  it('pages the call log at least 6 s apart (Heavy group, from the X-Rate-Limit headers)', async () => {
    const h = await setup({ recordings: [recording('431001', 5), recording('431002', 6), recording('431003', 7)], catchUp: { perPage: 2 } });
    expect(await h.catchUp.run('startup')).toMatchObject({ callLogPages: 2, meetingPages: 0, recordings: 3, enqueued: 3, rateLimitedMs: 6000 });
    expect(h.sleeps).toEqual([6000]);
  });

  it('shares one pass between concurrent calls, and reads the call log again on the next tick', async () => {
    const h = await setup({ recordings: [recording('432001', 5)] });
    const first = h.catchUp.run('startup');
    expect(h.catchUp.run('recovery_failed')).toBe(first);
    expect(await first).toMatchObject({ callLogPages: 1, enqueued: 1 });
    expect(h.sim.counters().requests['call-log']).toBe(1);
    h.clock.now += 10_000;
    const stop = h.catchUp.startPeriodic(20);
    cleanups.push(() => Promise.resolve(stop()));
    await waitFor(() => h.logged('catchup_finished').length === 2, 10_000, 'the follow-up pass');
    expect(h.logged('catchup_finished')[1]).toMatchObject({ reason: 'periodic', duplicates: 1 });
  });

  it('throws a RingCentralError on a refused call-log request, keeps the checkpoint, and retries on the next tick', async () => {
    let broken = true;
    // A real 400 from the simulator: an out-of-range perPage while `broken`.
    const platform = (real: Platform) =>
      ({ get: (url: string, query?: Record<string, string>) => real.get(url, broken && url.endsWith('/call-log') ? { ...query, perPage: '5000' } : query) }) as unknown as Platform;
    const h = await setup({ recordings: [recording('433001', 5)], platform });
    const e = await h.catchUp.run('startup').catch((err: unknown) => err);
    expect(e).toBeInstanceOf(RingCentralError);
    expect((e as RingCentralError).failure).toMatchObject({ kind: 'permanent', code: 'CMN-101' });
    expect(h.logged('catchup_failed')).toEqual([expect.objectContaining({ reason: 'startup', kind: 'permanent', code: 'CMN-101' })]);
    expect(await h.redis.get(`${h.prefix}:catchup:checkpoint`)).toBeNull();

    broken = false;
    const stop = h.catchUp.startPeriodic(20);
    cleanups.push(() => Promise.resolve(stop()));
    await waitFor(() => h.logged('catchup_finished').length === 1, 10_000, 'the retried pass');
    expect(h.logged('catchup_finished')[0]).toMatchObject({ reason: 'periodic', enqueued: 1 });
    expect(await h.redis.get(`${h.prefix}:catchup:checkpoint`)).not.toBeNull();
  });

  it('close() cuts a Retry-After wait short: the pass ends without moving the checkpoint', async () => {
    const h = await setup({ recordings: [recording('434001', 5)], realTime: true });
    h.sim.rateLimit('call-log', { count: 1, retryAfterSeconds: 60 });
    const pass = h.catchUp.run('startup');
    await waitFor(() => h.logged('catchup_rate_limited').length === 1, 10_000, 'the 429');
    const closedAt = Date.now();
    await h.catchUp.close();
    expect(await pass).toMatchObject({ callLogPages: 0, enqueued: 0, rateLimitedMs: 60_000 });
    expect(Date.now() - closedAt).toBeLessThan(5000);
    expect(h.logged('catchup_stopped')).toEqual([expect.objectContaining({ reason: 'startup' })]);
    expect(h.logged('catchup_failed')).toEqual([]);
    expect(await h.redis.get(`${h.prefix}:catchup:checkpoint`)).toBeNull();
    expect(await h.catchUp.run('manual')).toMatchObject({ callLogPages: 0 });
  });

  it('enqueues, once, an event the gateway lost in a Failed recovery', async () => {
    const h = await setup({ recordings: [recording('440001', 30)], realTime: true });
    const recoveries: RecoveryInfo[] = [];
    const catchUp = h.catchUp;
    const listener = createInsightsListener({
      sdk: h.client.sdk,
      logger: h.logger,
      onNotification: async (raw) => {
        await enqueueNotification(h.queue, raw, h.logger, { domains: ACE_DOMAINS });
      },
      onRecovered: (i) => {
        recoveries.push(i);
        if (!i.recovered) void catchUp.run(i.reason);
      },
      backoff: { baseMs: 100, maxMs: 400, jitter: 'equal' },
    });
    cleanups.push(() => listener.stop());
    await listener.start();
    expect(listener.state()).toBe('connected');
    expect(await catchUp.run('startup')).toMatchObject({ enqueued: 1 });

    h.sim.dropSockets({ recovery: 'failed' });
    const lost = recording('440002', 4, false);
    h.sim.addRecording(lost);
    h.sim.publishInsights('440002'); // analysed now; sent while the socket is down, and dropped by the Failed recovery
    await waitFor(async () => (await h.queue.getJob(jobIdOf(lost))) !== undefined, 30_000, 'the caught-up job');
    expect(recoveries).toEqual([{ recovered: false, reason: 'recovery_failed' }]);
    expect(listener.stats().notifications).toBe(0);
    expect((await h.queue.getJob(jobIdOf(lost)))?.data).toMatchObject({ kind: 'insights', source: 'catch_up' });
    await waitFor(() => h.logged('catchup_finished').length === 2, 10_000, 'the recovery pass');
    expect(h.logged('catchup_finished')[1]).toMatchObject({ reason: 'recovery_failed', enqueued: 1 });

    // RingSense sends the event (again) later: same job id, no second job.
    h.sim.publishInsights('440002');
    await waitFor(() => h.logged('event_duplicate').some((l) => l.sourceRecordId === '440002'), 10_000, 'the late event');
    expect(listener.stats().notifications).toBe(1);
    expect(await jobCount(h.queue)).toBe(2);
  });

  it('rcv: recovers a missed meeting from the account meeting history; an unrecorded meeting is dropped, an unanalysed one waits', async () => {
    const h = await setup({ catchUp: { domains: ['pbx', 'rcv'] }, logLevel: 'debug' });
    const meetingAt = (id: string, startedMinutesAgo: number, recorded: boolean) => {
      const { meeting, insights } = rcvSampleMeeting();
      const startTime = minutesAgo(startedMinutesAgo);
      return {
        meeting: { ...meeting, id, startTime, recordings: recorded ? meeting.recordings : [] },
        insights: { ...insights, sourceRecordId: id, sourceSessionId: id },
      };
    };
    const missed = meetingAt('aaaa1111-0000-4000-8000-000000000001!us-15-cmh06@us-15', 50, true);
    const unrecorded = meetingAt('aaaa1111-0000-4000-8000-000000000002!us-15-cmh06@us-15', 40, false);
    const unanalysed = meetingAt('aaaa1111-0000-4000-8000-000000000003!us-15-cmh06@us-15', 30, true);
    for (const m of [missed, unrecorded, unanalysed]) h.sim.addMeeting(m.meeting);
    h.sim.addRecording({ insights: missed.insights });
    h.sim.addRecording({ insights: unanalysed.insights, analysed: false });
    expect(await h.catchUp.run('startup')).toEqual({ callLogPages: 1, meetingPages: 1, recordings: 3, enqueued: 1, duplicates: 0, pending: 1, expired: 0, rateLimitedMs: 0 });
    const job = await h.queue.getJob(callJobId(missed.insights.sourceRecordId, String((missed.insights as Record<string, unknown>).lastModifiedTime)));
    expect(job?.data).toMatchObject({ kind: 'insights', source: 'catch_up' });
    expect(h.logged('catchup_not_recorded').map((l) => l.sourceRecordId)).toEqual([unrecorded.meeting.id]);
    // The pending one is fetched under its own domain once it is analysed.
    h.sim.markAnalysed(unanalysed.insights.sourceRecordId);
    h.clock.now += 20 * 60_000;
    expect(await h.catchUp.run('manual')).toMatchObject({ meetingPages: 1, enqueued: 1, duplicates: 1, pending: 0 });
    expect(await jobCount(h.queue)).toBe(2);
  });
});
