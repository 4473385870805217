import { redisTlsOptions } from '../app/redis-connection.ts';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { AppConfig } from '../config/load-config.ts';
import { ServiceError } from '../lib/service-error.ts';
import { CALLS_QUEUE } from '../queue/jobs.ts';
import { createRingCentralClient, type RingCentralClient } from '../ringcentral/sdk.ts';
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
 * Runs `fn` with a connection to the configured Redis, then closes it. Unlike the service's connection (which
 * waits for Redis forever), an admin command fails fast: an unreachable Redis is exit 1. `onError` sees the
 * errors of objects built on the connection (a BullMQ Queue) so a lost connection is reported the same way.
 */
export async function withAdminRedis(
  ctx: CommandContext,
  cfg: AppConfig,
  fn: (redis: Redis, onError: (e: Error) => void) => Promise<number>,
): Promise<number> {
  const redis = new Redis(cfg.redis.url, {
    ...redisTlsOptions(cfg.redis.url),
    lazyConnect: true,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 3,
    retryStrategy: (times) => (times > 3 ? null : times * 250),
    connectionName: 'ringsense-sync:admin',
  });
  let lastError: Error | undefined;
  const onError = (e: Error): void => {
    lastError = e;
  };
  redis.on('error', onError);
  try {
    await redis.connect();
  } catch (e) {
    const cause = (lastError ?? e) as NodeJS.ErrnoException;
    const why = cause.code ?? (cause instanceof Error ? cause.message : String(cause));
    write(ctx.err, `Cannot reach Redis at ${displayRedisUrl(cfg.redis.url)} (${why}). Check REDIS_URL.`);
    redis.disconnect();
    return 1;
  }
  try {
    return await fn(redis, onError);
  } catch (e) {
    if (lastError && e instanceof Error && /Connection is closed|max retries|ECONNREFUSED/i.test(e.message)) {
      write(ctx.err, `Lost the connection to Redis at ${displayRedisUrl(cfg.redis.url)} (${lastError.message}).`);
      return 1;
    }
    throw e;
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

/** Runs `fn` with the calls queue of the configured Redis and prefix (see withAdminRedis), then closes it. */
export function withCallsQueue(ctx: CommandContext, cfg: AppConfig, fn: (queue: Queue) => Promise<number>): Promise<number> {
  return withAdminRedis(ctx, cfg, async (redis, onError) => {
    const queue = new Queue(CALLS_QUEUE, { connection: redis, prefix: cfg.redis.prefix });
    queue.on('error', onError);
    try {
      return await fn(queue);
    } finally {
      await queue.close().catch(() => undefined);
    }
  });
}

/** Logs in to RingCentral for an admin command, runs `fn`, and logs out; a refused login is reported plainly. */
export async function withRingCentral(ctx: CommandContext, cfg: AppConfig, fn: (rc: RingCentralClient) => Promise<number>): Promise<number> {
  let rc: RingCentralClient;
  try {
    rc = await createRingCentralClient(cfg.ringcentral!);
  } catch (e) {
    return ringCentralProblem(ctx, 'Logging in to RingCentral', e);
  }
  try {
    return await fn(rc);
  } finally {
    await rc.close();
  }
}

/** A RingCentral failure an admin command reports and stops on (refused credentials go to the CLI's own handler). */
export function ringCentralProblem(ctx: CommandContext, what: string, e: unknown): number {
  if (!(e instanceof ServiceError) || e.failure.kind === 'auth') throw e;
  const wait = e.failure.kind === 'rate_limited' && e.failure.waitMs ? ` Try again in ${Math.ceil(e.failure.waitMs / 1000)} s.` : '';
  write(ctx.err, `${what} failed (${e.failure.code}): ${e.failure.message}${wait}`);
  return 1;
}
