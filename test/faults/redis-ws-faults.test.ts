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

const notified = (pl: Pipeline, n: number) => waitFor(() => (pl.service.listener?.stats().notifications ?? 0) >= n, 30_000, `${n} notifications`);

describe('fault suite: Redis and the WebSocket', () => {
  it('Redis restarts (append-only) while jobs wait and run: none lost, listener and workers reconnect', async ({ task }) => {
    const dir = mkdtempSync(join(tmpdir(), 'fault-redis-'));
    let redis = await startRedisServer({ appendOnly: true, dir });
    cleanups.push(() => redis.stop());
    p = await startPipeline({ env: { REDIS_URL: redis.url }, service: { backoff: { baseMs: 200, maxMs: 1000 } } });
    p.sims.sf.setLatency(400);
    const before = FAULT_CALLS.slice(0, 4);
    before.forEach((n) => p!.sims.rc.publishInsights(recordIdOf(n)));
    await waitFor(async () => {
      const c = await p!.service.queue.getJobCounts('active', 'wait', 'waiting');
      return (c.active ?? 0) >= 1 && (c.active ?? 0) + (c.wait ?? 0) + (c.waiting ?? 0) >= 2;
    }, 20_000, 'jobs waiting and active');
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
