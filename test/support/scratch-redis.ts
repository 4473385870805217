import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';

/**
 * A connection to the tests' Redis and a key prefix of its own for one test. What deletes the prefix's keys and
 * closes the connection is pushed onto `cleanups` (run them after the test).
 */
export function scratchRedis(stem: string, cleanups: Array<() => Promise<void>>): { redis: Redis; prefix: string } {
  const redis = new Redis(inject('redisUrl'));
  const prefix = `${stem}${randomUUID().slice(0, 8)}`;
  cleanups.push(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });
  return { redis, prefix };
}
