import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../lib/logger.ts';
import { reportRedisError } from '../lib/redis-health.ts';

/**
 * Renews the lock if it is ours; takes it back if it expired and nobody took it (Redis was away longer than the
 * lock lasts: no other replica can have listened meanwhile), which spares a needless restart of the subscription.
 */
const RENEW = `local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2])
elseif not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 2
else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface LeaderElectionOptions {
  readonly redis: Redis;
  /** The Redis key of the lock, e.g. `${prefix}:leader:listener`. */
  readonly key: string;
  readonly logger: Logger;
  /** Called when this process becomes the leader (start the subscription). */
  readonly onElected: () => Promise<void>;
  /** Called when it stops being the leader (stop the subscription). */
  readonly onDemoted: () => Promise<void>;
  /** Lock lifetime; a dead leader is replaced within this long (default 15 s). */
  readonly ttlMs?: number;
  /** Renew and retry interval (default ttl / 3). */
  readonly intervalMs?: number;
}

export type LeaderState = 'leader' | 'follower' | 'stopped';

/**
 * One subscription per deployment: replicas that run the listener compete for a lock in Redis. The holder
 * renews it; if it dies, the lock expires and another replica takes over. When Redis cannot be reached the
 * leader keeps listening (events wait in memory for Redis), and only steps down when another replica holds
 * the lock. Two listeners for a moment are harmless: job ids deduplicate.
 */
export class LeaderElection {
  readonly #o: Required<Omit<LeaderElectionOptions, 'ttlMs' | 'intervalMs'>> & { ttlMs: number; intervalMs: number };
  readonly #id = `${process.pid}-${randomUUID()}`;
  #state: LeaderState = 'follower';
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #tick: Promise<void> = Promise.resolve();

  constructor(opts: LeaderElectionOptions) {
    const ttlMs = opts.ttlMs ?? 15_000;
    this.#o = { ...opts, ttlMs, intervalMs: opts.intervalMs ?? Math.max(100, Math.floor(ttlMs / 3)) };
  }

  state(): LeaderState {
    return this.#state;
  }

  get id(): string {
    return this.#id;
  }

  /** Tries once at once, then keeps trying or renewing in the background. */
  async start(): Promise<void> {
    await this.#step();
    const loop = () => {
      this.#timer = setTimeout(() => {
        this.#tick = this.#step().finally(() => {
          if (!this.#stopped) loop();
        });
      }, this.#o.intervalMs);
    };
    loop();
  }

  async #step(): Promise<void> {
    const { redis, key, ttlMs, logger } = this.#o;
    try {
      if (this.#state === 'leader') {
        const renewed = await redis.eval(RENEW, 1, key, this.#id, String(ttlMs));
        if (renewed === 2) logger.info('leadership_kept', { key, detail: 'the lock had expired (Redis away) and no other replica held it' });
        else if (renewed !== 1) {
          logger.warn('leadership_lost', { key });
          this.#state = 'follower';
          await this.#o.onDemoted();
        }
      } else if (!this.#stopped) {
        const got = await redis.set(key, this.#id, 'PX', ttlMs, 'NX');
        if (got === 'OK' && this.#stopped) {
          await redis.eval(RELEASE, 1, key, this.#id);
        } else if (got === 'OK') {
          this.#state = 'leader';
          logger.info('leadership_acquired', { key });
          await this.#o.onElected();
        }
      }
    } catch (e) {
      // Redis unreachable: keep the current role; the lock's expiry decides once Redis is back. (That is the Redis
      // health reporter's to log, once for the whole service.)
      if (!reportRedisError(redis, 'leader', e)) logger.warn('leader_election_error', { err: e instanceof Error ? e.message : String(e) });
    }
  }

  /** Stops competing; a leader steps down and frees the lock so another replica takes over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#tick.catch(() => undefined);
    const wasLeader = this.#state === 'leader';
    this.#state = 'stopped';
    if (wasLeader) {
      await this.#o.onDemoted().catch(() => undefined);
      await this.#o.redis.eval(RELEASE, 1, this.#o.key, this.#id).catch(() => undefined);
    }
  }
}
