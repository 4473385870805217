/**
 * The admin's list behind `ringsense-sync fields refusals`: mapped Task fields (mapping `fields.task`) a call was
 * written without, because Salesforce refused them or describe showed the org's field cannot hold the value. One
 * entry per field and code, with how many calls, when first and last, the last call and Salesforce's reason (no
 * call content). Kept in two keys per deployment (QUEUE_PREFIX), written by one Lua script so concurrent workers
 * never lose a count, as src/mapping/unmapped-store.ts keeps its list:
 *
 * - `${prefix}:field_refusals:entries`: hash `<field>|<code>` -> JSON `{count, firstSeen, lastSeen, lastSourceRecordId, message}`
 * - `${prefix}:field_refusals:by_last_seen`: sorted set of the same members scored by lastSeen (ms).
 *
 * Entries not seen for 90 days and all but the newest 1,000 are trimmed on every write; both keys expire after 90
 * days without writes. Core code: it needs only something that runs a script (an ioredis `Redis` does).
 */
import type { FieldRefusal } from './mapped-fields.ts';

export interface FieldRefusalEvent extends FieldRefusal {
  /** The call (RingSense recording id) written without the field. */
  readonly sourceRecordId: string;
  /** When (epoch ms). */
  readonly at: number;
}

export interface FieldRefusalEntry {
  readonly field: string;
  readonly code: string;
  /** Salesforce's (or the sync's) reason, as last seen. */
  readonly message: string;
  /** Calls written without the field since firstSeen (the same call twice in a row counts once). */
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly lastSourceRecordId: string;
}

/** What the worker needs: a port, so the write can be tested with a fake. */
export interface FieldRefusalRecorder {
  record(refusal: FieldRefusalEvent): Promise<void>;
}

/** The one Redis command the store needs (an ioredis `Redis` fits). */
export interface ScriptClient {
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
}

export const FIELD_REFUSALS_RETENTION_MS = 90 * 24 * 3600_000;
const MAX_ENTRIES = 1000;

/** KEYS: entries, by_last_seen. ARGV: member, at, sourceRecordId, cutoff, maxEntries, ttlMs, message. */
const RECORD = `local function remove(list)
  for i = 1, #list, 500 do
    local slice = {}
    for j = i, math.min(i + 499, #list) do slice[#slice + 1] = list[j] end
    redis.call('HDEL', KEYS[1], unpack(slice))
    redis.call('ZREM', KEYS[2], unpack(slice))
  end
end
local at = tonumber(ARGV[2])
local raw = redis.call('HGET', KEYS[1], ARGV[1])
local e = raw and cjson.decode(raw) or { count = 0, firstSeen = ARGV[2], lastSeen = ARGV[2], lastSourceRecordId = '', message = ARGV[7] }
if e.count == 0 or e.lastSourceRecordId ~= ARGV[3] then e.count = e.count + 1 end
if at >= tonumber(e.lastSeen) then
  e.lastSeen = ARGV[2]
  e.lastSourceRecordId = ARGV[3]
  e.message = ARGV[7]
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

/** KEYS: entries, by_last_seen. ARGV: sinceMs. Returns [member, json, ...], newest first. */
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

function toEntry(member: string, raw: string): FieldRefusalEntry | undefined {
  const bar = member.indexOf('|');
  if (bar <= 0) return undefined;
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    const [count, firstSeen, lastSeen] = [Number(v.count), Number(v.firstSeen), Number(v.lastSeen)];
    if (![count, firstSeen, lastSeen].every(Number.isFinite)) return undefined;
    const str = (x: unknown): string => (typeof x === 'string' ? x : '');
    return { field: member.slice(0, bar), code: member.slice(bar + 1), message: str(v.message), count, firstSeen, lastSeen, lastSourceRecordId: str(v.lastSourceRecordId) };
  } catch {
    return undefined;
  }
}

export class FieldRefusalStore implements FieldRefusalRecorder {
  readonly #redis: ScriptClient;
  readonly #keys: readonly [string, string];

  constructor(redis: ScriptClient, prefix: string) {
    this.#redis = redis;
    this.#keys = [`${prefix}:field_refusals:entries`, `${prefix}:field_refusals:by_last_seen`];
  }

  /** Counts one call written without `field` (for `code`) and trims old entries. Throws only if Redis fails. */
  async record(r: FieldRefusalEvent): Promise<void> {
    const at = Math.round(r.at);
    await this.#redis.eval(RECORD, 2, ...this.#keys, `${r.field}|${r.code}`, String(at), r.sourceRecordId, String(at - FIELD_REFUSALS_RETENTION_MS), String(MAX_ENTRIES), String(FIELD_REFUSALS_RETENTION_MS), r.message);
  }

  /** Entries last seen at or after `sinceMs`, newest first. */
  async list(opts: { sinceMs: number }): Promise<FieldRefusalEntry[]> {
    const flat = await this.#redis.eval(LIST, 2, ...this.#keys, String(Math.floor(opts.sinceMs)));
    if (!Array.isArray(flat)) return [];
    const out: FieldRefusalEntry[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const entry = toEntry(String(flat[i]), String(flat[i + 1]));
      if (entry) out.push(entry);
    }
    return out;
  }
}
