import { afterEach, describe, expect, it } from 'vitest';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';
import { FAULT_CALLS, loadManyCalls, recordIdOf, tally, tallyCalls } from './fault-harness.ts';

let p: Pipeline | undefined;
afterEach(async () => {
  await p?.stop();
  p = undefined;
});

const FAST_RETRY = { backoff: { baseMs: 200, maxMs: 1000 } };
const publishAll = (pl: Pipeline) => FAULT_CALLS.forEach((n) => pl.sims.rc.publishInsights(recordIdOf(n)));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const logged = (pl: Pipeline, message: string) => pl.logs.filter((l) => l.message === message);

/** Salesforce requests the service made that were answered with `status` (the service's own request metric). */
async function requestsAnswered(pl: Pipeline, status: string, operation?: string): Promise<number> {
  const m = await pl.service.metrics.salesforceRequests.get();
  return m.values.filter((v) => v.labels.status === status && (!operation || v.labels.operation === operation)).reduce((n, v) => n + v.value, 0);
}

/** Jobs not finished, and whether any used an attempt. */
async function openJobs(pl: Pipeline) {
  return pl.service.queue.getJobs(['wait', 'waiting', 'prioritized', 'delayed', 'active']);
}

async function readiness(pl: Pipeline): Promise<{ status: string; checks: Record<string, { ok: boolean; state?: string }> }> {
  const res = await fetch(`${pl.httpUrl}/readyz`);
  return (await res.json()) as { status: string; checks: Record<string, { ok: boolean; state?: string }> };
}

