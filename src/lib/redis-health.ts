import type { Redis } from 'ioredis';
import type { Logger } from './logger.ts';

/** Node's socket error codes that mean "Redis cannot be reached", as ioredis and BullMQ pass them on. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED']);
/** Messages of the same: ioredis ("Connection is closed.", MaxRetriesPerRequestError, offline queue off), BullMQ, Redis loading its data. */
const CONNECTION_MESSAGE = /Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|max retries per request|enableOfflineQueue|Socket closed unexpectedly|^LOADING /i;
const CONNECTION_NAMES = new Set(['MaxRetriesPerRequestError', 'ConnectionClosedError']);

/**
 * True when `err` says Redis could not be reached (refused, reset, timed out, closed, retries exhausted, still
 * loading), not that it answered with an error. Looks inside an AggregateError (Node tries each address).
 */
export function isRedisConnectionError(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error) || depth > 3) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  if (CONNECTION_NAMES.has(err.name) || CONNECTION_MESSAGE.test(err.message)) return true;
  return err instanceof AggregateError && err.errors.some((e) => isRedisConnectionError(e, depth + 1));
}

/** The timers the reporter uses; tests pass a fake clock. */
export interface HealthClock {
  now(): number;
  every(ms: number, fn: () => void): () => void;
}

const systemClock: HealthClock = {
  now: () => Date.now(),
  every(ms, fn) {
    const t = setInterval(fn, ms);
    t.unref();
    return () => clearInterval(t);
  },
};

export interface RedisHealthOptions {
  readonly logger: Logger;
  /** While any connection is down, how often a reminder is logged (default 30 s). */
  readonly reminderMs?: number;
  readonly clock?: HealthClock;
}

interface Outage {
  readonly since: number;
  /** Every connection or client that failed during this outage (for the reminder and the reconnected line). */
  readonly failing: Set<string>;
  /** Connection errors absorbed since the first line, and the latest (the reminders say what Redis answers now). */
  errors: number;
  lastErr: string;
}

/** A short description of a connection error: no stack (one outage is one line, not one trace a second). */
function describe(err: unknown): { err: string; code?: string } {
  if (!(err instanceof Error)) return { err: String(err) };
  const code = (err as { code?: unknown }).code;
  return { err: err.message || err.name, ...(typeof code === 'string' ? { code } : {}) };
}

/**
 * One reporter of Redis reachability for the whole service. Every connection says when it is lost and when it is
 * back; clients whose own connections we do not see (BullMQ duplicates its connection for blocking reads) report
 * their connection errors too. Logged: one `redis_unreachable` when the first connection is lost, a
 * `redis_still_unreachable` reminder every `reminderMs` while any is down (how long, which), one
 * `redis_reconnected` when the last is back. Errors that are not about reaching Redis are not its business: the
 * callers log them as before.
 */
export class RedisHealth {
  readonly #logger: Logger;
  readonly #reminderMs: number;
  readonly #clock: HealthClock;
  /** Connections with a recovery signal (ioredis 'ready') that are down now. */
  readonly #down = new Set<string>();
  #outage: Outage | undefined;
  #stopReminders: (() => void) | undefined;
  /** Clients without a recovery signal that failed outside an outage: when each was last logged. */
  readonly #lastLoneError = new Map<string, number>();
  #closed = false;

  constructor(opts: RedisHealthOptions) {
    this.#logger = opts.logger;
    this.#reminderMs = opts.reminderMs ?? 30_000;
    this.#clock = opts.clock ?? systemClock;
  }

  /** The connections down now (empty when Redis is reachable). */
  down(): string[] {
    return [...this.#down];
  }

  /** `connection` cannot reach Redis; it calls back() when it can again. */
  lost(connection: string, err: unknown): void {
    if (this.#closed) return;
    this.#down.add(connection);
    if (this.#outage) {
      this.#absorb(connection, err);
      return;
    }
    this.#outage = { since: this.#clock.now(), failing: new Set([connection]), errors: 0, lastErr: describe(err).err };
    this.#logger.warn('redis_unreachable', { connection, ...describe(err) });
    this.#stopReminders = this.#clock.every(this.#reminderMs, () => this.#remind());
  }

  /** `connection` reaches Redis again (a no-op when it was not down). */
  back(connection: string): void {
    if (!this.#down.delete(connection) || this.#down.size > 0 || !this.#outage) return;
    const o = this.#outage;
    this.#endOutage();
    this.#logger.info('redis_reconnected', { downMs: this.#clock.now() - o.since, connections: [...o.failing], errorsWhileDown: o.errors });
  }

  /**
   * An error from a client that has no recovery signal of its own (a BullMQ worker or queue). Returns true when it
   * was a connection error, which this reporter has dealt with (absorbed into the outage under way, or, when no
   * connection of ours is down, logged at most once per reminder interval per client); false when the caller should
   * log it.
   */
  clientError(client: string, err: unknown): boolean {
    if (!isRedisConnectionError(err)) return false;
    if (this.#closed) return true;
    if (this.#outage) {
      this.#absorb(client, err);
      return true;
    }
    const now = this.#clock.now();
    const last = this.#lastLoneError.get(client);
    if (last === undefined || now - last >= this.#reminderMs) {
      this.#lastLoneError.set(client, now);
      this.#logger.warn('redis_connection_error', { client, ...describe(err) });
    }
    return true;
  }

  /** Stops the reminders and reports nothing more (at shutdown: the connections are closing, not coming back). */
  close(): void {
    this.#closed = true;
    this.#down.clear();
    this.#endOutage();
  }

  #remind(): void {
    const o = this.#outage;
    if (!o) return;
    this.#logger.warn('redis_still_unreachable', { downMs: this.#clock.now() - o.since, connections: [...this.#down], errorsWhileDown: o.errors, lastErr: o.lastErr });
  }

  #absorb(source: string, err: unknown): void {
    const o = this.#outage!;
    o.failing.add(source);
    o.errors++;
    o.lastErr = describe(err).err;
  }

  #endOutage(): void {
    this.#stopReminders?.();
    this.#stopReminders = undefined;
    this.#outage = undefined;
  }
}

const reporters = new WeakMap<Redis, { health: RedisHealth; name: string }>();

/** Says which reporter and name a connection reports as (redisConnection does, for each connection it makes). */
export function registerRedisHealth(redis: Redis, health: RedisHealth, name: string): void {
  reporters.set(redis, { health, name });
}

/**
 * For code handed a Redis connection (or a client built on one) that catches its errors: true when `err` is a
 * connection error and the connection's reporter took it, so the caller logs nothing; false (log as usual) for any
 * other error, or a connection made without a reporter.
 */
export function reportRedisError(redis: Redis, client: string, err: unknown): boolean {
  return reporters.get(redis)?.health.clientError(client, err) ?? false;
}
