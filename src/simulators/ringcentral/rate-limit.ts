/**
 * RingCentral usage-plan groups and the X-Rate-Limit-* headers it sends on every limited response.
 * The simulator counts requests per group in a sliding window to report `X-Rate-Limit-Remaining`.
 * By default it answers 429 only when a test forces it with `rateLimit(endpoint, {count, retryAfterSeconds})`:
 * enforcing the real 10/min Heavy limit would throttle ordinary test runs. With `{ enforce: true }` it also
 * answers 429 once a group's count in its window reaches the limit, with `Retry-After` = the seconds until the
 * oldest counted request leaves the window (or, with a `penaltySeconds`, until the penalty ends).
 * Defaults: docs basics/rate-limits.md (Light 50/min, Medium 40/min, Heavy 10/min, Auth 5/min; 60 s penalty).
 */
import { RATE_LIMIT_BODY } from './rc-errors.ts';
import type { SimResponse } from './http-io.ts';

export type RateLimitedEndpoint = 'call-log' | 'insights' | 'extension' | 'rcvideo' | 'token' | 'wstoken';

export const RATE_LIMITED_ENDPOINTS: readonly RateLimitedEndpoint[] = ['call-log', 'insights', 'extension', 'rcvideo', 'token', 'wstoken'];

export interface UsagePlanGroup {
  /** Header value; RingCentral sends the group name in lower case (`heavy`). */
  name: 'light' | 'medium' | 'heavy' | 'auth';
  limit: number;
  windowSeconds: number;
  /** Enforced mode only: once the limit is hit, the group answers 429 for this long (RingCentral's penalty interval). */
  penaltySeconds?: number;
}

export type GroupKey = 'Light' | 'Medium' | 'Heavy' | 'Auth';

export interface RateGroupSettings {
  limit: number;
  windowSeconds: number;
  penaltySeconds?: number;
}

export interface RateLimitOptions {
  /** Answer 429 when a group's window is full (default false: only forced 429s). */
  enforce?: boolean;
  /** Per-group overrides of the documented defaults (e.g. a compressed window for a test). */
  groups?: Partial<Record<GroupKey, RateGroupSettings>>;
}

const DEFAULT_GROUPS: Readonly<Record<GroupKey, UsagePlanGroup>> = {
  Light: { name: 'light', limit: 50, windowSeconds: 60 },
  Medium: { name: 'medium', limit: 40, windowSeconds: 60 },
  Heavy: { name: 'heavy', limit: 10, windowSeconds: 60 },
  Auth: { name: 'auth', limit: 5, windowSeconds: 60 },
};

/** Which group each endpoint counts in (call log Heavy; RingSense, extensions and RCV history Light; OAuth Auth). */
export const ENDPOINT_GROUP_KEYS: Readonly<Record<RateLimitedEndpoint, GroupKey>> = {
  'call-log': 'Heavy',
  insights: 'Light',
  extension: 'Light',
  rcvideo: 'Light',
  token: 'Auth',
  wstoken: 'Auth',
};

/** Default groups per endpoint (developers.ringcentral.com basics/rate-limits). */
export const ENDPOINT_GROUPS: Readonly<Record<RateLimitedEndpoint, UsagePlanGroup>> = Object.fromEntries(
  Object.entries(ENDPOINT_GROUP_KEYS).map(([e, k]) => [e, DEFAULT_GROUPS[k]]),
) as Record<RateLimitedEndpoint, UsagePlanGroup>;

export function isRateLimitedEndpoint(v: unknown): v is RateLimitedEndpoint {
  return typeof v === 'string' && (RATE_LIMITED_ENDPOINTS as readonly string[]).includes(v);
}

export function rateLimitHeaders(group: UsagePlanGroup, remaining: number): Record<string, string> {
  return {
    'X-Rate-Limit-Group': group.name,
    'X-Rate-Limit-Limit': String(group.limit),
    'X-Rate-Limit-Remaining': String(Math.max(0, remaining)),
    'X-Rate-Limit-Window': String(group.windowSeconds),
  };
}

function tooMany(group: UsagePlanGroup, retryAfterSeconds: number): SimResponse {
  return { status: 429, body: RATE_LIMIT_BODY, headers: { ...rateLimitHeaders(group, 0), 'Retry-After': String(retryAfterSeconds) } };
}

