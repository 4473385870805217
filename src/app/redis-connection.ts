import { Redis } from 'ioredis';
import type { Logger } from '../lib/logger.ts';
import { isRedisConnectionError, registerRedisHealth, type RedisHealth } from '../lib/redis-health.ts';

/**
 * Creates the Redis connection BullMQ needs: commands wait for a reconnect instead of failing. Losing Redis and
 * getting it back are the reporter's to log (one line for the whole service, not one per connection and error);
 * any other error the connection emits is logged here, once until the connection is ready again.
 */
export function redisConnection(url: string, health: RedisHealth, logger: Logger, name: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, connectionName: `ringsense-sync:${name}` });
  registerRedisHealth(redis, health, name);
  let down = false;
  let otherErrorLogged = false;
  redis.on('error', (e: Error) => {
    if (isRedisConnectionError(e)) {
      down = true;
      health.lost(name, e);
    } else if (!otherErrorLogged) {
      otherErrorLogged = true;
      logger.warn('redis_error', { connection: name, err: e.message });
    }
  });
  // The socket closed and ioredis will reconnect (not emitted after quit()): the earliest sign of an outage, before
  // the first refused reconnect, and before BullMQ's own connections report theirs.
  redis.on('reconnecting', () => {
    if (down) return;
    down = true;
    health.lost(name, new Error('Connection is closed.'));
  });
  redis.on('ready', () => {
    down = false;
    otherErrorLogged = false;
    health.back(name);
  });
  return redis;
}
