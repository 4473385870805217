import type { TestProject } from 'vitest/node';
import { findOrStartRedis, RedisUnavailableError } from '../../src/lib/local-redis.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/**
 * Integration tests need a real Redis. REDIS_URL is used when it answers; otherwise a private
 * redis-server is started on a free port for this run and stopped afterwards. Tests isolate
 * themselves with their own queue prefixes, and tests that kill Redis start their own instance.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  try {
    const redis = await findOrStartRedis(process.env.REDIS_URL);
    project.provide('redisUrl', redis.url);
    console.log(`[integration] Redis at ${redis.url}${redis.owned ? ' (started for this run)' : ' (from REDIS_URL)'}`);
    return () => redis.stop();
  } catch (err) {
    if (err instanceof RedisUnavailableError) {
      throw new Error(`Integration tests need Redis. ${err.message}`, { cause: err });
    }
    throw err;
  }
}
