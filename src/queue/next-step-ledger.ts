import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { NextStepBusyError, type NextStepLedger, type NextStepWrite } from '../sync/opportunity-store.port.ts';

/**
 * How long what the sync wrote into an opportunity's NextStep is remembered after its last write: a sales cycle.
 * An entry expired is safe: the field's value then looks like a person's, and is kept.
 */
export const NEXT_STEP_TTL_SECONDS = 400 * 24 * 3600;
/** The opportunity's lock outlives a stuck writer by this much at most. */
const LOCK_TTL_MS = 30_000;
/** How long a call waits for another call of the same deal (a read and a write take well under a second). */
const LOCK_WAIT_MS = 10_000;
const LOCK_POLL_MS = 25;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * The next-step ledger in Redis: one small hash per opportunity (`t` the call's recordingStartTime, `r` its
 * sourceRecordId, `m` the insights version, `s` the exact value written), kept NEXT_STEP_TTL_SECONDS (about 300
 * bytes each: one per deal the sync wrote a next step into), and a lock key per opportunity while a call decides.
 */
export class RedisNextStepLedger implements NextStepLedger {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlSeconds: number;
  readonly #waitMs: number;

  constructor(redis: Redis, prefix: string, opts: { ttlSeconds?: number; lockWaitMs?: number } = {}) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#ttlSeconds = opts.ttlSeconds ?? NEXT_STEP_TTL_SECONDS;
    this.#waitMs = opts.lockWaitMs ?? LOCK_WAIT_MS;
  }

  /** 15- and 18-character ids of one record share a key. */
  key(opportunityId: string): string {
    return `${this.#prefix}:nextstep:opp:${opportunityId.slice(0, 15)}`;
  }

  async read(opportunityId: string): Promise<NextStepWrite | undefined> {
    const [t, r, m, s] = await this.#redis.hmget(this.key(opportunityId), 't', 'r', 'm', 's');
    if (t == null || r == null || s == null) return undefined;
    return { startedAt: t, sourceRecordId: r, version: m ?? '', value: s };
  }

  async record(opportunityId: string, w: NextStepWrite): Promise<void> {
    const key = this.key(opportunityId);
    await this.#redis.multi().hset(key, 't', w.startedAt, 'r', w.sourceRecordId, 'm', w.version, 's', w.value).expire(key, this.#ttlSeconds).exec();
  }

  async lock(opportunityId: string): Promise<() => Promise<void>> {
    const key = `${this.key(opportunityId)}:lock`;
    const token = randomUUID();
    const deadline = Date.now() + this.#waitMs;
    while ((await this.#redis.set(key, token, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') {
      if (Date.now() >= deadline) throw new NextStepBusyError(`another call is writing opportunity ${opportunityId}'s next step`);
      await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
    }
    return async () => {
      await this.#redis.eval(RELEASE, 1, key, token);
    };
  }
}
