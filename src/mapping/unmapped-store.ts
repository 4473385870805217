/**
 * The admin's to-do list behind `ringsense-sync unmapped`: owner extensions and external parties the worker could
 * not map, with how often and when last. Two keys per deployment (QUEUE_PREFIX), both written by one Lua script so
 * concurrent workers never lose a count:
 *
 * - `${prefix}:unmapped:entries`: hash `<reason>|<subject>` -> JSON `{count, firstSeen, lastSeen, lastSourceRecordId}`
 *   (times as epoch-ms strings: Lua's cjson keeps only 14 significant digits of a number).
 * - `${prefix}:unmapped:by_last_seen`: sorted set of the same members scored by lastSeen (ms).
 *
 * Entries not seen for `retentionMs` (90 days) and all but the newest `maxEntries` (10,000) are trimmed on every
 * write; both keys expire after `retentionMs` without writes.
 *
 * This file is core code (no Redis client import): it needs only something that runs a script, which an ioredis
 * `Redis` is.
 */

export type UnmappedReason = 'unmapped_owner' | 'no_contact_match' | 'logged_without_contact';
export const UNMAPPED_REASONS: readonly UnmappedReason[] = ['unmapped_owner', 'no_contact_match', 'logged_without_contact'];

export interface UnmappedMiss {
  readonly reason: UnmappedReason;
  /** An owner's RingCentral extension id; or the external party's E.164 number, else their name (MappingMiss.subject). */
  readonly subject: string;
  /** The call (RingSense recording id) it happened on. */
  readonly sourceRecordId: string;
  /** When (epoch ms). */
  readonly at: number;
}

export interface UnmappedEntry {
  readonly reason: UnmappedReason;
  readonly subject: string;
  /** Calls recorded since firstSeen (the same call recorded twice in a row counts once). */
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly lastSourceRecordId: string;
}

/** What the worker needs: a port, so the processor can be tested with a fake. */
export interface UnmappedRecorder {
  record(miss: UnmappedMiss): Promise<void>;
}

/** The one Redis command the store needs (an ioredis `Redis` fits). */
export interface ScriptClient {
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
}

export interface UnmappedStoreOptions {
  readonly retentionMs?: number;
  readonly maxEntries?: number;
}

export const UNMAPPED_RETENTION_MS = 90 * 24 * 3600_000;
export const UNMAPPED_MAX_ENTRIES = 10_000;

/** Deletes members from both keys in slices (Lua's unpack has a stack limit). */
const REMOVE_FN = `local function remove(list)
  for i = 1, #list, 500 do
    local slice = {}
    for j = i, math.min(i + 499, #list) do slice[#slice + 1] = list[j] end
    redis.call('HDEL', KEYS[1], unpack(slice))
    redis.call('ZREM', KEYS[2], unpack(slice))
  end
end`;

/** KEYS: entries, by_last_seen. ARGV: member, at, sourceRecordId, cutoff, maxEntries, ttlMs. */
const RECORD = `${REMOVE_FN}
local at = tonumber(ARGV[2])
local raw = redis.call('HGET', KEYS[1], ARGV[1])
local e = raw and cjson.decode(raw) or { count = 0, firstSeen = ARGV[2], lastSeen = ARGV[2], lastSourceRecordId = '' }
if e.count == 0 or e.lastSourceRecordId ~= ARGV[3] then e.count = e.count + 1 end
if at >= tonumber(e.lastSeen) then
  e.lastSeen = ARGV[2]
  e.lastSourceRecordId = ARGV[3]
end
if at < tonumber(e.firstSeen) then e.firstSeen = ARGV[2] end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(e))
redis.call('ZADD', KEYS[2], tonumber(e.lastSeen), ARGV[1])
remove(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[4]))
local extra = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[5])
if extra > 0 then remove(redis.call('ZRANGE', KEYS[2], 0, extra - 1)) end
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
return e.count`;

/** KEYS: entries, by_last_seen. ARGV: sinceMs. Returns [member, json, member, json, ...], newest first. */
const LIST = `local members = redis.call('ZREVRANGEBYSCORE', KEYS[2], '+inf', ARGV[1])
local out = {}
for _, m in ipairs(members) do
  local raw = redis.call('HGET', KEYS[1], m)
  if raw then
    out[#out + 1] = m
    out[#out + 1] = raw
  end
end
return out`;

function isReason(v: string): v is UnmappedReason {
  return (UNMAPPED_REASONS as readonly string[]).includes(v);
}

function toEntry(member: string, raw: string): UnmappedEntry | undefined {
  const bar = member.indexOf('|');
  const reason = member.slice(0, bar);
  if (bar < 0 || !isReason(reason)) return undefined;
  try {
    const v = JSON.parse(raw) as { count?: unknown; firstSeen?: unknown; lastSeen?: unknown; lastSourceRecordId?: unknown };
    const [count, firstSeen, lastSeen] = [Number(v.count), Number(v.firstSeen), Number(v.lastSeen)];
    if (![count, firstSeen, lastSeen].every(Number.isFinite)) return undefined;
    return { reason, subject: member.slice(bar + 1), count, firstSeen, lastSeen, lastSourceRecordId: typeof v.lastSourceRecordId === 'string' ? v.lastSourceRecordId : '' };
  } catch {
    return undefined;
  }
}

export class UnmappedStore implements UnmappedRecorder {
  readonly #redis: ScriptClient;
  readonly #keys: readonly [string, string];
  readonly #retentionMs: number;
  readonly #maxEntries: number;

  constructor(redis: ScriptClient, prefix: string, opts: UnmappedStoreOptions = {}) {
    this.#redis = redis;
    this.#keys = [`${prefix}:unmapped:entries`, `${prefix}:unmapped:by_last_seen`];
    this.#retentionMs = opts.retentionMs ?? UNMAPPED_RETENTION_MS;
    this.#maxEntries = Math.max(1, Math.floor(opts.maxEntries ?? UNMAPPED_MAX_ENTRIES));
  }

  /** Counts one call for `reason` + `subject` and trims old entries. Throws only if Redis fails. */
  async record(miss: UnmappedMiss): Promise<void> {
    const at = Math.round(miss.at);
    await this.#redis.eval(RECORD, 2, ...this.#keys, `${miss.reason}|${miss.subject}`, String(at), miss.sourceRecordId, String(at - this.#retentionMs), String(this.#maxEntries), String(this.#retentionMs));
  }

  /** Entries last seen at or after `sinceMs`, newest first. */
  async list(opts: { sinceMs: number }): Promise<UnmappedEntry[]> {
    const flat = await this.#redis.eval(LIST, 2, ...this.#keys, String(Math.floor(opts.sinceMs)));
    if (!Array.isArray(flat)) return [];
    const out: UnmappedEntry[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const entry = toEntry(String(flat[i]), String(flat[i + 1]));
      if (entry) out.push(entry);
    }
    return out;
  }
}
