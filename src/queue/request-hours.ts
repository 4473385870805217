import type { Redis } from 'ioredis';

/**
 * The Salesforce API requests the workers made, per hour (UTC), for the admin console's overview (the chart beside
 * the API budget). One Redis counter per hour, `${prefix}:sf-requests:<YYYY-MM-DDTHH>` (readable with redis-cli
 * GET), kept 7 days. Every replica adds to the same hour's counter (INCRBY is atomic), so the chart is the whole
 * deployment's, whichever replica draws it.
 *
 * Requests are counted in memory (`count()` costs no Redis round trip) and added to Redis every few seconds in
 * one pipeline, and once more at `stop()`. A flush that fails keeps its counts for the next one. The hour a
 * request is counted in is the hour it ended, on this replica's clock.
 */

export const HOUR_MS = 3600_000;
export const REQUEST_HOURS_RETENTION_MS = 7 * 24 * HOUR_MS;
export const REQUEST_HOURS_FLUSH_MS = 5_000;

export interface HourCount {
  /** The hour's start, epoch ms (UTC). */
  readonly hour: number;
  readonly requests: number;
}

/** The start of the hour `ms` falls in (UTC). Pure. */
export const hourStart = (ms: number): number => Math.floor(ms / HOUR_MS) * HOUR_MS;

/** The Redis key of the hour starting at `hour`: `${prefix}:sf-requests:2026-12-02T13`. Pure. */
export const hourKey = (prefix: string, hour: number): string => `${prefix}:sf-requests:${new Date(hourStart(hour)).toISOString().slice(0, 13)}`;

/** The starts of the last `n` hours up to the one `now` is in (that one last, counted so far), oldest first. Pure. */
export function lastHourStarts(now: number, n: number): number[] {
  const current = hourStart(now);
  return Array.from({ length: Math.max(0, n) }, (_, i) => current - (n - 1 - i) * HOUR_MS);
}

export interface RequestHoursOptions {
  readonly flushMs?: number;
  readonly retentionMs?: number;
  readonly now?: () => number;
  /** A flush failed (Redis away): told once per outage, not at every flush. */
  readonly onError?: (e: unknown) => void;
}

export class RequestHoursLog {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #flushMs: number;
  readonly #retentionMs: number;
  readonly #now: () => number;
  readonly #onError: ((e: unknown) => void) | undefined;
  /** Hour start -> requests counted here and not yet in Redis. */
  #pending = new Map<number, number>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #failing = false;

  constructor(redis: Redis, prefix: string, opts: RequestHoursOptions = {}) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#flushMs = opts.flushMs ?? REQUEST_HOURS_FLUSH_MS;
    this.#retentionMs = opts.retentionMs ?? REQUEST_HOURS_RETENTION_MS;
    this.#now = opts.now ?? Date.now;
    this.#onError = opts.onError;
  }

  /** One request, now: counted in memory; the flush timer starts with the first. */
  count(n = 1): void {
    const hour = hourStart(this.#now());
    this.#pending.set(hour, (this.#pending.get(hour) ?? 0) + n);
    this.#timer ??= setInterval(() => void this.flush(), this.#flushMs).unref();
  }

  /** Adds the counts so far to Redis (one pipeline: INCRBY and EXPIRE per hour). Never throws. */
  flush(): Promise<void> {
    this.#flushing ??= this.#write().finally(() => (this.#flushing = undefined));
    return this.#flushing;
  }

  /** Stops the timer and flushes what is left. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#flushing;
    await this.flush();
  }

  /** The last `n` hours' requests (the current hour so far last), oldest first; one MGET. */
  async hours(now: number, n: number): Promise<HourCount[]> {
    const starts = lastHourStarts(now, n);
    if (!starts.length) return [];
    const values = await this.#redis.mget(...starts.map((h) => hourKey(this.#prefix, h)));
    return starts.map((hour, i) => {
      const v = Number(values[i] ?? 0);
      return { hour, requests: Number.isFinite(v) && v > 0 ? v : 0 };
    });
  }

  async #write(): Promise<void> {
    if (!this.#pending.size) return;
    const batch = this.#pending;
    this.#pending = new Map();
    const oldest = hourStart(this.#now() - this.#retentionMs);
    const ttlSeconds = Math.ceil((this.#retentionMs + HOUR_MS) / 1000);
    const pipe = this.#redis.pipeline();
    for (const [hour, n] of batch) {
      if (hour < oldest) continue;
      pipe.incrby(hourKey(this.#prefix, hour), n).expire(hourKey(this.#prefix, hour), ttlSeconds);
    }
    try {
      const replies = (await pipe.exec()) ?? [];
      const failed = replies.find(([err]) => err)?.[0];
      if (failed) throw failed;
      this.#failing = false;
    } catch (e) {
      // Kept for the next flush (an INCRBY that did land may be added again: an over-count, never a loss, in an outage).
      for (const [hour, n] of batch) if (hour >= oldest) this.#pending.set(hour, (this.#pending.get(hour) ?? 0) + n);
      if (!this.#failing) this.#onError?.(e);
      this.#failing = true;
    }
  }
}
