import { describe, expect, it } from 'vitest';
import { aggregate, Readiness } from '../../../src/http/readiness.ts';
import { salesforceCheck, serviceChecks, subscriptionCheck } from '../../../src/http/service-checks.ts';

describe('aggregate', () => {
  it('is ready when every check that applies is ok, and leaves out the ones that do not apply', () => {
    expect(aggregate([['redis', { ok: true }], ['subscription', undefined], ['salesforce', { ok: true }]])).toEqual({
      status: 'ready',
      checks: { redis: { ok: true }, salesforce: { ok: true } },
    });
    expect(aggregate([])).toEqual({ status: 'ready', checks: {} });
  });

  it('is not ready when any check is not ok, and keeps its details', () => {
    const report = aggregate([['redis', { ok: true }], ['subscription', { ok: false, state: 'degraded', error: 'upgrade refused: 503' }]]);
    expect(report).toEqual({ status: 'not_ready', checks: { redis: { ok: true }, subscription: { ok: false, state: 'degraded', error: 'upgrade refused: 503' } } });
  });
});

describe('Readiness', () => {
  it('runs the checks, counting a throw or a check that takes too long as not ok', async () => {
    const r = new Readiness({
      redis: () => Promise.resolve({ ok: true }),
      broken: () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      },
      slow: () => new Promise(() => undefined),
      skipped: undefined,
    }, 50);
    expect(await r.report()).toEqual({
      status: 'not_ready',
      checks: { redis: { ok: true }, broken: { ok: false, error: 'connect ECONNREFUSED 127.0.0.1:6379' }, slow: { ok: false, error: 'no answer within 50 ms' } },
    });
  });

  it('takes more checks later (e.g. api_budget), with unique snake_case names', async () => {
    const r = new Readiness({ redis: () => ({ ok: true }) });
    r.add('api_budget', () => ({ ok: false, used: 0.97 }));
    expect(r.names()).toEqual(['redis', 'api_budget']);
    expect(await r.report()).toEqual({ status: 'not_ready', checks: { redis: { ok: true }, api_budget: { ok: false, used: 0.97 } } });
    expect(() => r.add('redis', () => ({ ok: true }))).toThrow(/already registered/);
    expect(() => r.add('Api Budget', () => ({ ok: true }))).toThrow(/snake_case/);
  });
});

describe('service checks', () => {
  const listener = (state: string, lastError?: string) => ({ state: () => state, lastError: () => lastError });
  const leader = (state: 'leader' | 'follower' | 'stopped') => ({ state: () => state });

  it('subscription: connected on the holder, standby on another replica, otherwise the state and last error', () => {
    const check = (l: ReturnType<typeof leader> | undefined, s: ReturnType<typeof listener> | undefined) => subscriptionCheck({ leader: () => l, listener: () => s })();
    expect(check(leader('leader'), listener('connected'))).toEqual({ ok: true, state: 'connected' });
    expect(check(leader('follower'), undefined)).toEqual({ ok: true, state: 'standby' });
    expect(check(leader('leader'), listener('degraded', 'Error: Unexpected server response: 503'))).toEqual({ ok: false, state: 'degraded', error: 'Error: Unexpected server response: 503' });
    expect(check(leader('leader'), listener('reconnecting'))).toEqual({ ok: false, state: 'reconnecting' });
    expect(check(leader('leader'), undefined)).toEqual({ ok: false, state: 'starting' });
    expect(check(undefined, undefined)).toEqual({ ok: false, state: 'starting' });
    expect(check(leader('stopped'), undefined)).toEqual({ ok: false, state: 'stopped' });
  });

  it('salesforce: ok while it answers; while the work is held, why and since when', () => {
    expect(salesforceCheck(() => ({ state: () => ({ open: true }) }))()).toEqual({ ok: true });
    const held = { open: false, cause: 'outage', since: Date.UTC(2026, 11, 1, 21), probes: 2, lastError: 'SERVER_UNAVAILABLE: Server unavailable' } as const;
    expect(salesforceCheck(() => ({ state: () => held }))()).toEqual({ ok: false, state: 'outage', since: '2026-12-01T21:00:00.000Z', probes: 2, error: 'SERVER_UNAVAILABLE: Server unavailable' });
    expect(salesforceCheck(() => undefined)()).toEqual({ ok: false, state: 'starting' });
  });

  it('registers the checks of the roles the process runs', () => {
    const ping = () => Promise.resolve('PONG');
    expect(Object.keys(serviceChecks({ ping }))).toEqual(['redis']);
    expect(Object.keys(serviceChecks({ ping, leader: () => undefined, listener: () => undefined }))).toEqual(['redis', 'subscription']);
    expect(Object.keys(serviceChecks({ ping, salesforce: () => undefined }))).toEqual(['redis', 'salesforce']);
  });
});
