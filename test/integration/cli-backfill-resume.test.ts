/**
 * `backfill` killed (SIGKILL) half-way and run again, as separate processes against the RingCentral simulator and a
 * real Redis: the second run resumes from the checkpoint. Between the CLI and the simulator sits a small counting
 * proxy (test/support/counting-proxy.ts) that records every call-log page and every recording's insights request,
 * and holds the request at which the test kills the CLI, so the kill lands at a known point. The proxy also shortens
 * the rate windows the simulator announces (X-Rate-Limit-Window 60 s -> 1 s) so the Heavy pacing of the call log
 * (one page per window/limit) takes 100 ms instead of 6 s. The rcv backfill: cli-backfill-rcv-resume.test.ts.
 */
import { join } from 'node:path';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { DEMO_MAPPING_YAML } from '../../src/demo/demo-seed.ts';
import { callJobId } from '../../src/queue/jobs.ts';
import { sampleRecording } from '../../src/simulators/ringcentral/sample-data.ts';
import type { SimRecording } from '../../src/simulators/ringcentral/state.ts';
import { type Simulators } from '../../src/simulators/start-simulators.ts';
import { startCliWorld, type CliWorld } from '../support/cli-world.ts';
import { runCli, spawnCli } from '../support/cli.ts';
import { countBy, startCountingProxy, type CountingProxy } from '../support/counting-proxy.ts';
import { until } from '../support/until.ts';

/** 10 recordings on one day of 2025, newest first in the call log (as RingCentral lists them). */
const day = (d: string, base: number): SimRecording[] =>
  Array.from({ length: 10 }, (_, i) => sampleRecording({ sourceRecordId: String(base + i), recordingStartTime: `${d}T${String(9 + i).padStart(2, '0')}:00:00.000Z` }));
const jobIdOf = (r: SimRecording): string => callJobId(String(r.insights.sourceRecordId), String(r.insights.lastModifiedTime));
const callLogOrder = (recs: readonly SimRecording[]): string[] => recs.map((r) => String(r.insights.sourceRecordId)).reverse();