describe('fault suite: Salesforce', () => {
  it('the login is refused at start for 20 s: the worker holds its calls, logs in again, and writes them', async ({ task }) => {
    p = await startPipeline({ service: FAST_RETRY, beforeService: (sims) => sims.sf.injectFault({ status: 503, body: 'Service Unavailable', path: '/services/oauth2/token', count: 1_000_000 }) });
    const started = Date.now();
    publishAll(p);
    await waitFor(async () => (await openJobs(p!)).length === FAULT_CALLS.length, 10_000, 'the calls queued');
    const ready = await readiness(p);
    expect(ready.status).toBe('not_ready');
    expect(ready.checks.salesforce).toMatchObject({ ok: false, state: 'login' });
    await sleep(Math.max(0, 20_000 - (Date.now() - started)));
    expect(p.tasks()).toEqual([]);
    expect((await openJobs(p)).every((j) => j.attemptsMade === 0)).toBe(true); // held, not failed
    // Logins tried while refused: the first, then the gate's probes (1, 2, 4, 8, then every 15 s).
    const m = await p.service.metrics.salesforceRequests.get();
    const tokenTries = m.values.filter((v) => v.labels.operation === 'token').reduce((n, v) => n + v.value, 0);
    p.sims.sf.clearFaults();
    const cleared = Date.now();
    expect(await p.settled(FAULT_CALLS.length, 45_000)).toEqual({ completed: FAULT_CALLS.length, failed: 0 });
    const row = { scenario: 'Salesforce login refused at start for 20 s', ...tally(p.sims, FAULT_CALLS), recoverMs: Date.now() - cleared };
    task.meta.fault = row;
    expect(row).toMatchObject({ writtenOnce: FAULT_CALLS.length, duplicates: 0, lost: 0 });
    expect(row.recoverMs).toBeLessThan(30_000);
    expect(tokenTries).toBeGreaterThanOrEqual(3);
    expect(tokenTries).toBeLessThanOrEqual(7);
    // One line when the login is held, one when it works: not one per attempt.
    expect(logged(p, 'salesforce_unavailable')).toHaveLength(1);
    expect(logged(p, 'salesforce_available')).toHaveLength(1);
    expect((await readiness(p)).checks.salesforce).toEqual({ ok: true });
  });

  it('REQUEST_LIMIT_EXCEEDED for 10 s: held without burning attempts, probed at most once a minute, written after', async ({ task }) => {
    p = await startPipeline({ service: FAST_RETRY });
    p.sims.sf.setApiUsage(15_000, 15_000);
    publishAll(p);
    await waitFor(() => p!.service.gate?.state().open === false, 20_000, 'the work to be held');
    expect(p.service.gate?.state()).toMatchObject({ open: false, cause: 'daily_limit' });
    const limitedAt = Date.now();
    // Before the hold: at most one request of each call in flight (4 at once here), the API budget guard's first
    // look and the start's look-up of the mapped users. Then nothing until the probe, a minute after the hold.
    await sleep(2000);
    const refusedAtHold = await requestsAnswered(p, 'REQUEST_LIMIT_EXCEEDED');
    expect(refusedAtHold).toBeLessThanOrEqual(Number(p.service.worker?.concurrency ?? 4) + 2);
    await sleep(8000);
    // The allocation frees up after 10 s.
    p.sims.sf.setApiUsage(0);
    const cleared = Date.now();
    const refusedWhileLimited = (await requestsAnswered(p, 'REQUEST_LIMIT_EXCEEDED')) - refusedAtHold;
    expect(refusedWhileLimited).toBe(0);
    const jobs = await openJobs(p);
    expect(jobs.length).toBe(FAULT_CALLS.length);
    expect(jobs.every((j) => j.attemptsMade === 0)).toBe(true); // a hold costs no attempt
    expect(await p.settled(FAULT_CALLS.length, 90_000)).toEqual({ completed: FAULT_CALLS.length, failed: 0 });
    const row = { scenario: `Salesforce REQUEST_LIMIT_EXCEEDED 10 s (${refusedAtHold + refusedWhileLimited} refused requests)`, ...tally(p.sims, FAULT_CALLS), recoverMs: Date.now() - cleared };
    task.meta.fault = row;
    expect(row).toMatchObject({ writtenOnce: FAULT_CALLS.length, duplicates: 0, lost: 0 });
    expect(Date.now() - limitedAt).toBeLessThan(80_000); // the next probe, a minute after the hold, found it cleared
    expect(logged(p, 'salesforce_unavailable').map((l) => l.cause)).toEqual(['daily_limit']);
  });

  it('the concurrent-request limit clears in seconds: held and probed every 10 s', async () => {
    p = await startPipeline({ service: FAST_RETRY });
    const body = [{ message: 'ConcurrentPerOrgLongTxn Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }];
    p.sims.sf.injectFault({ status: 403, body, count: 3 });
    const started = Date.now();
    publishAll(p);
    expect(await p.settled(FAULT_CALLS.length, 40_000)).toEqual({ completed: FAULT_CALLS.length, failed: 0 });
    expect(logged(p, 'salesforce_unavailable').map((l) => l.cause)).toEqual(['concurrent_limit']);
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(tally(p.sims, FAULT_CALLS)).toMatchObject({ writtenOnce: FAULT_CALLS.length, duplicates: 0, lost: 0 });
  });

  it('401 for 10 s: re-authentication stays bounded, the calls wait, and are written within seconds after', async ({ task }) => {
    p = await startPipeline({ service: FAST_RETRY });
    const before = p.sims.sf.counters().tokenRequests;
    p.sims.sf.setAlways401(true);
    publishAll(p);
    await sleep(10_000);
    const tokens = p.sims.sf.counters().tokenRequests - before;
    expect(tokens).toBeGreaterThan(0);
    expect(tokens).toBeLessThanOrEqual(4); // a few per minute at most
    expect(p.tasks()).toEqual([]);
    expect(p.service.gate?.state()).toMatchObject({ open: false, cause: 'auth' });
    p.sims.sf.setAlways401(false);
    const cleared = Date.now();
    expect(await p.settled(FAULT_CALLS.length, 60_000)).toEqual({ completed: FAULT_CALLS.length, failed: 0 });
    const row = { scenario: `Salesforce 401 for 10 s (${tokens} token requests)`, ...tally(p.sims, FAULT_CALLS), recoverMs: Date.now() - cleared };
    task.meta.fault = row;
    expect(row).toMatchObject({ writtenOnce: FAULT_CALLS.length, duplicates: 0, lost: 0 });
    expect(row.recoverMs).toBeLessThan(15_000);
  });

  it('503 to every request for 2 minutes with 50 calls queued: held, probed, and all written within ~30 s after', async ({ task }) => {
    p = await startPipeline();
    const calls = loadManyCalls(p.sims, 50);
    p.sims.sf.injectFault({ status: 503, count: 1_000_000 });
    const started = Date.now();
    for (const c of calls) p.sims.rc.publishInsights(c.id);
    await waitFor(() => p!.service.gate?.state().open === false, 30_000, 'the work to be held');
    expect(p.service.gate?.state()).toMatchObject({ open: false, cause: 'outage' });
    expect((await readiness(p)).checks.salesforce).toMatchObject({ ok: false, state: 'outage' });
    // The probe is GET /limits (operation `other`); the calls' own requests are queries, searches and creates.
    const probesAtHold = await requestsAnswered(p, 'SERVER_UNAVAILABLE', 'other');
    await sleep(Math.max(0, 120_000 - (Date.now() - started)));
    const probes = (await requestsAnswered(p, 'SERVER_UNAVAILABLE', 'other')) - probesAtHold;
    expect(p.tasks()).toEqual([]);
    // No attempt burned while held: the few calls that failed before Salesforce was taken to be down used one each.
    const jobs = await openJobs(p);
    expect(jobs).toHaveLength(50);
    expect(Math.max(...jobs.map((j) => j.attemptsMade))).toBeLessThanOrEqual(1);
    p.sims.sf.clearFaults();
    const cleared = Date.now();
    expect(await p.settled(50, 60_000)).toEqual({ completed: 50, failed: 0 });
    const row = { scenario: `Salesforce 503 for 2 min, 50 calls (${probes} probes while down)`, ...tallyCalls(p.sims, calls), recoverMs: Date.now() - cleared };
    task.meta.fault = row;
    expect(row).toMatchObject({ writtenOnce: 50, duplicates: 0, lost: 0 });
    expect(row.recoverMs).toBeLessThan(30_000);
    expect(probes).toBeGreaterThanOrEqual(5);
    expect(probes).toBeLessThanOrEqual(10); // 5 s, 15 s, then one every 15 s
    expect(logged(p, 'salesforce_unavailable')).toHaveLength(1);
    expect(logged(p, 'salesforce_available')).toHaveLength(1);
  });

  it('read-only maintenance for 30 s (reads answer, writes refused): held again after each probe, no attempt burned', async ({ task }) => {
    p = await startPipeline({ service: FAST_RETRY });
    const readOnly = [{ message: "Updates can't be made during maintenance. Try again when maintenance is complete.", errorCode: 'INSERT_UPDATE_DELETE_NOT_ALLOWED_DURING_MAINTENANCE' }];
    p.sims.sf.injectFault({ status: 503, body: readOnly, count: 1_000_000, method: 'POST' });
    p.sims.sf.injectFault({ status: 503, body: readOnly, count: 1_000_000, method: 'PATCH' });
    const started = Date.now();
    publishAll(p);
    await waitFor(() => p!.service.gate?.state().open === false, 30_000, 'the work to be held');
    await sleep(Math.max(0, 30_000 - (Date.now() - started)));
    expect(p.tasks()).toEqual([]);
    const jobs = await openJobs(p);
    expect(jobs).toHaveLength(FAULT_CALLS.length);
    expect(Math.max(...jobs.map((j) => j.attemptsMade))).toBeLessThanOrEqual(1); // the trial writes used none
    p.sims.sf.clearFaults();
    const cleared = Date.now();
    expect(await p.settled(FAULT_CALLS.length, 60_000)).toEqual({ completed: FAULT_CALLS.length, failed: 0 });
    const row = { scenario: 'Salesforce read-only maintenance 30 s (reads answer)', ...tally(p.sims, FAULT_CALLS), recoverMs: Date.now() - cleared };
    task.meta.fault = row;
    expect(row).toMatchObject({ writtenOnce: FAULT_CALLS.length, duplicates: 0, lost: 0 });
    expect(row.recoverMs).toBeLessThan(30_000);
  });

  it('row locks and connection resets mid-write end with every call written once', async ({ task }) => {
    p = await startPipeline({ service: FAST_RETRY });
    const lock = [{ message: 'unable to obtain exclusive access to this record or 1 records', errorCode: 'UNABLE_TO_LOCK_ROW' }];
    p.sims.sf.injectFault({ status: 400, body: lock, count: 4, method: 'POST' });
    p.sims.sf.injectFault({ status: 0, resetConnection: true, count: 3, method: 'GET' });
    p.sims.sf.injectFault({ status: 0, resetConnection: true, count: 2, method: 'POST', path: /composite\/sobjects/ });
    const started = Date.now();
    publishAll(p);
    expect(await p.settled(FAULT_CALLS.length, 60_000)).toEqual({ completed: FAULT_CALLS.length, failed: 0 });
    const row = { scenario: 'Salesforce row locks + connection resets', ...tally(p.sims, FAULT_CALLS), recoverMs: Date.now() - started };
    task.meta.fault = row;
    expect(row).toMatchObject({ writtenOnce: FAULT_CALLS.length, duplicates: 0, lost: 0 });
  });
});
