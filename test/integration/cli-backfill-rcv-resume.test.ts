/**
 * `backfill --domain rcv`: the meetings of the window from the account's RingCentral Video meeting history (pages
 * chained by tokens), each one's insights fetched and queued, killed (SIGKILL) half-way and run again as separate
 * processes against the RingCentral simulator and a real Redis. The counting proxy (test/support/counting-proxy.ts)
 * records every meeting-history page (by its token), insights request and meeting lookup, and holds the request at
 * which the test kills the CLI. The simulator enforces the Light group at 20 requests a second (every group's
 * window 1 s): the backfill must pace itself, no request is ever answered 429.
 */
import { join } from 'node:path';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { DEMO_MAPPING_YAML } from '../../src/demo/demo-seed.ts';
import { rcvSampleMeeting, type MeetingInsights } from '../../src/demo/sample-meetings.ts';
import { callJobId } from '../../src/queue/jobs.ts';
import { pageToken } from '../../src/simulators/ringcentral/rcvideo-api.ts';
import type { RcvMeeting } from '../../src/simulators/ringcentral/rcvideo-meeting.ts';
import { type Simulators } from '../../src/simulators/start-simulators.ts';
import { startCliWorld, type CliWorld } from '../support/cli-world.ts';
import { runCli, spawnCli } from '../support/cli.ts';
import { countBy, startCountingProxy, type CountingProxy } from '../support/counting-proxy.ts';
import { until } from '../support/until.ts';

interface Sample {
  readonly meeting: RcvMeeting;
  readonly insights: MeetingInsights;
  readonly kind: 'analysed' | 'not_recorded' | 'not_analysed';
}

const MEETINGS = 25;
const NOT_RECORDED = [2, 16];
const NOT_ANALYSED = [5];

/** 25 meetings of one day, every 20 minutes from 08:00 (oldest first, as the backfill asks the history to list them): 2 nobody recorded, 1 not analysed yet. */
function day(d: string, tag: string): Sample[] {
  return Array.from({ length: MEETINGS }, (_, i) => {
    const { meeting, insights } = rcvSampleMeeting();
    const id = `${tag}-0000-4000-8000-${String(i).padStart(12, '0')}!us-15-cmh06@us-15`;
    const startTime = new Date(Date.parse(`${d}T08:00:00.000Z`) + i * 20 * 60_000).toISOString();
    const kind = NOT_RECORDED.includes(i) ? 'not_recorded' : NOT_ANALYSED.includes(i) ? 'not_analysed' : 'analysed';
    const lastModifiedTime = new Date(Date.parse(startTime) + 30 * 60_000).toISOString();
    return {
      meeting: { ...meeting, id, startTime, recordings: kind === 'not_recorded' ? [] : meeting.recordings },
      insights: { ...insights, sourceRecordId: id, sourceSessionId: id, creationTime: lastModifiedTime, lastModifiedTime },
      kind,
    };
  });
}
const jobIdOf = (s: Sample): string => callJobId(s.insights.sourceRecordId, String(s.insights.lastModifiedTime));
const idsOf = (samples: readonly Sample[], kind?: Sample['kind']): string[] => samples.filter((s) => kind === undefined || s.kind === kind).map((s) => s.meeting.id);

