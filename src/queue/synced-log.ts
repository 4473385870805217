import type { Redis } from 'ioredis';
import { z } from 'zod';

/**
 * The calls written to Salesforce lately, for the admin console's overview (calls synced in the last hour, day and
 * 7 days; the last 20 with their Task). BullMQ keeps completed jobs a day only (KEEP_COMPLETED), so the worker notes
 * each one here: a sorted set `${prefix}:synced` scored by when it finished, members the ids, the outcome and
 * the call's RingSense link (no call content). Entries older than `retentionMs` (7 days) and all but the newest `maxEntries` are trimmed on
 * every write.
 */

export interface SyncedEntry {
  readonly at: number;
  readonly jobId: string;
  readonly sourceRecordId: string;
  readonly callTaskId: string;
  readonly call: string;
  /** The call's link into RingSense (the event's rsRecordUri), when it had one; checked before it is ever a link. */
  readonly rsRecordUri?: string;
}

export const SYNCED_RETENTION_MS = 7 * 24 * 3600_000;
export const SYNCED_MAX_ENTRIES = 200_000;
/** A longer rsRecordUri is not kept (a RingSense link is ~70 characters). */
const MAX_URI_LENGTH = 2_000;

/** What Redis holds: read back through this schema (the data outlives deploys). */
const memberSchema = z.object({ j: z.string(), s: z.string(), t: z.string(), c: z.string(), r: z.string().optional() });

export class SyncedLog {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #retentionMs: number;
  readonly #max: number;

  constructor(redis: Redis, prefix: string, opts: { retentionMs?: number; maxEntries?: number } = {}) {
    this.#redis = redis;
    this.#key = `${prefix}:synced`;
    this.#retentionMs = opts.retentionMs ?? SYNCED_RETENTION_MS;
    this.#max = opts.maxEntries ?? SYNCED_MAX_ENTRIES;
  }

  /** Notes one written call (a job run again replaces its entry). Throws only if Redis fails. */
  async record(e: SyncedEntry): Promise<void> {
    const uri = e.rsRecordUri && e.rsRecordUri.length <= MAX_URI_LENGTH ? { r: e.rsRecordUri } : {};
    const member = JSON.stringify({ j: e.jobId, s: e.sourceRecordId, t: e.callTaskId, c: e.call, ...uri });
    await this.#redis
      .multi()
      .zadd(this.#key, e.at, member)
      .zremrangebyscore(this.#key, '-inf', `(${e.at - this.#retentionMs}`)
      .zremrangebyrank(this.#key, 0, -(this.#max + 1))
      .exec();
  }

  /** How many calls finished at or after each of `sinces` (epoch ms). */
  async countSince(sinces: readonly number[]): Promise<number[]> {
    return Promise.all(sinces.map((since) => this.#redis.zcount(this.#key, since, '+inf')));
  }

  /** The newest `n` entries, newest first; entries that do not parse are left out. */
  async latest(n: number): Promise<SyncedEntry[]> {
    const flat = await this.#redis.zrevrange(this.#key, 0, n - 1, 'WITHSCORES');
    const out: SyncedEntry[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const parsed = memberSchema.safeParse(safeJson(flat[i]!));
      if (!parsed.success) continue;
      const { j, s, t, c, r } = parsed.data;
      out.push({ at: Number(flat[i + 1]), jobId: j, sourceRecordId: s, callTaskId: t, call: c, ...(r === undefined ? {} : { rsRecordUri: r }) });
    }
    return out;
  }
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
