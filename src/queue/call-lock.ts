import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;

export class CallBusyError extends Error {
  override readonly name = 'CallBusyError';
}

/**
 * One writer per call at a time, across every worker process: two versions of the same call (the AI Notes and
 * the RingSense event) must not race to create the same Task. A Redis key with a short expiry, renewed while the
 * owner works and released when it is done: a worker that dies frees the call as soon as its job is retried.
 */
export class CallLock {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlMs: number;

  constructor(redis: Redis, prefix: string, ttlMs = 30_000) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#ttlMs = ttlMs;
  }

  /** Runs `fn` holding the call's lock; waits up to `waitMs` for it, else throws CallBusyError (retried later). */
  async with<T>(sourceRecordId: string, fn: () => Promise<T>, waitMs = 10_000): Promise<T> {
    const key = `${this.#prefix}:lock:call:${sourceRecordId}`;
    const token = randomUUID();
    const deadline = Date.now() + waitMs;
    for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
      if ((await this.#redis.set(key, token, 'PX', this.#ttlMs, 'NX')) === 'OK') break;
      if (Date.now() + delay > deadline) throw new CallBusyError(`call ${sourceRecordId} is being written by another worker`);
      await new Promise((r) => setTimeout(r, delay));
    }
    const renew = setInterval(() => {
      this.#redis.eval(RENEW, 1, key, token, String(this.#ttlMs)).catch(() => undefined);
    }, Math.max(100, Math.floor(this.#ttlMs / 3)));
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      await this.#redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    }
  }
}
