import type { GateState } from '../queue/outage-gate.ts';
import type { CheckResult, ReadinessCheck } from './readiness.ts';

/** What the checks read from the running service; getters, since the parts come up one after another. */
export interface ServiceParts {
  /** PINGs the queue's Redis connection. */
  readonly ping: () => Promise<unknown>;
  /** Set when this process runs the listener role. */
  readonly leader?: () => { state(): 'leader' | 'follower' | 'stopped' } | undefined;
  readonly listener?: () => { state(): string; lastError(): string | undefined } | undefined;
  /** Set when this process runs the worker role. */
  readonly salesforce?: () => { state(): GateState } | undefined;
}

export function redisCheck(ping: () => Promise<unknown>): ReadinessCheck {
  return async () => {
    await ping();
    return { ok: true };
  };
}

/**
 * The RingCentral subscription: `connected` on the replica that holds it, `standby` on the others (ready: one
 * replica listens, see LeaderElection); any other state of the holder is not ready, with its last error.
 */
export function subscriptionCheck(parts: Required<Pick<ServiceParts, 'leader' | 'listener'>>): ReadinessCheck {
  return (): CheckResult => {
    const leader = parts.leader();
    if (!leader) return { ok: false, state: 'starting' };
    const role = leader.state();
    if (role === 'follower') return { ok: true, state: 'standby' };
    if (role === 'stopped') return { ok: false, state: 'stopped' };
    const listener = parts.listener();
    if (!listener) return { ok: false, state: 'starting' };
    const state = listener.state();
    if (state === 'connected') return { ok: true, state };
    const error = listener.lastError();
    return { ok: false, state, ...(error ? { error } : {}) };
  };
}

/**
 * Salesforce: answering (the outage gate is open). While the work is held, why (`login`, `auth`, `outage`,
 * `daily_limit`, `concurrent_limit`), since when, how many probes so far and the last error.
 */
export function salesforceCheck(gate: () => { state(): GateState } | undefined): ReadinessCheck {
  return (): CheckResult => {
    const g = gate();
    if (!g) return { ok: false, state: 'starting' };
    const s = g.state();
    if (s.open) return { ok: true };
    return { ok: false, state: s.cause, since: new Date(s.since).toISOString(), probes: s.probes, ...(s.lastError ? { error: s.lastError } : {}) };
  };
}

/** The standard checks for the roles this process runs: redis always, subscription when listening, salesforce when working. */
export function serviceChecks(parts: ServiceParts): Record<string, ReadinessCheck> {
  return {
    redis: redisCheck(parts.ping),
    ...(parts.leader && parts.listener ? { subscription: subscriptionCheck({ leader: parts.leader, listener: parts.listener }) } : {}),
    ...(parts.salesforce ? { salesforce: salesforceCheck(parts.salesforce) } : {}),
  };
}
