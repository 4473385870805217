/**
 * RedisWriteLedger on a real Redis: how it keeps entries. What it answers (the states a call goes through, its
 * retention) is the write-ledger contract's (test/contract/write-ledger.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RedisWriteLedger } from '../../src/queue/write-ledger.ts';
import { scratchRedis } from '../support/scratch-redis.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup(ttlSeconds?: number) {
  const { redis, prefix } = scratchRedis('wl', cleanups);
  return { redis, prefix, ledger: new RedisWriteLedger(redis, prefix, ttlSeconds) };
}

describe('RedisWriteLedger', () => {
  it('keeps each call in one small key that expires', async () => {
    const { redis, prefix, ledger } = setup(3600);
    await ledger.finish('42', 'v1', '00TDm0000000001IAA');
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys).toEqual([`${prefix}:ledger:call:42`]);
    const ttl = await redis.ttl(keys[0]!);
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
    expect(await redis.memory('USAGE', keys[0]!)).toBeLessThan(200);
  });
});
