import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { demoRingCentralSeed, demoSalesforceSeed } from '../../src/demo/demo-seed.ts';
import { startRedisServer } from '../../src/lib/local-redis.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';
import { FAULT_CALLS, recentRecordings, recordIdOf, tally } from './fault-harness.ts';

let p: Pipeline | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await p?.stop();
  p = undefined;
  for (const c of cleanups.splice(0)) await c();
});

/** Lines a call's processing writes: expected during and after an outage, unlike Redis errors. */
const JOB_LINES = new Set(['event_enqueued', 'event_duplicate', 'call_synced', 'call_retry_later', 'call_busy_retry_later', 'catchup_started', 'catchup_finished', 'catchup_rechecked']);
const HEALTH_LINES = new Set(['redis_unreachable', 'redis_still_unreachable', 'redis_reconnected']);
/** The service's log lines from `from` on (by their timestamps). */
const outageLines = (logs: ReadonlyArray<Record<string, unknown>>, from: number) => logs.filter((l) => Date.parse(String(l.timestamp)) >= from);

/** Publishes the first four calls and waits until one is being written and another waits (Redis then goes away). */
async function publishUntilBusy(pl: Pipeline): Promise<void> {
  FAULT_CALLS.slice(0, 4).forEach((n) => pl.sims.rc.publishInsights(recordIdOf(n)));
  await waitFor(async () => {
    const c = await pl.service.queue.getJobCounts('active', 'wait', 'waiting');
    return (c.active ?? 0) >= 1 && (c.active ?? 0) + (c.wait ?? 0) + (c.waiting ?? 0) >= 2;
  }, 20_000, 'jobs waiting and active');
}

const notified = (pl: Pipeline, n: number) => waitFor(() => (pl.service.listener?.stats().notifications ?? 0) >= n, 30_000, `${n} notifications`);

