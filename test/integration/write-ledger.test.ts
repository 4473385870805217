/** RedisWriteLedger on a real Redis: the states a call goes through, and its expiry. */
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
  it('knows nothing of a new call, an unfinished write after begin, the version and task after finish', async () => {
    const { ledger } = setup();
    expect(await ledger.read('2728084995017')).toBeUndefined();
    await ledger.begin('2728084995017');
    expect(await ledger.read('2728084995017')).toEqual({ unfinished: true });
    await ledger.finish('2728084995017', '2024-08-07T18:05:00.000Z', '00TDm0000000001IAA');
    expect(await ledger.read('2728084995017')).toEqual({ version: '2024-08-07T18:05:00.000Z', callTaskId: '00TDm0000000001IAA', unfinished: false });
    // A newer version's write begins: finished before, unfinished now, the old version still known.
    await ledger.begin('2728084995017');
    expect(await ledger.read('2728084995017')).toEqual({ version: '2024-08-07T18:05:00.000Z', callTaskId: '00TDm0000000001IAA', unfinished: true });
  });

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
