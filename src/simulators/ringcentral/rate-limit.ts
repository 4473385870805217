/**
 * RingCentral usage-plan groups and the X-Rate-Limit-* headers it sends on every limited response.
 * The simulator counts requests per group in a sliding window to report `X-Rate-Limit-Remaining`,
 * but only answers 429 when a test forces it with `rateLimit(endpoint, {count, retryAfterSeconds})`:
 * enforcing the real 10/min Heavy limit would throttle ordinary test runs.
 */
import { RATE_LIMIT_BODY } from './rc-errors.ts';
import type { SimResponse } from './http-io.ts';

export type RateLimitedEndpoint = 'call-log' | 'insights' | 'extension' | 'token' | 'wstoken';

export const RATE_LIMITED_ENDPOINTS: readonly RateLimitedEndpoint[] = ['call-log', 'insights', 'extension', 'token', 'wstoken'];

export interface UsagePlanGroup {
  /** Header value; RingCentral sends the group name in lower case (`heavy`). */
  name: 'light' | 'medium' | 'heavy' | 'auth';
  limit: number;
  windowSeconds: number;
}

const LIGHT: UsagePlanGroup = { name: 'light', limit: 50, windowSeconds: 60 };
const HEAVY: UsagePlanGroup = { name: 'heavy', limit: 10, windowSeconds: 60 };
const AUTH: UsagePlanGroup = { name: 'auth', limit: 5, windowSeconds: 60 };

/** Default groups (developers.ringcentral.com basics/rate-limits; call log Heavy, RingSense Light, OAuth Auth). */
export const ENDPOINT_GROUPS: Readonly<Record<RateLimitedEndpoint, UsagePlanGroup>> = {
  'call-log': HEAVY,
  insights: LIGHT,
  extension: LIGHT,
  token: AUTH,
  wstoken: AUTH,
};

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

export type RateDecision = { limited: false; headers: Record<string, string> } | { limited: true; response: SimResponse };

export class RateLimiter {
  private readonly forced = new Map<RateLimitedEndpoint, { count: number; retryAfterSeconds: number }>();
  private readonly hits = new Map<string, number[]>();

  /** The next `count` requests to `endpoint` get 429 with `Retry-After: retryAfterSeconds`. */
  force(endpoint: RateLimitedEndpoint, opts: { count: number; retryAfterSeconds: number }): void {
    if (!Number.isInteger(opts.count) || opts.count < 0) throw new TypeError('count must be a non-negative integer');
    if (!(opts.retryAfterSeconds >= 0)) throw new TypeError('retryAfterSeconds must be >= 0');
    this.forced.set(endpoint, { ...opts });
  }

  check(endpoint: RateLimitedEndpoint, now = Date.now()): RateDecision {
    const group = ENDPOINT_GROUPS[endpoint];
    const forced = this.forced.get(endpoint);
    if (forced && forced.count > 0) {
      forced.count -= 1;
      return {
        limited: true,
        response: {
          status: 429,
          body: RATE_LIMIT_BODY,
          headers: { ...rateLimitHeaders(group, 0), 'Retry-After': String(forced.retryAfterSeconds) },
        },
      };
    }
    const windowStart = now - group.windowSeconds * 1000;
    const recent = (this.hits.get(group.name) ?? []).filter((t) => t > windowStart);
    recent.push(now);
    this.hits.set(group.name, recent);
    return { limited: false, headers: rateLimitHeaders(group, group.limit - recent.length) };
  }
}
