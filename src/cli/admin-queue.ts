import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { AppConfig } from '../config/load-config.ts';
import { CALLS_QUEUE } from '../queue/jobs.ts';
import { write, type CommandContext } from './command.ts';

/** REDIS_URL without its password, for messages. */
export function displayRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'REDIS_URL';
  }
}

/**
 * Runs `fn` with the calls queue of the configured Redis and prefix, then closes it. Unlike the service's
 * connection (which waits for Redis forever), an admin command fails fast: an unreachable Redis is exit 1.
 */
export async function withCallsQueue(ctx: CommandContext, cfg: AppConfig, fn: (queue: Queue) => Promise<number>): Promise<number> {
  const redis = new Redis(cfg.redis.url, {
    lazyConnect: true,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 3,
    retryStrategy: (times) => (times > 3 ? null : times * 250),
    connectionName: 'ringsense-sync:admin',
  });
  let lastError: Error | undefined;
  redis.on('error', (e: Error) => (lastError = e));
  try {
    await redis.connect();
  } catch (e) {
    const cause = (lastError ?? e) as NodeJS.ErrnoException;
    const why = cause.code ?? (cause instanceof Error ? cause.message : String(cause));
    write(ctx.err, `Cannot reach Redis at ${displayRedisUrl(cfg.redis.url)} (${why}). Check REDIS_URL.`);
    redis.disconnect();
    return 1;
  }
  const queue = new Queue(CALLS_QUEUE, { connection: redis, prefix: cfg.redis.prefix });
  queue.on('error', (e: Error) => (lastError = e));
  try {
    return await fn(queue);
  } catch (e) {
    if (lastError && e instanceof Error && /Connection is closed|max retries|ECONNREFUSED/i.test(e.message)) {
      write(ctx.err, `Lost the connection to Redis at ${displayRedisUrl(cfg.redis.url)} (${lastError.message}).`);
      return 1;
    }
    throw e;
  } finally {
    await queue.close().catch(() => undefined);
    await redis.quit().catch(() => redis.disconnect());
  }
}
