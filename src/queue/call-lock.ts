import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { backoffDelay, type Backoff } from '../lib/backoff.ts';
import type { LedgerEntry, WriteLedger } from '../sync/write-ledger.port.ts';
import { finishLua, LEDGER_FIELDS, ledgerEntry, type RedisWriteLedger } from './write-ledger.ts';

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
/** Takes the lock (KEYS[1]) and, if taken, reads the ledger entry (KEYS[2]): false when the call is busy. */
const ACQUIRE_AND_READ = `if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return redis.call('HMGET', KEYS[2], ${LEDGER_FIELDS.map((f) => `'${f}'`).join(', ')}) else return false end`;
/** Records the finished write in the ledger entry (KEYS[2]), then frees the lock (KEYS[1]) if still ours. */
const FINISH_AND_RELEASE = `${finishLua('KEYS[2]', 'ARGV[2]', 'ARGV[3]', 'ARGV[4]')} ${RELEASE}`;

/** Waiting for a busy call's lock: 50 ms doubling up to 1 s. */
const LOCK_WAIT_BACKOFF: Backoff = { baseMs: 50, maxMs: 1000, jitter: 'none' };

export class CallBusyError extends Error {
  override readonly name = 'CallBusyError';
}

export interface CallLockOptions {
  /** How long a lock lives unless renewed (a worker that dies frees its calls after this). */
  readonly ttlMs?: number;
  /**
   * The write ledger, on this lock's connection: taking a call then reads its entry in the same request, and
   * freeing it records a finished write in the same request (two round trips per call fewer).
   */
  readonly ledger?: RedisWriteLedger;
  /** A finished write that could not be recorded (the call stays marked unfinished: one lookup if it comes again). */
  readonly onLedgerError?: (err: unknown) => void;
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
  readonly #ledger: RedisWriteLedger | undefined;
  readonly #onLedgerError: (err: unknown) => void;

  constructor(redis: Redis, prefix: string, opts: CallLockOptions = {}) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#ttlMs = opts.ttlMs ?? 30_000;
    this.#ledger = opts.ledger;
    this.#onLedgerError = opts.onLedgerError ?? (() => undefined);
  }

  /**
   * Runs `fn` holding the call's lock; waits up to `waitMs` for it, else throws CallBusyError (retried later).
   * With a ledger, `fn` gets the call's ledger as read when the lock was taken: its first `read` costs nothing,
   * and its `finish` is recorded when the lock is freed, in the same request (in that order, so the next holder
   * of the lock sees it).
   */
  async with<T>(sourceRecordId: string, fn: (ledger: WriteLedger | undefined, lockLost: AbortSignal) => Promise<T>, waitMs = 10_000): Promise<T> {
    const key = `${this.#prefix}:lock:call:${sourceRecordId}`;
    const token = randomUUID();
    const deadline = Date.now() + waitMs;
    let entry: LedgerEntry | undefined;
    for (let attempt = 1; ; attempt++) {
      const delay = backoffDelay(attempt, LOCK_WAIT_BACKOFF);
      if (this.#ledger) {
        const fields = (await this.#redis.eval(ACQUIRE_AND_READ, 2, key, this.#ledger.key(sourceRecordId), token, String(this.#ttlMs))) as Array<string | null> | null;
        if (fields) {
          entry = ledgerEntry(fields);
          break;
        }
      } else if ((await this.#redis.set(key, token, 'PX', this.#ttlMs, 'NX')) === 'OK') break;
      if (Date.now() + delay > deadline) throw new CallBusyError(`call ${sourceRecordId} is being written by another worker`);
      await new Promise((r) => setTimeout(r, delay));
    }
    // A lock found gone when renewed (expired during a stall, or Redis lost it) may already be another worker's:
    // `lockLost` tells `fn`, which must not start writing then (the other worker may be writing the same Tasks).
    const lost = new AbortController();
    const renew = setInterval(() => {
      this.#redis.eval(RENEW, 1, key, token, String(this.#ttlMs)).then(
        (renewed) => {
          if (renewed === 0) lost.abort(new CallBusyError(`call ${sourceRecordId}: its lock expired while this worker held it`));
        },
        () => undefined,
      );
    }, Math.max(100, Math.floor(this.#ttlMs / 3)));
    const held = this.#ledger ? new HeldLedger(this.#ledger, sourceRecordId, entry) : undefined;
    try {
      return await fn(held, lost.signal);
    } finally {
      clearInterval(renew);
      const finished = held?.finished;
      if (finished && this.#ledger) {
        await this.#redis
          .eval(FINISH_AND_RELEASE, 2, key, this.#ledger.key(sourceRecordId), token, finished.version, finished.callTaskId, String(this.#ledger.ttlSeconds))
          .catch((e: unknown) => {
            this.#onLedgerError(e);
            return this.#redis.eval(RELEASE, 1, key, token).catch(() => undefined);
          });
      } else await this.#redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    }
  }
}

/** The ledger of the one call whose lock is held: read once with the lock, finished with its release. */
class HeldLedger implements WriteLedger {
  readonly #ledger: RedisWriteLedger;
  readonly #id: string;
  #entry: { value: LedgerEntry | undefined } | undefined;
  finished: { version: string; callTaskId: string } | undefined;

  constructor(ledger: RedisWriteLedger, id: string, entry: LedgerEntry | undefined) {
    this.#ledger = ledger;
    this.#id = id;
    this.#entry = { value: entry };
  }

  get retentionMs(): number {
    return this.#ledger.retentionMs;
  }

  read(sourceRecordId: string): Promise<LedgerEntry | undefined> {
    if (sourceRecordId !== this.#id) return this.#ledger.read(sourceRecordId);
    const first = this.#entry;
    this.#entry = undefined; // read with the lock: later reads ask Redis
    return first ? Promise.resolve(first.value) : this.#ledger.read(sourceRecordId);
  }

  begin(sourceRecordId: string): Promise<void> {
    if (sourceRecordId === this.#id) this.finished = undefined;
    return this.#ledger.begin(sourceRecordId);
  }

  finish(sourceRecordId: string, version: string, callTaskId: string): Promise<void> {
    if (sourceRecordId !== this.#id) return this.#ledger.finish(sourceRecordId, version, callTaskId);
    this.finished = { version, callTaskId };
    return Promise.resolve();
  }
}
