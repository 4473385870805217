import type { Redis } from 'ioredis';
import { z } from 'zod';

/**
 * What admins did from the console: a capped Redis list `${prefix}:audit`, newest first, one JSON entry per change
 * or reveal: who (the signed-in user), when, what (the action and its target: a job id, a reason code, a number
 * of days) and the outcome. Ids and counts only: never call content, never a failure's message.
 */

export interface AuditEntry {
  readonly at: number;
  readonly who: string;
  /** `reveal`, `retry`, `retry_all`, `purge`... */
  readonly action: string;
  /** What it was done to: a job id, a reason code, `older than 7 days`. */
  readonly target: string;
  /** What came of it: `retried`, `not_found`, `3 retried, 0 skipped`. */
  readonly outcome: string;
}

export const AUDIT_MAX_ENTRIES = 10_000;
const FIELD_MAX = 200;

const entrySchema = z.object({ at: z.number(), who: z.string(), action: z.string(), target: z.string(), outcome: z.string() });

export class AuditLog {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #max: number;

  constructor(redis: Redis, prefix: string, opts: { maxEntries?: number } = {}) {
    this.#redis = redis;
    this.#key = `${prefix}:audit`;
    this.#max = opts.maxEntries ?? AUDIT_MAX_ENTRIES;
  }

  /** Notes one entry (fields cut to 200 characters); the oldest beyond `maxEntries` go. Throws if Redis fails. */
  async record(e: AuditEntry): Promise<void> {
    const cut = (s: string) => s.slice(0, FIELD_MAX);
    const member = JSON.stringify({ at: e.at, who: cut(e.who), action: cut(e.action), target: cut(e.target), outcome: cut(e.outcome) });
    await this.#redis.multi().lpush(this.#key, member).ltrim(this.#key, 0, this.#max - 1).exec();
  }

  /** The newest `n` entries, newest first; entries that do not parse are left out. */
  async latest(n: number): Promise<AuditEntry[]> {
    const raw = await this.#redis.lrange(this.#key, 0, n - 1);
    return raw.flatMap((r) => {
      const parsed = entrySchema.safeParse(safeJson(r));
      return parsed.success ? [parsed.data] : [];
    });
  }
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
