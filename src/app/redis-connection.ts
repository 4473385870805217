import { isIP } from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../lib/logger.ts';
import { isRedisConnectionError, registerRedisHealth, type RedisHealth } from '../lib/redis-health.ts';

/**
 * TLS for a rediss:// URL (managed Redis). ioredis turns TLS on for the scheme but connects without a server name,
 * so no SNI is sent, which services behind a TLS proxy need to route the connection: send the URL's host name.
 * The certificate is always verified, against Node's CA store and NODE_EXTRA_CA_CERTS (a private CA's PEM file).
 */
export function redisTlsOptions(url: string): Pick<RedisOptions, 'tls'> {
  const u = new URL(url);
  if (u.protocol !== 'rediss:') return {};
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) ? { tls: {} } : { tls: { servername: host } };
}

/**
 * Creates the Redis connection BullMQ needs: commands wait for a reconnect instead of failing. Losing Redis and
 * getting it back are the reporter's to log (one line for the whole service, not one per connection and error);
 * any other error the connection emits is logged here, once until the connection is ready again.
 */
export function redisConnection(url: string, health: RedisHealth, logger: Logger, name: string): Redis {
  const redis = new Redis(url, { ...redisTlsOptions(url), maxRetriesPerRequest: null, enableReadyCheck: true, connectionName: `ringsense-sync:${name}` });
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
