import { Redis } from 'ioredis';
import type { Logger } from '../lib/logger.ts';

/** Creates the Redis connection BullMQ needs: commands wait for a reconnect instead of failing. */
export function redisConnection(url: string, logger: Logger, name: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, connectionName: `ringsense-sync:${name}` });
  let down = false;
  redis.on('error', (e: Error) => {
    if (!down) logger.warn('redis_unreachable', { connection: name, err: e.message });
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('redis_reconnected', { connection: name });
    down = false;
  });
  return redis;
}
