/**
 * A counted list in Redis for the admin: one entry per member (`<kind>|<subject>`), with how many calls, when first
 * and last, the last call and an optional note as last seen. Two keys, written by one Lua script so concurrent
 * workers never lose a count:
 *
 * - `<base>:entries`: hash member -> JSON `{count, firstSeen, lastSeen, lastSourceRecordId, note?}` (times as
 *   epoch-ms strings: Lua's cjson keeps only 14 significant digits of a number);
 * - `<base>:by_last_seen`: sorted set of the same members scored by lastSeen (ms).
 *
 * Entries not seen for `retentionMs` and all but the newest `maxEntries` are trimmed on every write; both keys
 * expire after `retentionMs` without writes. No Redis client import: it needs only something that runs a script,
 * which an ioredis `Redis` is. Behind `ringsense-sync unmapped` and `ringsense-sync fields refusals`.
 */

/** The one Redis command the list needs (an ioredis `Redis` fits). */
export interface ScriptClient {
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
}

export interface TallyEntry {
  /** The member's two parts, split at its first `|`. */
  readonly kind: string;
  readonly subject: string;
  /** Calls recorded since firstSeen (the same call recorded twice in a row counts once). */
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly lastSourceRecordId: string;
  /** The note of the newest record ('' when none was given). */
  readonly note: string;
}

/** Deletes members from both keys in slices (Lua's unpack has a stack limit). */
const REMOVE_FN = `local function remove(list)
  for i = 1, #list, 500 do
    local slice = {}
    for j = i, math.min(i + 499, #list) do slice[#slice + 1] = list[j] end
    redis.call('HDEL', KEYS[1], unpack(slice))
    redis.call('ZREM', KEYS[2], unpack(slice))
  end
end`;

/** KEYS: entries, by_last_seen. ARGV: member, at, sourceRecordId, cutoff, maxEntries, ttlMs, note (may be ''). */
const RECORD = `${REMOVE_FN}
local at = tonumber(ARGV[2])
local raw = redis.call('HGET', KEYS[1], ARGV[1])
local e = raw and cjson.decode(raw) or { count = 0, firstSeen = ARGV[2], lastSeen = ARGV[2], lastSourceRecordId = '' }
if e.count == 0 or e.lastSourceRecordId ~= ARGV[3] then e.count = e.count + 1 end
if at >= tonumber(e.lastSeen) then
  e.lastSeen = ARGV[2]
  e.lastSourceRecordId = ARGV[3]
  if ARGV[7] ~= '' then e.note = ARGV[7] end
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

function toEntry(member: string, raw: string): TallyEntry | undefined {
  const bar = member.indexOf('|');
  if (bar <= 0) return undefined;
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    const [count, firstSeen, lastSeen] = [Number(v.count), Number(v.firstSeen), Number(v.lastSeen)];
    if (![count, firstSeen, lastSeen].every(Number.isFinite)) return undefined;
    const str = (x: unknown): string => (typeof x === 'string' ? x : '');
    // `message`: what the field-refusal list wrote before the note had its name.
    return { kind: member.slice(0, bar), subject: member.slice(bar + 1), count, firstSeen, lastSeen, lastSourceRecordId: str(v.lastSourceRecordId), note: str(v.note) || str(v.message) };
  } catch {
    return undefined;
  }
}

export class TallyList {
  readonly #redis: ScriptClient;
  readonly #keys: readonly [string, string];
  readonly #retentionMs: number;
  readonly #maxEntries: number;

  /** `base`: the keys' common start, e.g. `${prefix}:unmapped`. */
  constructor(redis: ScriptClient, base: string, opts: { retentionMs: number; maxEntries: number }) {
    this.#redis = redis;
    this.#keys = [`${base}:entries`, `${base}:by_last_seen`];
    this.#retentionMs = opts.retentionMs;
    this.#maxEntries = Math.max(1, Math.floor(opts.maxEntries));
  }

  /** Counts one call for `kind` + `subject` (`kind` holds no `|`) and trims old entries. Throws only if Redis fails. */
  async record(kind: string, subject: string, call: { readonly sourceRecordId: string; readonly at: number; readonly note?: string }): Promise<void> {
    const at = Math.round(call.at);
    await this.#redis.eval(RECORD, 2, ...this.#keys, `${kind}|${subject}`, String(at), call.sourceRecordId, String(at - this.#retentionMs), String(this.#maxEntries), String(this.#retentionMs), call.note ?? '');
  }

  /** Entries last seen at or after `sinceMs`, newest first. */
  async list(sinceMs: number): Promise<TallyEntry[]> {
    const flat = await this.#redis.eval(LIST, 2, ...this.#keys, String(Math.floor(sinceMs)));
    if (!Array.isArray(flat)) return [];
    const out: TallyEntry[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const entry = toEntry(String(flat[i]), String(flat[i + 1]));
      if (entry) out.push(entry);
    }
    return out;
  }
}