describe('backfill resumes after a kill (separate processes, RingCentral simulator, real Redis)', () => {
  let world: CliWorld | undefined;
  let sims: Simulators;
  let proxy: CountingProxy;
  let dir: string;
  let prefix: string;
  let redis: Redis;
  let queue: Queue;

  const env = (): Record<string, string> => ({ ...sims.env, RINGCENTRAL_SERVER_URL: proxy.url, REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: prefix, MAPPING_FILE: join(dir, 'mapping.yaml') });
  const count = (out: string, label: string): number => Number(new RegExp(`^  ${label}\\s+(\\d+)$`, 'm').exec(out)?.[1]);

  beforeAll(async () => {
    world = await startCliWorld('bfr', DEMO_MAPPING_YAML);
    ({ sims, dir, prefix, redis, queue } = world);
    proxy = await startCountingProxy(sims.rc.url);
  });

  beforeEach(() => {
    proxy.seen.length = 0;
    proxy.setHold(() => false);
  });

  afterAll(async () => {
    await proxy?.stop();
    await world?.stop();
  });

  it('killed during the insights fetches, the next run reads no page again and fetches only the unsettled recordings', async () => {
    const recs = day('2025-03-10', 720001);
    for (const r of recs) sims.rc.addRecording(r);
    const order = callLogOrder(recs);
    const args = ['backfill', '--since', '2025-03-10', '--until', '2025-03-10', '--page-size', '3'];

    // Run 1: killed when it asks for the 5th recording's insights (4 settled, the 5th in flight).
    let insightsAsked = 0;
    proxy.setHold((s) => s.kind === 'insights' && ++insightsAsked === 5);
    const first = spawnCli(args, { env: env() });
    await until(() => insightsAsked >= 5, 'the 5th insights request', 30_000);
    first.child.kill('SIGKILL');
    await first.exited();
    expect(first.child.signalCode).toBe('SIGKILL');
    const run1 = [...proxy.seen];
    expect(countBy(run1, 'call-log')).toEqual(new Map([['1', 1], ['2', 1], ['3', 1], ['4', 1]]));
    expect(run1.filter((s) => s.kind === 'insights').map((s) => s.key)).toEqual(order.slice(0, 5));
    expect((await queue.getJobCounts('waiting')).waiting).toBe(4);

    // Run 2: the same command resumes.
    proxy.seen.length = 0;
    proxy.setHold(() => false);
    const second = await runCli(args, { env: env() });
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^Resuming the backfill interrupted after .*: every call-log page read \(10 recordings\), 4 recordings settled\.$/m);
    expect(second.stdout).toContain('resuming: 4 of 10 done before');
    expect(second.stdout).toContain('10 recordings in the call log (4 pages).');
    expect(count(second.stdout, 'queued')).toBe(10);
    expect(second.stdout).toContain('4 of them were settled by the interrupted run');
    expect(second.stdout).toContain('the checkpoint of this window is marked finished');
    const run2 = [...proxy.seen];
    // No call-log page read again; insights only for the 6 recordings not settled (the 5th is asked twice in all).
    expect(countBy(run2, 'call-log').size).toBe(0);
    expect(run2.filter((s) => s.kind === 'insights').map((s) => s.key)).toEqual(order.slice(4));
    const insightsInAll = countBy([...run1, ...run2], 'insights');
    expect(order.map((id) => insightsInAll.get(id))).toEqual([1, 1, 1, 1, 2, 1, 1, 1, 1, 1]);

    // Every recording queued exactly once.
    expect((await queue.getJobCounts('waiting')).waiting).toBe(10);
    for (const r of recs) expect((await queue.getJob(jobIdOf(r)))?.data).toMatchObject({ kind: 'insights', source: 'backfill' });

    // Run 3: the finished checkpoint is started over: everything is checked again and found queued.
    proxy.seen.length = 0;
    const third = await runCli(args, { env: env() });
    expect(third.code).toBe(0);
    expect(third.stdout).toMatch(/A run of this window finished at .*: checking every recording again from page 1/);
    expect([count(third.stdout, 'queued'), count(third.stdout, 'already queued')]).toEqual([0, 10]);
    expect(countBy(proxy.seen, 'call-log').size).toBe(4);
  });

  it('killed while reading the call log, the next run reads again only the page it was reading; --restart starts over', async () => {
    const recs = day('2025-03-11', 730001);
    for (const r of recs) sims.rc.addRecording(r);
    const args = ['backfill', '--since', '2025-03-11T00:00Z', '--until', '2025-03-12T00:00Z', '--page-size', '3'];

    proxy.setHold((s) => s.kind === 'call-log' && s.key === '3');
    const first = spawnCli(args, { env: env() });
    await until(() => proxy.seen.some((s) => s.kind === 'call-log' && s.key === '3'), 'the request of page 3', 30_000);
    first.child.kill('SIGKILL');
    await first.exited();
    const run1 = [...proxy.seen];
    expect(countBy(run1, 'insights').size).toBe(0);

    proxy.seen.length = 0;
    proxy.setHold(() => false);
    const second = await runCli(args, { env: env() });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/Resuming the backfill .*: 2 call-log pages read \(6 recordings so far\), going on from page 3, 0 recordings settled\./);
    const pagesInAll = countBy([...run1, ...proxy.seen], 'call-log');
    expect(pagesInAll).toEqual(new Map([['1', 1], ['2', 1], ['3', 2], ['4', 1]]));
    expect([...pagesInAll.values()].filter((n) => n > 1)).toHaveLength(1);
    const insights = countBy(proxy.seen, 'insights');
    expect(insights.size).toBe(10);
    expect([...insights.values()].every((n) => n === 1)).toBe(true);
    // Heavy pacing: call-log pages are spaced by window / limit (1 s / 10 here); insights (Light) are not spaced.
    const pageTimes = proxy.seen.filter((s) => s.kind === 'call-log').map((s) => s.at);
    for (let i = 1; i < pageTimes.length; i += 1) expect(pageTimes[i]! - pageTimes[i - 1]!).toBeGreaterThanOrEqual(90);

    proxy.seen.length = 0;
    const restarted = await runCli([...args, '--restart'], { env: env() });
    expect(restarted.code).toBe(0);
    expect(restarted.stdout).toContain('--restart: the earlier checkpoint of this window was deleted; starting from page 1.');
    expect(restarted.stdout).not.toContain('Resuming');
    expect(countBy(proxy.seen, 'call-log')).toEqual(new Map([['1', 1], ['2', 1], ['3', 1], ['4', 1]]));
    expect(count(restarted.stdout, 'already queued')).toBe(10);
  });

  it('a checkpoint lives under the queue prefix, expires in about 30 days, and dry runs neither read nor write one', async () => {
    const keys = await redis.keys(`${prefix}:backfill:*`);
    expect(keys.sort()).toEqual([
      `${prefix}:backfill:pbx:2025-03-10T00:00:00.000Z..2025-03-11T00:00:00.000Z`,
      `${prefix}:backfill:pbx:2025-03-10T00:00:00.000Z..2025-03-11T00:00:00.000Z:ids`,
      `${prefix}:backfill:pbx:2025-03-10T00:00:00.000Z..2025-03-11T00:00:00.000Z:settled`,
      `${prefix}:backfill:pbx:2025-03-11T00:00:00.000Z..2025-03-12T00:00:00.000Z`,
      `${prefix}:backfill:pbx:2025-03-11T00:00:00.000Z..2025-03-12T00:00:00.000Z:ids`,
      `${prefix}:backfill:pbx:2025-03-11T00:00:00.000Z..2025-03-12T00:00:00.000Z:settled`,
    ]);
    const ttl = await redis.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(29 * 24 * 3600_000);
    expect(ttl).toBeLessThanOrEqual(30 * 24 * 3600_000);

    const dry = await runCli(['backfill', '--since', '2025-03-12', '--until', '2025-03-12', '--dry-run'], { env: env() });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Dry run (no checkpoint read or written)');
    expect(await redis.keys(`${prefix}:backfill:pbx:2025-03-12*`)).toEqual([]);
  });

  it('--domain other than pbx or rcv is a usage error that says why', async () => {
    const r = await runCli(['backfill', '--since', '2025-03-10', '--domain', 'rcx'], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--domain rcx (RingCX contact center calls) cannot be backfilled: backfill finds recordings in the call log, which lists only pbx');
    expect(r.stderr).toContain('Usage: ringsense-sync backfill');
    const unknown = await runCli(['backfill', '--since', '2025-03-10', '--domain', 'zoom'], { env: env() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--domain zoom: unknown domain');
  });
});
