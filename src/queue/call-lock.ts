import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { backoffDelay, type Backoff } from '../lib/backoff.ts';
import type { CallLedger, FinishedWrite, LedgerEntry } from '../sync/write-ledger.port.ts';
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

/** What the holder of a call's lock is handed: the call's ledger (when the lock has one), and a lost-lock signal. */
export interface HeldCall {
  readonly ledger?: CallLedger;
  readonly lockLost: AbortSignal;
}

/** What the holder hands back: its result, and the write it finished (recorded in the ledger with the release). */
export interface HeldOutcome<T> {
  readonly value: T;
  readonly finished?: FinishedWrite;
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
   * With a ledger, `fn` is handed the call's entry as read when the lock was taken (no request of its own) and a
   * `begin` that marks a write under way; it hands back the write it finished, which is recorded when the lock is
   * freed, in the same request (in that order, so the next holder of the lock sees it).
   */
  async with<T>(sourceRecordId: string, fn: (held: HeldCall) => Promise<HeldOutcome<T>>, waitMs = 10_000): Promise<T> {
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
    const ledger = this.#ledger;
    let finished: FinishedWrite | undefined;
    try {
      const held: HeldCall = {
        lockLost: lost.signal,
        ...(ledger ? { ledger: { entry, retentionMs: ledger.retentionMs, begin: () => ledger.begin(sourceRecordId) } } : {}),
      };
      const outcome = await fn(held);
      finished = outcome.finished;
      return outcome.value;
    } finally {
      clearInterval(renew);
      if (finished && ledger) {
        await this.#redis
          .eval(FINISH_AND_RELEASE, 2, key, ledger.key(sourceRecordId), token, finished.version, finished.callTaskId, String(ledger.ttlSeconds))
          .catch((e: unknown) => {
            this.#onLedgerError(e);
            return this.#redis.eval(RELEASE, 1, key, token).catch(() => undefined);
          });
      } else await this.#redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    }
  }
}
