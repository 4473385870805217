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
    const key = this.key(sourceRecordId);
    await this.#redis.multi().hset(key, 'v', version, 'id', callTaskId).hdel(key, 'w').expire(key, this.ttlSeconds).exec();
  }
}