function checkSettings(key: string, s: RateGroupSettings): void {
  if (!Number.isInteger(s.limit) || s.limit < 1) throw new TypeError(`rateLimits.groups.${key}.limit must be a positive integer`);
  if (!(s.windowSeconds > 0)) throw new TypeError(`rateLimits.groups.${key}.windowSeconds must be > 0`);
  if (s.penaltySeconds !== undefined && !(s.penaltySeconds >= 0)) throw new TypeError(`rateLimits.groups.${key}.penaltySeconds must be >= 0`);
}

export type RateDecision = { limited: false; headers: Record<string, string> } | { limited: true; response: SimResponse };

export class RateLimiter {
  private readonly forced = new Map<RateLimitedEndpoint, { count: number; retryAfterSeconds: number }>();
  private readonly hits = new Map<string, number[]>();
  private readonly penaltyUntil = new Map<string, number>();
  private enforce = false;
  private groups: Record<GroupKey, UsagePlanGroup> = { ...DEFAULT_GROUPS };

  constructor(opts: RateLimitOptions = {}) {
    this.configure(opts);
  }

  /** Sets enforcement and group settings (groups not named go back to the defaults); counts so far are kept. */
  configure(opts: RateLimitOptions): void {
    const groups: Record<GroupKey, UsagePlanGroup> = { ...DEFAULT_GROUPS };
    for (const [key, s] of Object.entries(opts.groups ?? {}) as Array<[GroupKey, RateGroupSettings | undefined]>) {
      if (!(key in DEFAULT_GROUPS)) throw new TypeError(`unknown rate limit group ${key}`);
      if (s === undefined) continue;
      checkSettings(key, s);
      groups[key] = { name: DEFAULT_GROUPS[key].name, limit: s.limit, windowSeconds: s.windowSeconds, ...(s.penaltySeconds !== undefined ? { penaltySeconds: s.penaltySeconds } : {}) };
    }
    this.groups = groups;
    this.enforce = opts.enforce ?? false;
    this.penaltyUntil.clear();
  }

  /** The next `count` requests to `endpoint` get 429 with `Retry-After: retryAfterSeconds`. */
  force(endpoint: RateLimitedEndpoint, opts: { count: number; retryAfterSeconds: number }): void {
    if (!Number.isInteger(opts.count) || opts.count < 0) throw new TypeError('count must be a non-negative integer');
    if (!(opts.retryAfterSeconds >= 0)) throw new TypeError('retryAfterSeconds must be >= 0');
    this.forced.set(endpoint, { ...opts });
  }

  groupOf(endpoint: RateLimitedEndpoint): UsagePlanGroup {
    return this.groups[ENDPOINT_GROUP_KEYS[endpoint]];
  }

  check(endpoint: RateLimitedEndpoint, now = Date.now()): RateDecision {
    const group = this.groupOf(endpoint);
    const forced = this.forced.get(endpoint);
    if (forced && forced.count > 0) {
      forced.count -= 1;
      return { limited: true, response: tooMany(group, forced.retryAfterSeconds) };
    }
    const windowMs = group.windowSeconds * 1000;
    const recent = (this.hits.get(group.name) ?? []).filter((t) => t > now - windowMs);
    this.hits.set(group.name, recent);
    if (this.enforce) {
      const until = this.penaltyUntil.get(group.name) ?? 0;
      if (until > now) return { limited: true, response: tooMany(group, Math.max(1, Math.ceil((until - now) / 1000))) };
      const oldest = recent[0];
      if (recent.length >= group.limit && oldest !== undefined) {
        // Refused requests are not counted: the window frees up when its oldest counted request leaves it.
        if (group.penaltySeconds !== undefined && group.penaltySeconds > 0) {
          this.penaltyUntil.set(group.name, now + group.penaltySeconds * 1000);
          return { limited: true, response: tooMany(group, Math.ceil(group.penaltySeconds)) };
        }
        return { limited: true, response: tooMany(group, Math.max(1, Math.ceil((oldest + windowMs - now) / 1000))) };
      }
    }
    recent.push(now);
    return { limited: false, headers: rateLimitHeaders(group, group.limit - recent.length) };
  }
}
