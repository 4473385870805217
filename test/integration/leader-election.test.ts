/** LeaderElection on a real Redis: one holder of the subscription lock, take-over, and a lock lost while Redis was away. */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { LeaderElection } from '../../src/app/leader-election.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { scratchRedis } from '../support/scratch-redis.ts';
import { until } from '../support/until.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup() {
  const { redis, prefix } = scratchRedis('le', cleanups);
  const key = `${prefix}:leader:listener`;
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', format: 'json', stream: new Writable({ write: (c: Buffer, _e, done) => (lines.push(...c.toString().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { message: string }).message)), done()) }) });
  const replica = (name: string) => {
    const events: string[] = [];
    const election = new LeaderElection({
      redis,
      key,
      logger,
      ttlMs: 600,
      intervalMs: 100,
      onElected: () => Promise.resolve(void events.push(`${name} elected`)),
      onDemoted: () => Promise.resolve(void events.push(`${name} demoted`)),
    });
    cleanups.push(() => election.stop());
    return { election, events };
  };
  return { redis, key, lines, replica };
}

describe('LeaderElection', () => {
  it('elects one replica; when it stops, another takes over', async () => {
    const { replica } = setup();
    const a = replica('a');
    const b = replica('b');
    await a.election.start();
    await b.election.start();
    expect([a.election.state(), b.election.state()]).toEqual(['leader', 'follower']);
    await a.election.stop();
    await until(() => b.election.state() === 'leader', 'b to take over');
    expect([...a.events, ...b.events]).toEqual(['a elected', 'a demoted', 'b elected']);
  });

  it('keeps leadership, without restarting the subscription, when its lock expired and nobody took it', async () => {
    const { redis, key, lines, replica } = setup();
    const a = replica('a');
    await a.election.start();
    await redis.del(key); // as if Redis was away longer than the lock lasts
    await until(async () => (await redis.get(key)) === a.election.id, 'the lock taken back');
    expect(a.election.state()).toBe('leader');
    expect(a.events).toEqual(['a elected']);
    expect(lines).toContain('leadership_kept');
  });

  it('steps down when another replica holds the lock', async () => {
    const { redis, key, replica } = setup();
    const a = replica('a');
    await a.election.start();
    await redis.set(key, 'another-replica', 'PX', 60_000);
    await until(() => a.election.state() === 'follower', 'a to step down');
    expect(a.events).toEqual(['a elected', 'a demoted']);
  });
});
