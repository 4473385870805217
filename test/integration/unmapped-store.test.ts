/** UnmappedStore on a real Redis: counting, the window, trimming by age and by number, concurrent writers. */
import { afterEach, describe, expect, it } from 'vitest';
import { UnmappedStore, type UnmappedMiss } from '../../src/mapping/unmapped-store.ts';
import { scratchRedis } from '../support/scratch-redis.ts';

const DAY = 24 * 3600_000;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup(opts: { retentionMs?: number; maxEntries?: number } = {}) {
  const { redis, prefix } = scratchRedis('um', cleanups);
  return { redis, prefix, store: new UnmappedStore(redis, prefix, opts) };
}

const miss = (subject: string, sourceRecordId: string, at: number, reason: UnmappedMiss['reason'] = 'unmapped_owner'): UnmappedMiss => ({ reason, subject, sourceRecordId, at });

describe('UnmappedStore', () => {
  it('counts calls per reason and subject, keeps the first and last time and the last call', async () => {
    const { store } = setup();
    const t = Date.now();
    await store.record(miss('101', 'r1', t - 3000));
    await store.record(miss('101', 'r2', t - 1000));
    await store.record(miss('101', 'r0', t - 5000)); // delivered late: counts, but is not the last call
    await store.record(miss('101', 'r3', t - 2000, 'no_contact_match'));
    expect(await store.list({ sinceMs: 0 })).toEqual([
      { reason: 'unmapped_owner', subject: '101', count: 3, firstSeen: t - 5000, lastSeen: t - 1000, lastSourceRecordId: 'r2' },
      { reason: 'no_contact_match', subject: '101', count: 1, firstSeen: t - 2000, lastSeen: t - 2000, lastSourceRecordId: 'r3' },
    ]);
  });

  it('counts the same call once when it is recorded again in a row (a retried job)', async () => {
    const { store } = setup();
    const t = Date.now();
    await store.record(miss('+14155550123', 'r1', t - 2000, 'no_contact_match'));
    await store.record(miss('+14155550123', 'r1', t - 1000, 'no_contact_match'));
    expect(await store.list({ sinceMs: 0 })).toMatchObject([{ count: 1, lastSeen: t - 1000 }]);
  });

  it('lists only what was seen since the given time, newest first', async () => {
    const { store } = setup();
    const t = Date.now();
    await store.record(miss('a', 'r1', t - 10 * DAY));
    await store.record(miss('b', 'r2', t - 2 * DAY));
    await store.record(miss('c', 'r3', t - DAY));
    expect((await store.list({ sinceMs: t - 3 * DAY })).map((e) => e.subject)).toEqual(['c', 'b']);
  });

  it('drops entries older than the retention and all but the newest maxEntries, from both keys', async () => {
    const { store, redis, prefix } = setup({ retentionMs: 30 * DAY, maxEntries: 3 });
    const t = Date.now();
    await store.record(miss('old', 'r0', t - 40 * DAY));
    for (let i = 1; i <= 5; i++) await store.record(miss(`s${i}`, `r${i}`, t - (10 - i) * 1000));
    expect((await store.list({ sinceMs: 0 })).map((e) => e.subject)).toEqual(['s5', 's4', 's3']);
    expect(await redis.hlen(`${prefix}:unmapped:entries`)).toBe(3);
    expect(await redis.zcard(`${prefix}:unmapped:by_last_seen`)).toBe(3);
    expect(await redis.pttl(`${prefix}:unmapped:entries`)).toBeGreaterThan(29 * DAY);
  });

  it('loses no count when many workers record at once', async () => {
    const { store } = setup();
    const t = Date.now();
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.record(miss('101', `r${i}`, t - i))));
    expect(await store.list({ sinceMs: 0 })).toMatchObject([{ count: 50, firstSeen: t - 49, lastSeen: t, lastSourceRecordId: 'r0' }]);
  });

  it('keeps subjects with unusual characters whole', async () => {
    const { store } = setup();
    await store.record(miss('Zoë "Z" O\'Neil | ACME', 'r1', Date.now(), 'logged_without_contact'));
    expect((await store.list({ sinceMs: 0 }))[0]).toMatchObject({ reason: 'logged_without_contact', subject: 'Zoë "Z" O\'Neil | ACME' });
  });
});
