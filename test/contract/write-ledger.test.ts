/** The write-ledger contract against each WriteLedger: the in-memory fake, the Redis adapter, the call lock's. */
import type { Redis } from 'ioredis';
import { afterEach } from 'vitest';
import { CallLock, type HeldOutcome } from '../../src/queue/call-lock.ts';
import { RedisWriteLedger } from '../../src/queue/write-ledger.ts';
import type { CallLedger, WriteLedger } from '../../src/sync/write-ledger.port.ts';
import { FakeWriteLedger } from '../fakes/fake-write-ledger.ts';
import { scratchRedis } from '../support/scratch-redis.ts';
import { writeLedgerContract, type LedgerUnderTest } from './write-ledger.contract.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

writeLedgerContract('FakeWriteLedger (in memory)', ({ retentionMs }) => {
  let now = Date.parse('2024-09-04T12:00:00.000Z');
  const ledger = new FakeWriteLedger({ retentionMs, now: () => now });
  return Promise.resolve({
    ledger,
    remainingMs: (id) => Promise.resolve(ledger.remainingMs(id)),
    advance: (ms) => {
      now += ms;
      return Promise.resolve();
    },
  });
});

/** Redis's own expiry, without waiting for it: each of the prefix's keys expires `ms` sooner (deleted if due). */
async function ageKeys(redis: Redis, prefix: string, ms: number): Promise<void> {
  for (const key of await redis.keys(`${prefix}:*`)) {
    const left = await redis.pttl(key);
    if (left < 0) continue; // no expiry
    if (left <= ms) await redis.del(key);
    else await redis.pexpire(key, left - ms);
  }
}

function redisLedger(stem: string, retentionMs: number) {
  const { redis, prefix } = scratchRedis(stem, cleanups);
  const ledger = new RedisWriteLedger(redis, prefix, retentionMs / 1000);
  const remainingMs = async (id: string): Promise<number | undefined> => {
    const ms = await redis.pttl(ledger.key(id));
    return ms === -2 ? undefined : ms; // -2: no key; -1 (no expiry) fails the contract's bounds, as it should
  };
  return { redis, prefix, ledger, remainingMs, advance: (ms: number) => ageKeys(redis, prefix, ms) };
}

writeLedgerContract('RedisWriteLedger', ({ retentionMs }) => {
  const { ledger, remainingMs, advance } = redisLedger('wlc', retentionMs);
  return Promise.resolve({ ledger, remainingMs, advance });
});

/**
 * The ledger as CallLock.with hands it to a call's writer, one hold per operation (as the worker holds a call for one
 * write): the entry is the one read with the lock, `begin` marks the write under way, and the finished write handed
 * back is recorded with the release.
 */
writeLedgerContract('CallLock held ledger', async ({ retentionMs }): Promise<LedgerUnderTest> => {
  const { redis, prefix, ledger: redisLedgerOfLock, remainingMs, advance } = redisLedger('wlk', retentionMs);
  const lock = new CallLock(redis, prefix, {
    ledger: redisLedgerOfLock,
    onLedgerError: (e) => {
      throw e;
    },
  });
  const held = <T>(id: string, fn: (l: CallLedger) => Promise<HeldOutcome<T>>): Promise<T> =>
    lock.with(id, ({ ledger }) => {
      if (!ledger) throw new Error('CallLock with a ledger handed the call none');
      return fn(ledger);
    });
  const kept = await held('retention', (l) => Promise.resolve({ value: l.retentionMs }));
  const ledger: WriteLedger = {
    retentionMs: kept,
    read: (id) => held(id, (l) => Promise.resolve({ value: l.entry })),
    begin: (id) => held(id, async (l) => ({ value: await l.begin() })),
    finish: (id, version, callTaskId) => held(id, () => Promise.resolve({ value: undefined, finished: { version, callTaskId } })),
  };
  return { ledger, remainingMs, advance };
});