describe('fault suite: Redis and the WebSocket', () => {
  it('Redis restarts (append-only) while jobs wait and run: none lost, listener and workers reconnect', async ({ task }) => {
    const dir = mkdtempSync(join(tmpdir(), 'fault-redis-'));
    let redis = await startRedisServer({ appendOnly: true, dir });
    cleanups.push(() => redis.stop());
    p = await startPipeline({ env: { REDIS_URL: redis.url }, service: { backoff: { baseMs: 200, maxMs: 1000 } } });
    p.sims.sf.setLatency(400);
    await publishUntilBusy(p);
    await redis.stop();
    const downAt = Date.now();
    await new Promise((r) => setTimeout(r, 1500)); // Redis is down for a while
    redis = await startRedisServer({ appendOnly: true, dir, port: redis.port });
    const after = FAULT_CALLS.slice(4);
    after.forEach((n) => p!.sims.rc.publishInsights(recordIdOf(n)));
    await p.settled(FAULT_CALLS.length, 60_000);
    const row = { scenario: 'Redis restart (append-only)', ...tally(p.sims, FAULT_CALLS), recoverMs: Date.now() - downAt };
    task.meta.fault = row;
    expect((await p.service.queue.getJobCounts('failed')).failed).toBe(0);
    expect(row).toMatchObject({ writtenOnce: FAULT_CALLS.length, duplicates: 0, lost: 0 });
  });

  it('Redis down 30 s while calls wait and run: none lost or doubled; one line when lost, one when back, reminders between', async ({ task }) => {
    const dir = mkdtempSync(join(tmpdir(), 'fault-redis-down-'));
    let redis = await startRedisServer({ appendOnly: true, dir });
    cleanups.push(() => redis.stop());
    const reminderMs = 10_000;
    p = await startPipeline({ env: { REDIS_URL: redis.url }, service: { backoff: { baseMs: 200, maxMs: 1000 }, redisReminderMs: reminderMs } });
    p.sims.sf.setLatency(400);
    await publishUntilBusy(p);
    const downAt = Date.now(); // before stop(): the connections see the socket close before stop() returns
    await redis.stop();
    // Events arriving during the outage wait in memory for Redis.
    FAULT_CALLS.slice(4).forEach((n) => p!.sims.rc.publishInsights(recordIdOf(n)));
    await new Promise((r) => setTimeout(r, 30_000)); // the outage itself: Redis stays down for 30 s
    const upAt = Date.now();
    redis = await startRedisServer({ appendOnly: true, dir, port: redis.port });
    await p.settled(FAULT_CALLS.length, 90_000);
    await waitFor(() => p!.logs.some((l) => l.message === 'redis_reconnected'), 20_000, 'the reconnected line');
    const lines = outageLines(p.logs, downAt);
    const during = lines.filter((l) => Date.parse(String(l.timestamp)) < upAt);
    const count = (m: string) => lines.filter((l) => l.message === m).length;
    const byMessage = (ls: typeof lines) => Object.fromEntries(Object.entries(Object.groupBy(ls, (l) => String(l.message))).map(([m, v]) => [m, v?.length ?? 0]));
    const counted = {
      duringOutage: during.length,
      unreachable: count('redis_unreachable'),
      reminders: count('redis_still_unreachable'),
      reconnected: count('redis_reconnected'),
      stacksDuringOutage: during.filter((l) => JSON.stringify(l).includes('"stack"')).length,
      otherDuringOutage: during.filter((l) => !JOB_LINES.has(String(l.message)) && !HEALTH_LINES.has(String(l.message))).length,
    };
    const row = {
      scenario: `Redis down 30 s (log lines while down: ${counted.duringOutage}; ${counted.unreachable} lost, ${counted.reminders} reminders, ${counted.reconnected} back, ${counted.stacksDuringOutage} stacks)`,
      ...tally(p.sims, FAULT_CALLS),
      // From Redis back. Calls that were being written lost their BullMQ job locks in the outage (they expired), so
      // they wait for the stalled-job check (30 s) to run again: most of this time.
      recoverMs: Date.now() - upAt,
    };
    task.meta.fault = row;
    console.log(`Redis down 30 s, log lines counted: ${JSON.stringify(counted)}; while down: ${JSON.stringify(byMessage(during))}; after: ${JSON.stringify(byMessage(lines.filter((l) => !during.includes(l))))}`);
    expect((await p.service.queue.getJobCounts('failed')).failed).toBe(0);
    expect(row).toMatchObject({ writtenOnce: FAULT_CALLS.length, duplicates: 0, lost: 0 });
    expect(counted).toMatchObject({ unreachable: 1, reconnected: 1, stacksDuringOutage: 0, otherDuringOutage: 0 });
    // A reminder every 10 s of a 30 s outage: 2 or 3, as the restart takes a moment.
    expect(counted.reminders).toBeGreaterThanOrEqual(Math.floor(30_000 / reminderMs) - 1);
    expect(counted.reminders).toBeLessThanOrEqual(Math.ceil(30_000 / reminderMs) + 1);
  });

  it('the WebSocket drops and recovers its session: events sent meanwhile are delivered', async ({ task }) => {
    p = await startPipeline();
    p.sims.rc.publishInsights(recordIdOf('documented-example'));
    await notified(p, 1);
    p.sims.rc.dropSockets({ recovery: 'successful' });
    const dropped = Date.now();
    FAULT_CALLS.slice(1).forEach((n) => p!.sims.rc.publishInsights(recordIdOf(n)));
    await p.settled(FAULT_CALLS.length, 60_000);
    const row = { scenario: 'WebSocket drop, recovery Successful', ...tally(p.sims, FAULT_CALLS), recoverMs: Date.now() - dropped };
    task.meta.fault = row;
    expect(row).toMatchObject({ writtenOnce: FAULT_CALLS.length, duplicates: 0, lost: 0 });
  });

  it('the WebSocket drops and recovery fails (events lost by the gateway): the call-log catch-up finds them', async ({ task }) => {
    p = await startPipeline({ sims: { seed: { ringcentral: { extensions: demoRingCentralSeed().extensions ?? [] }, salesforce: demoSalesforceSeed() } } });
    await waitFor(() => p!.logs.some((l) => l.message === 'catchup_finished'), 20_000, 'the startup catch-up');
    p.sims.rc.dropSockets({ recovery: 'failed' });
    const dropped = Date.now();
    for (const r of recentRecordings(FAULT_CALLS)) {
      p.sims.rc.addRecording(r);
      p.sims.rc.publishInsights(r.insights.sourceRecordId as string); // sent while the socket is down: lost
    }
    await p.settled(FAULT_CALLS.length, 60_000);
    expect(p.service.listener?.stats().notifications ?? 0).toBe(0); // none came over the WebSocket
    expect(p.logs.some((l) => l.message === 'catchup_finished')).toBe(true);
    const row = { scenario: 'WebSocket drop, recovery Failed (catch-up)', ...tally(p.sims, FAULT_CALLS), recoverMs: Date.now() - dropped };
    task.meta.fault = row;
    expect(row).toMatchObject({ writtenOnce: FAULT_CALLS.length, duplicates: 0, lost: 0 });
  });

  it('a restart while events were being sent: the catch-up at start finds what the old process missed', async ({ task }) => {
    p = await startPipeline({ sims: { seed: { ringcentral: { ...demoRingCentralSeed([]), recordings: recentRecordings(FAULT_CALLS) }, salesforce: demoSalesforceSeed() } } });
    const started = Date.now();
    await p.settled(FAULT_CALLS.length, 60_000);
    const row = { scenario: 'process restart (catch-up at start)', ...tally(p.sims, FAULT_CALLS), recoverMs: Date.now() - started };
    task.meta.fault = row;
    expect(row).toMatchObject({ writtenOnce: FAULT_CALLS.length, duplicates: 0, lost: 0 });
  });

  it('WebSocket upgrades refused (HTTP 503) on reconnect: the process stays up, degraded, and recovers', async ({ task }) => {
    p = await startPipeline();
    p.sims.rc.failNextUpgrades(3);
    p.sims.rc.dropSockets({ recovery: 'successful' });
    const dropped = Date.now();
    FAULT_CALLS.forEach((n) => p!.sims.rc.publishInsights(recordIdOf(n)));
    await p.settled(FAULT_CALLS.length, 90_000);
    expect(p.sims.rc.counters().upgradesRefused).toBeGreaterThanOrEqual(3);
    const row = { scenario: 'WebSocket upgrades refused (503)', ...tally(p.sims, FAULT_CALLS), recoverMs: Date.now() - dropped };
    task.meta.fault = row;
    expect(row).toMatchObject({ writtenOnce: FAULT_CALLS.length, duplicates: 0, lost: 0 });
  });

  it('a half-open WebSocket (no frame for longer than the heartbeat window) is detected and re-established', async ({ task }) => {
    p = await startPipeline({ service: { silenceTimeoutMs: 1500 } });
    p.sims.rc.silenceSockets();
    const silenced = Date.now();
    FAULT_CALLS.forEach((n) => p!.sims.rc.publishInsights(recordIdOf(n)));
    await p.settled(FAULT_CALLS.length, 60_000);
    expect(p.service.listener?.stats().reconnects).toBeGreaterThanOrEqual(1);
    const row = { scenario: 'half-open WebSocket', ...tally(p.sims, FAULT_CALLS), recoverMs: Date.now() - silenced };
    task.meta.fault = row;
    expect(row).toMatchObject({ writtenOnce: FAULT_CALLS.length, duplicates: 0, lost: 0 });
  });
});
