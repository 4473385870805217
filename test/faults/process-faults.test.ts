import { ACE_DOMAINS } from '../../src/calls/domains.ts';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { sampleCalls } from '../../src/demo/sample-calls.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { CALLS_QUEUE } from '../../src/queue/jobs.ts';
import { enqueueNotification } from '../../src/queue/producer.ts';
import { demoSeed } from '../../src/demo/demo-seed.ts';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';
import { spawnCli, type RunningCli } from '../support/cli.ts';
import { waitFor } from '../support/pipeline.ts';
import { demoMappingFile, FAULT_CALLS, recordIdOf, tally } from './fault-harness.ts';

interface World {
  sims: Simulators;
  queue: Queue;
  redis: Redis;
  env: Record<string, string>;
  procs: RunningCli[];
}
let w: World | undefined;

async function world(): Promise<World> {
  const sims = await startSimulators({ seed: demoSeed() });
  const prefix = `f${randomUUID().slice(0, 8)}`;
  const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  const env = {
    ...sims.env,
    REDIS_URL: inject('redisUrl'),
    QUEUE_PREFIX: prefix,
    MAPPING_FILE: demoMappingFile(),
    WORKER_LOCK_DURATION_MS: '2000',
    WORKER_STALLED_INTERVAL_MS: '1000',
    LEADER_LOCK_TTL_MS: '2000',
    SHUTDOWN_TIMEOUT_MS: '10000',
    LOG_LEVEL: 'info',
  };
  return { sims, queue: new Queue(CALLS_QUEUE, { connection: redis, prefix }), redis, env, procs: [] };
}

function spawnRole(role: 'start' | 'work' | 'listen'): RunningCli {
  const p = spawnCli([role], { env: w!.env });
  w!.procs.push(p);
  return p;
}

const done = async (n: number) => {
  const c = await w!.queue.getJobCounts('completed', 'failed');
  return (c.completed ?? 0) + (c.failed ?? 0) >= n;
};

afterEach(async () => {
  if (!w) return;
  for (const p of w.procs) p.child.kill('SIGKILL');
  await w.queue.obliterate({ force: true }).catch(() => undefined);
  await w.queue.close();
  w.redis.disconnect();
  await w.sims.stop();
  w = undefined;
});

describe('fault suite: processes', () => {
  it('a worker SIGKILLed in the middle of a Salesforce write: another takes over, each call written once', async ({ task }) => {
    w = await world();
    // Salesforce writes the records, then takes 1.5 s to answer: the worker dies before it learns they exist.
    w.sims.sf.setLatency(1500, 'after');
    const first = spawnRole('work');
    await first.waitFor(/"message":"worker_started"/);
    for (const n of FAULT_CALLS) await enqueueNotification(w.queue, sampleCalls()[n], silentLogger(), { domains: ACE_DOMAINS });
    await waitFor(() => (w!.sims.sf.counters().byKind['collections.create'] ?? 0) >= 1, 30_000, 'a Task write to start');
    first.child.kill('SIGKILL');
    const killed = Date.now();
    expect(await first.exited()).toBe(null);
    const second = spawnRole('work');
    await second.waitFor(/"message":"worker_started"/);
    await waitFor(() => done(FAULT_CALLS.length), 90_000, 'all calls after the takeover');
    const row = { scenario: 'worker SIGKILL mid-write', ...tally(w.sims, FAULT_CALLS), recoverMs: Date.now() - killed };
    task.meta.fault = row;
    expect((await w.queue.getJobCounts('failed')).failed).toBe(0);
    expect(row).toMatchObject({ writtenOnce: FAULT_CALLS.length, duplicates: 0, lost: 0 });
  });

  it('two replicas run start: one holds the subscription, both work, the survivor takes over when the leader dies', async ({ task }) => {
    w = await world();
    const a = spawnRole('start');
    const b = spawnRole('start');
    await waitFor(() => /leadership_acquired/.test(a.stdout() + b.stdout()), 30_000, 'a leader');
    await waitFor(() => w!.sims.rc.subscriptions().filter((s) => s.connected).length === 1, 30_000, 'one subscription');
    await Promise.all([a.waitFor(/worker_started/), b.waitFor(/worker_started/)]);
    const half = FAULT_CALLS.slice(0, 3);
    half.forEach((n) => w!.sims.rc.publishInsights(recordIdOf(n)));
    await waitFor(() => done(half.length), 30_000, 'the first calls');
    expect(w.sims.rc.subscriptions().filter((s) => s.connected)).toHaveLength(1);

    const [leader, follower] = /leadership_acquired/.test(a.stdout()) ? [a, b] : [b, a];
    leader.child.kill('SIGKILL');
    const killed = Date.now();
    await follower.waitFor(/leadership_acquired/, 30_000);
    await waitFor(() => w!.sims.rc.subscriptions().some((s) => s.connected), 30_000, 'the new subscription');
    const rest = FAULT_CALLS.slice(3);
    rest.forEach((n) => w!.sims.rc.publishInsights(recordIdOf(n)));
    await waitFor(() => done(FAULT_CALLS.length), 60_000, 'all calls');
    const row = { scenario: 'two replicas, leader killed', ...tally(w.sims, FAULT_CALLS), recoverMs: Date.now() - killed };
    task.meta.fault = row;
    expect(row).toMatchObject({ writtenOnce: FAULT_CALLS.length, duplicates: 0, lost: 0 });
  });

  it('SIGTERM: finishes the active call, revokes the subscription, closes connections and exits 0', async ({ task }) => {
    w = await world();
    w.sims.sf.setLatency(700);
    const svc = spawnRole('start');
    await svc.waitFor(/rc_subscription_registered/);
    await svc.waitFor(/worker_started/);
    w.sims.rc.publishInsights(recordIdOf('documented-example'));
    await waitFor(async () => (await w!.queue.getJobCounts('active')).active === 1, 20_000, 'the call to be active');
    const signalled = Date.now();
    svc.child.kill('SIGTERM');
    expect(await svc.exited()).toBe(0);
    expect(svc.stdout()).toMatch(/"message":"stopped"/);
    expect(w.sims.rc.subscriptions()).toEqual([]); // revoked
    // Nothing secret and no call content in the service's info-level logs.
    for (const secret of [w.env.RINGCENTRAL_CLIENT_SECRET!, w.env.RINGCENTRAL_JWT!, w.env.SALESFORCE_CLIENT_SECRET!, 'Tracy Debolah', 'developer guide', '+16505550142']) {
      expect(svc.stdout() + svc.stderr()).not.toContain(secret);
    }
    const row = { scenario: 'SIGTERM during a write', ...tally(w.sims, ['documented-example']), recoverMs: Date.now() - signalled };
    task.meta.fault = row;
    expect((await w.queue.getJobCounts('completed')).completed).toBe(1);
    expect(row).toMatchObject({ writtenOnce: 1, duplicates: 0, lost: 0 });
  });
});
