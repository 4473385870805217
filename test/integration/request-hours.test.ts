import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { HOUR_MS, hourKey, REQUEST_HOURS_RETENTION_MS, RequestHoursLog } from '../../src/queue/request-hours.ts';
import { scratchRedis } from '../support/scratch-redis.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const at = (h: number, m = 0) => Date.UTC(2026, 11, 2, h, m);

describe('Salesforce requests per hour in Redis', () => {
  it('adds every replica to the same hour, one pipeline per flush, kept 7 days, and reads the last hours back', async () => {
    const { redis, prefix } = scratchRedis('rh', cleanups);
    let t = at(12, 58);
    const a = new RequestHoursLog(redis, prefix, { now: () => t });
    const b = new RequestHoursLog(redis, prefix, { now: () => t });
    for (let i = 0; i < 5; i++) a.count();
    b.count();
    t = at(13, 1);
    a.count();
    b.count(3);
    // Nothing in Redis before a flush: counting costs no round trip.
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
    await Promise.all([a.flush(), b.flush()]);
    expect(await redis.get(hourKey(prefix, at(12)))).toBe('6');
    expect(await redis.get(hourKey(prefix, at(13)))).toBe('4');
    const ttl = await redis.ttl(hourKey(prefix, at(13)));
    expect(ttl).toBeGreaterThan(REQUEST_HOURS_RETENTION_MS / 1000 - 60);
    expect(ttl).toBeLessThanOrEqual((REQUEST_HOURS_RETENTION_MS + HOUR_MS) / 1000);
    expect(await a.hours(t, 3)).toEqual([
      { hour: at(11), requests: 0 },
      { hour: at(12), requests: 6 },
      { hour: at(13), requests: 4 },
    ]);
    // A flush with nothing counted since writes nothing; stop() flushes what is left.
    await a.flush();
    a.count();
    await a.stop();
    await b.stop();
    expect(await redis.get(hourKey(prefix, at(13)))).toBe('5');
  });

  it('keeps the counts of a flush that failed for the next one, and says so once per outage', async () => {
    const { redis: reader, prefix } = scratchRedis('rh', cleanups);
    const redis = new Redis(inject('redisUrl'), { enableOfflineQueue: false });
    cleanups.push(() => Promise.resolve(redis.disconnect()));
    await new Promise((r) => redis.once('ready', r));
    // Redis away: a disconnected client that refuses commands at once (no offline queue).
    const ended = new Promise((r) => redis.once('end', r));
    redis.disconnect();
    await ended;
    const errors: unknown[] = [];
    const log = new RequestHoursLog(redis, prefix, { now: () => at(9, 30), onError: (e) => errors.push(e) });
    log.count(2);
    await log.flush();
    log.count();
    await log.flush();
    expect(errors).toHaveLength(1);
    await redis.connect();
    await log.flush();
    expect(await reader.get(hourKey(prefix, at(9)))).toBe('3');
    await log.stop();
  });
});