describe('backfill --domain rcv resumes after a kill (meeting history, RingCentral simulator, real Redis)', () => {
  let world: CliWorld | undefined;
  let sims: Simulators;
  let proxy: CountingProxy;
  let dir: string;
  let prefix: string;
  let redis: Redis;
  let queue: Queue;

  const env = (): Record<string, string> => ({
    ...sims.env,
    RINGCENTRAL_SERVER_URL: proxy.url,
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: prefix,
    MAPPING_FILE: join(dir, 'mapping.yaml'),
    RINGSENSE_DOMAINS: 'pbx,rcv',
  });
  const count = (out: string, label: string): number => Number(new RegExp(`^  ${label}\\s+(\\d+)$`, 'm').exec(out)?.[1]);
  const load = (samples: readonly Sample[]): void => {
    for (const s of samples) {
      sims.rc.addMeeting(s.meeting);
      if (s.kind !== 'not_recorded') sims.rc.addRecording({ insights: s.insights, analysed: s.kind === 'analysed' });
    }
  };
  /** Each analysed meeting queued exactly once, from the backfill; none of the others. */
  const expectQueuedOnce = async (samples: readonly Sample[]): Promise<void> => {
    for (const s of samples) {
      const job = await queue.getJob(jobIdOf(s));
      if (s.kind === 'analysed') expect(job?.data, s.meeting.id).toMatchObject({ kind: 'insights', source: 'backfill' });
      else expect(job, s.meeting.id).toBeUndefined();
    }
  };

  beforeAll(async () => {
    world = await startCliWorld('bfv', DEMO_MAPPING_YAML);
    ({ sims, dir, prefix, redis, queue } = world);
    const perSecond = (limit: number) => ({ limit, windowSeconds: 1 });
    sims.rc.configureRateLimits({ enforce: true, groups: { Light: perSecond(20), Medium: perSecond(40), Heavy: perSecond(10), Auth: perSecond(5) } });
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

  it('killed while reading the meeting history, the next run reads again only the page it was reading (by its token)', async () => {
    const samples = day('2025-04-01', 'bbbb2222');
    load(samples);
    const args = ['backfill', '--domain', 'rcv', '--since', '2025-04-01', '--until', '2025-04-01', '--page-size', '10'];

    // Run 1: killed while waiting for the 3rd page (its token: offset 20).
    proxy.setHold((s) => s.kind === 'meetings' && s.key === pageToken(20));
    const first = spawnCli(args, { env: env() });
    await until(() => proxy.seen.some((s) => s.kind === 'meetings' && s.key === pageToken(20)), 'the request of page 3', 30_000);
    first.child.kill('SIGKILL');
    await first.exited();
    expect(first.child.signalCode).toBe('SIGKILL');
    const run1 = [...proxy.seen];
    expect(countBy(run1, 'meetings')).toEqual(new Map([['', 1], [pageToken(10), 1], [pageToken(20), 1]]));
    expect(countBy(run1, 'insights').size).toBe(0);

    // Run 2: the same command resumes from the stored token.
    proxy.seen.length = 0;
    proxy.setHold(() => false);
    const second = await runCli(args, { env: env() });
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Reading the meeting history from 2025-04-01 00:00 UTC to 2025-04-02 00:00 UTC (meetings that started in the window)...');
    expect(second.stdout).toMatch(/^Resuming the backfill interrupted after .*: 2 meeting-history pages read \(20 meetings so far\), going on from page 3, 0 meetings settled\.$/m);
    expect(second.stdout).toContain('25 meetings in the meeting history (3 pages).');
    expect([count(second.stdout, 'queued'), count(second.stdout, 'not analysed'), count(second.stdout, 'not recorded')]).toEqual([22, 1, 2]);
    expect(second.stdout).toMatch(/^Not analysed \(no RingSense insights.*\): bbbb2222-0000-4000-8000-000000000005!us-15-cmh06@us-15$/m);
    expect(second.stdout).toContain('Not recorded: 2 meetings without a recording in the meeting history (no insights will ever come): skipped.');
    const run2 = [...proxy.seen];
    const pagesInAll = countBy([...run1, ...run2], 'meetings');
    expect(pagesInAll).toEqual(new Map([['', 1], [pageToken(10), 1], [pageToken(20), 2]]));
    expect([...pagesInAll.values()].filter((n) => n > 1)).toHaveLength(1);
    // Every meeting's insights asked once, oldest first; only those without insights looked up in the history.
    expect(run2.filter((s) => s.kind === 'insights').map((s) => s.key)).toEqual(idsOf(samples));
    expect(run2.filter((s) => s.kind === 'meeting').map((s) => s.key)).toEqual(idsOf(samples).filter((_, i) => NOT_RECORDED.includes(i) || NOT_ANALYSED.includes(i)));
    await expectQueuedOnce(samples);

    // Paced to the Light group: the simulator enforced 20 a second and never had to refuse one. (Whether the run
    // had to wait for the limit depends on how fast this machine is: not asserted.)
    expect(run2.filter((s) => s.status === 429)).toEqual([]);
  });

  it('killed during the insights fetches, the next run lists nothing again and fetches only the unsettled meetings', async () => {
    const samples = day('2025-04-02', 'cccc3333');
    load(samples);
    const args = ['backfill', '--domain', 'rcv', '--since', '2025-04-02T00:00Z', '--until', '2025-04-03T00:00Z', '--page-size', '10'];
    const all = idsOf(samples);

    // Run 1: killed when it asks for the 13th meeting's insights (12 settled, among them one unrecorded and the unanalysed one).
    let insightsAsked = 0;
    proxy.setHold((s) => s.kind === 'insights' && ++insightsAsked === 13);
    const first = spawnCli(args, { env: env() });
    await until(() => insightsAsked >= 13, 'the 13th insights request', 30_000);
    first.child.kill('SIGKILL');
    await first.exited();
    const run1 = [...proxy.seen];
    expect(countBy(run1, 'meetings').size).toBe(3);
    expect(run1.filter((s) => s.kind === 'insights').map((s) => s.key)).toEqual(all.slice(0, 13));
    expect(run1.filter((s) => s.kind === 'meeting').map((s) => s.key)).toEqual([all[2], all[5]]);

    proxy.seen.length = 0;
    proxy.setHold(() => false);
    const second = await runCli(args, { env: env() });
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^Resuming the backfill interrupted after .*: every meeting-history page read \(25 meetings\), 12 meetings settled\.$/m);
    expect(second.stdout).toContain('resuming: 12 of 25 done before');
    expect([count(second.stdout, 'queued'), count(second.stdout, 'not analysed'), count(second.stdout, 'not recorded')]).toEqual([22, 1, 2]);
    expect(second.stdout).toContain('12 of them were settled by the interrupted run');
    const run2 = [...proxy.seen];
    expect(countBy(run2, 'meetings').size).toBe(0);
    expect(run2.filter((s) => s.kind === 'insights').map((s) => s.key)).toEqual(all.slice(12));
    expect(run2.filter((s) => s.kind === 'meeting').map((s) => s.key)).toEqual([all[16]]);
    await expectQueuedOnce(samples);
    expect((await queue.getJobCounts('waiting')).waiting).toBe(44);

    // Run 3: the finished checkpoint is started over: every meeting checked again and found queued.
    proxy.seen.length = 0;
    const third = await runCli(args, { env: env() });
    expect(third.code).toBe(0);
    expect([count(third.stdout, 'queued'), count(third.stdout, 'already queued'), count(third.stdout, 'not recorded')]).toEqual([0, 22, 2]);
    expect(countBy(proxy.seen, 'meetings').size).toBe(3);
  });

  it('the rcv checkpoint lives beside the pbx ones; the page size is the meeting history\'s (10..100); rcv must be synced', async () => {
    expect((await redis.keys(`${prefix}:backfill:rcv:*`)).sort()).toEqual([
      `${prefix}:backfill:rcv:2025-04-01T00:00:00.000Z..2025-04-02T00:00:00.000Z`,
      `${prefix}:backfill:rcv:2025-04-01T00:00:00.000Z..2025-04-02T00:00:00.000Z:ids`,
      `${prefix}:backfill:rcv:2025-04-01T00:00:00.000Z..2025-04-02T00:00:00.000Z:settled`,
      `${prefix}:backfill:rcv:2025-04-02T00:00:00.000Z..2025-04-03T00:00:00.000Z`,
      `${prefix}:backfill:rcv:2025-04-02T00:00:00.000Z..2025-04-03T00:00:00.000Z:ids`,
      `${prefix}:backfill:rcv:2025-04-02T00:00:00.000Z..2025-04-03T00:00:00.000Z:settled`,
    ]);
    for (const size of ['5', '101']) {
      const r = await runCli(['backfill', '--domain', 'rcv', '--since', '2025-04-01', '--page-size', size], { env: env() });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--page-size ${size}: a whole number from 10 to 100`);
    }
    const off = await runCli(['backfill', '--domain', 'rcv', '--since', '2025-04-01', '--until', '2025-04-01'], { env: { ...env(), RINGSENSE_DOMAINS: 'pbx' } });
    expect(off.code).toBe(1);
    expect(off.stderr).toContain('rcv is not among the synced domains');
  });
});
