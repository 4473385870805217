import type { Redis } from 'ioredis';
import type { LedgerEntry, WriteLedger } from '../sync/write-ledger.port.ts';
import { LEDGER_TTL_SECONDS } from './jobs.ts';

/** The fields of a ledger hash, in the order `read` asks for them. */
export const LEDGER_FIELDS = ['v', 'id', 'w'] as const;

/** A ledger hash's fields (HMGET of LEDGER_FIELDS) as an entry; undefined when the call has none. */
export function ledgerEntry([v, id, w]: ReadonlyArray<string | null | undefined>): LedgerEntry | undefined {
  if (v == null && id == null && w == null) return undefined;
  return { ...(v != null ? { version: v } : {}), ...(id != null ? { callTaskId: id } : {}), unfinished: w != null };
}

/**
 * Lua recording a finished write in a ledger hash: the version and call Task id set, the under-way mark dropped,
 * the expiry renewed. The arguments are Lua expressions (`KEYS[1]`, `ARGV[2]`...), so that the call lock can
 * record it in the same script as it frees the call.
 */
export function finishLua(key: string, version: string, callTaskId: string, ttlSeconds: string): string {
  return `redis.call('HSET', ${key}, 'v', ${version}, 'id', ${callTaskId}) redis.call('HDEL', ${key}, 'w') redis.call('EXPIRE', ${key}, ${ttlSeconds})`;
}
const FINISH = finishLua('KEYS[1]', 'ARGV[1]', 'ARGV[2]', 'ARGV[3]');

/**
 * The write ledger in Redis: one small hash per call (`v` version, `id` call Task id, `w` a write under way),
 * kept LEDGER_TTL_SECONDS (14 days, the window in which a repeated event is expected), about 100 bytes each.
 * The call lock (call-lock.ts) reads and finishes entries in the same requests as it takes and frees a call.
 */
export class RedisWriteLedger implements WriteLedger {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly ttlSeconds: number;

  constructor(redis: Redis, prefix: string, ttlSeconds: number = LEDGER_TTL_SECONDS) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.ttlSeconds = ttlSeconds;
  }

  get retentionMs(): number {
    return this.ttlSeconds * 1000;
  }

  key(sourceRecordId: string): string {
    return `${this.#prefix}:ledger:call:${sourceRecordId}`;
  }

  async read(sourceRecordId: string): Promise<LedgerEntry | undefined> {
    return ledgerEntry(await this.#redis.hmget(this.key(sourceRecordId), ...LEDGER_FIELDS));
  }

  async begin(sourceRecordId: string): Promise<void> {
    const key = this.key(sourceRecordId);
    await this.#redis.multi().hset(key, 'w', String(Date.now())).expire(key, this.ttlSeconds).exec();
  }

  async finish(sourceRecordId: string, version: string, callTaskId: string): Promise<void> {
    await this.#redis.eval(FINISH, 1, this.key(sourceRecordId), version, callTaskId, String(this.ttlSeconds));
  }
}
