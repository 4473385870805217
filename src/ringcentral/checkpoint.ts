/**
 * The catch-up's state in Redis, shared by every listener process of one deployment (same QUEUE_PREFIX):
 *
 * - `${prefix}:catchup:checkpoint`: ISO time up to which every recorded call of the call log has been enqueued or
 *   is pending. It only ever moves forward.
 * - `${prefix}:catchup:pending`: sorted set of recordings (a pbx `sourceRecordId`, or `rcv/<meeting id>`: all a
 *   re-fetch needs) whose insights answered 404, scored by when they were first seen (ms).
 * - `${prefix}:catchup:pending:schedule`: hash recording id -> `{"checks":n,"nextAt":ms}`, when the periodic
 *   re-check next looks at it. Backing off keeps recordings that are never analysed (no RingSense licence) from
 *   eating the insights rate limit until they expire.
 */
import type { Redis } from 'ioredis';
import type { CatchUpDomain } from '../calls/domains.ts';
import { backoffDelay } from '../lib/backoff.ts';

/** First re-check a minute after first seen, doubling up to every 15 minutes. */
export const FIRST_RECHECK_MS = 60_000;
export const MAX_RECHECK_MS = 15 * 60_000;


/** A recording catch-up fetches the insights of. */
export interface RecordingRef {
  readonly domain: CatchUpDomain;
  readonly sourceRecordId: string;
}

/** The pending set's member for a recording: a pbx id as it is (as before meetings), a meeting's under `rcv/`. */
export const pendingMember = (r: RecordingRef): string => (r.domain === 'pbx' ? r.sourceRecordId : `${r.domain}/${r.sourceRecordId}`);

function readMember(member: string): RecordingRef {
  return member.startsWith('rcv/') ? { domain: 'rcv', sourceRecordId: member.slice(4) } : { domain: 'pbx', sourceRecordId: member };
}

export interface PendingRecording extends RecordingRef {
  readonly firstSeenAt: number;
  /** How many times its insights answered 404. */
  readonly checks: number;
  /** When the periodic re-check looks at it next. */
  readonly nextCheckAt: number;
}

/** Delay before the next look at a recording whose insights answered 404 `checks` times. */
export function recheckDelay(checks: number): number {
  return backoffDelay(checks, { baseMs: FIRST_RECHECK_MS, maxMs: MAX_RECHECK_MS, jitter: 'none' });
}

/**
 * Where a call-log read starts: `overlapMs` before the checkpoint (late call-log entries; the queue's job ids make
 * re-reading free), or `lookbackMs` before now when there is no checkpoint yet. A checkpoint ahead of our clock
 * (clock moved back) counts as now.
 */
export function callLogStart(checkpoint: number | undefined, now: number, opts: { lookbackMs: number; overlapMs: number }): number {
  return checkpoint === undefined ? now - opts.lookbackMs : Math.min(checkpoint, now) - opts.overlapMs;
}

/** SET only when later than the stored value (ISO strings of the same length sort by time). */
const ADVANCE = `local cur = redis.call('GET', KEYS[1])
if (not cur) or cur < ARGV[1] then redis.call('SET', KEYS[1], ARGV[1]) return 1 end
return 0`;

/** Runs a MULTI and throws the first command error (ioredis resolves them instead). */
async function execAll(multi: ReturnType<Redis['multi']>): Promise<void> {
  const results = await multi.exec();
  const failed = results?.find(([e]) => e);
  if (failed?.[0]) throw failed[0];
}

function parseSchedule(raw: string | null | undefined): { checks: number; nextAt: number } | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as { checks?: unknown; nextAt?: unknown };
    return typeof v.checks === 'number' && typeof v.nextAt === 'number' ? { checks: v.checks, nextAt: v.nextAt } : undefined;
  } catch {
    return undefined;
  }
}

export class CatchUpStore {
  readonly #redis: Redis;
  readonly #checkpoint: string;
  readonly #pending: string;
  readonly #schedule: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#checkpoint = `${prefix}:catchup:checkpoint`;
    this.#pending = `${prefix}:catchup:pending`;
    this.#schedule = `${prefix}:catchup:pending:schedule`;
  }

  /** The checkpoint (ms), or undefined when there is none (or it is not a date). */
  async checkpoint(): Promise<number | undefined> {
    const raw = await this.#redis.get(this.#checkpoint);
    const at = raw === null ? Number.NaN : Date.parse(raw);
    return Number.isNaN(at) ? undefined : at;
  }

  /** Moves the checkpoint to `at` unless it is already later; true when it moved. */
  async advanceCheckpoint(at: number): Promise<boolean> {
    return (await this.#redis.eval(ADVANCE, 1, this.#checkpoint, new Date(at).toISOString())) === 1;
  }

  async pending(): Promise<PendingRecording[]> {
    const flat = await this.#redis.zrange(this.#pending, 0, -1, 'WITHSCORES');
    const ids: string[] = [];
    const seen: number[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      ids.push(flat[i]!);
      seen.push(Number(flat[i + 1]));
    }
    if (ids.length === 0) return [];
    const schedules = await this.#redis.hmget(this.#schedule, ...ids);
    return ids.map((member, i) => {
      const firstSeenAt = seen[i]!;
      const s = parseSchedule(schedules[i]);
      return { ...readMember(member), firstSeenAt, checks: s?.checks ?? 0, nextCheckAt: s?.nextAt ?? firstSeenAt };
    });
  }

  /** Records one more 404 for the recording (first seen now if it was not pending); returns its checks so far. */
  async notAnalysed(r: RecordingRef, previous: PendingRecording | undefined, now: number): Promise<number> {
    const checks = (previous?.checks ?? 0) + 1;
    const member = pendingMember(r);
    await execAll(
      this.#redis
        .multi()
        .zadd(this.#pending, 'NX', now, member)
        .hset(this.#schedule, member, JSON.stringify({ checks, nextAt: now + recheckDelay(checks) })),
    );
    return checks;
  }

  async remove(r: RecordingRef): Promise<void> {
    const member = pendingMember(r);
    await execAll(this.#redis.multi().zrem(this.#pending, member).hdel(this.#schedule, member));
  }

  async pendingCount(): Promise<number> {
    return this.#redis.zcard(this.#pending);
  }
}
