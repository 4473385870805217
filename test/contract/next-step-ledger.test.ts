/**
 * What every NextStepLedger (src/sync/opportunity-store.port.ts) must do, run against the in-memory fake the unit
 * tests use and the Redis adapter the worker uses: the unit tests' verdicts hold for production only if both agree.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RedisNextStepLedger } from '../../src/queue/next-step-ledger.ts';
import { NextStepBusyError, type NextStepLedger, type NextStepWrite } from '../../src/sync/opportunity-store.port.ts';
import { FakeNextStepLedger } from '../fakes/fake-opportunities.ts';
import { scratchRedis } from '../support/scratch-redis.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const OPP_18 = '006Dm0000000001IAA';
const OPP_15 = '006Dm0000000001';
const WRITE: NextStepWrite = { startedAt: '2024-09-16T14:00:00.000Z', sourceRecordId: '272808500001', version: '2024-09-20T10:00:00.000Z', value: 'Send the quote — 40 units, "pilot" & <plan>' };

function contract(name: string, make: () => NextStepLedger): void {
  describe(`NextStepLedger contract: ${name}`, () => {
    it('knows nothing of an opportunity never written, then exactly what was recorded, under its 15- and 18-character ids', async () => {
      const ledger = make();
      expect(await ledger.read(OPP_18)).toBeUndefined();
      await ledger.record(OPP_18, WRITE);
      expect(await ledger.read(OPP_18)).toEqual(WRITE);
      expect(await ledger.read(OPP_15)).toEqual(WRITE);
      const later = { ...WRITE, startedAt: '2024-09-18T14:00:00.000Z', sourceRecordId: '272808500003', value: 'Book the pilot kickoff.' };
      await ledger.record(OPP_15, later);
      expect(await ledger.read(OPP_18)).toEqual(later);
    });

    it('lets one holder at a time hold an opportunity (15 or 18 characters alike); a waiter gets it once released', async () => {
      const ledger = make();
      const order: string[] = [];
      const release = await ledger.lock(OPP_18);
      const second = ledger.lock(OPP_15).then((r) => {
        order.push('second');
        return r;
      });
      await new Promise((r) => setTimeout(r, 60));
      order.push('first releases');
      await release();
      await (await second)();
      expect(order).toEqual(['first releases', 'second']);
      // Another opportunity is never held up by this one.
      const other = await ledger.lock('006Dm0000000002IAA');
      await other();
    });
  });
}

contract('FakeNextStepLedger (in memory)', () => new FakeNextStepLedger());
contract('RedisNextStepLedger', () => {
  const { redis, prefix } = scratchRedis('nsl', cleanups);
  return new RedisNextStepLedger(redis, prefix);
});

describe('RedisNextStepLedger alone', () => {
  it('gives up waiting for a lock another writer never releases, with NextStepBusyError (the job retries)', async () => {
    const { redis, prefix } = scratchRedis('nslb', cleanups);
    const ledger = new RedisNextStepLedger(redis, prefix, { lockWaitMs: 100 });
    await ledger.lock(OPP_18);
    await expect(ledger.lock(OPP_18)).rejects.toBeInstanceOf(NextStepBusyError);
  });

  it('keeps an entry a sales cycle, and its lock no longer than a stuck writer needs', async () => {
    const { redis, prefix } = scratchRedis('nslt', cleanups);
    const ledger = new RedisNextStepLedger(redis, prefix);
    await ledger.record(OPP_18, WRITE);
    expect(await redis.ttl(ledger.key(OPP_18))).toBeGreaterThan(399 * 24 * 3600);
    await ledger.lock(OPP_18);
    const lockTtl = await redis.pttl(`${ledger.key(OPP_18)}:lock`);
    expect(lockTtl).toBeGreaterThan(0);
    expect(lockTtl).toBeLessThanOrEqual(30_000);
  });
});
