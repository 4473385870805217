import { afterEach, describe, expect, it } from 'vitest';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';
import { FAULT_CALLS, recordIdOf, tally } from './fault-harness.ts';

let p: Pipeline | undefined;
afterEach(async () => {
  await p?.stop();
  p = undefined;
});

const FAST_RETRY = { backoff: { baseMs: 200, maxMs: 1000 } };
const publishAll = (pl: Pipeline) => FAULT_CALLS.forEach((n) => pl.sims.rc.publishInsights(recordIdOf(n)));

describe('fault suite: Salesforce', () => {
  it('an outage (503 on every request) ends with every call written once after recovery', async ({ task }) => {
    p = await startPipeline({ service: FAST_RETRY });
    p.sims.sf.injectFault({ status: 503, count: 100_000 });
    publishAll(p);
    // Let the outage last while jobs fail and back off repeatedly.
    // Let the outage last while every job fails and backs off, several times.
    await waitFor(async () => {
      const jobs = await p!.service.queue.getJobs(['wait', 'waiting', 'delayed', 'active', 'prioritized']);
      return jobs.length === FAULT_CALLS.length && jobs.every((j) => j.attemptsMade >= 3);
    }, 40_000, 'every job to have failed three times');
    expect(p.tasks()).toEqual([]);
    p.sims.sf.clearFaults();
    const cleared = Date.now();
    expect(await p.settled(FAULT_CALLS.length, 60_000)).toEqual({ completed: FAULT_CALLS.length, failed: 0 });
    const row = { scenario: 'Salesforce 503 outage', ...tally(p.sims, FAULT_CALLS), recoverMs: Date.now() - cleared };
    task.meta.fault = row;
    expect(row).toMatchObject({ writtenOnce: FAULT_CALLS.length, duplicates: 0, lost: 0 });
  });

  it('REQUEST_LIMIT_EXCEEDED pauses the whole queue instead of burning attempts', async ({ task }) => {
    p = await startPipeline({ service: FAST_RETRY });
    p.sims.sf.setApiUsage(15_000, 15_000);
    publishAll(p);
    await waitFor(async () => (await p!.service.queue.getRateLimitTtl()) > 60_000, 20_000, 'the queue to be paused');
    await new Promise((r) => setTimeout(r, 1000));
    const jobs = await p.service.queue.getJobs(['wait', 'waiting', 'prioritized', 'delayed', 'active']);
    expect(jobs.length).toBe(FAULT_CALLS.length);
    expect(jobs.every((j) => j.attemptsMade === 0)).toBe(true); // a pause costs no attempt
    expect(p.logs.some((l) => l.message === 'rate_limited_pausing_queue' && l.code === 'REQUEST_LIMIT_EXCEEDED')).toBe(true);
    // The allocation frees up; time passes (the pause ends).
    p.sims.sf.setApiUsage(0);
    const resumed = Date.now();
    await p.service.queue.removeRateLimitKey();
    expect(await p.settled(FAULT_CALLS.length, 60_000)).toEqual({ completed: FAULT_CALLS.length, failed: 0 });
    const row = { scenario: 'Salesforce REQUEST_LIMIT_EXCEEDED', ...tally(p.sims, FAULT_CALLS), recoverMs: Date.now() - resumed };
    task.meta.fault = row;
    expect(row).toMatchObject({ writtenOnce: FAULT_CALLS.length, duplicates: 0, lost: 0 });
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

  it('401 forever: re-authentication stays bounded, jobs wait, and complete once it clears', async ({ task }) => {
    p = await startPipeline({ service: FAST_RETRY });
    const before = p.sims.sf.counters().tokenRequests;
    p.sims.sf.setAlways401(true);
    publishAll(p);
    await new Promise((r) => setTimeout(r, 8000));
    const tokens = p.sims.sf.counters().tokenRequests - before;
    expect(tokens).toBeGreaterThan(0);
    expect(tokens).toBeLessThanOrEqual(4); // a few per minute at most
    expect(p.tasks()).toEqual([]);
    p.sims.sf.setAlways401(false);
    const cleared = Date.now();
    expect(await p.settled(FAULT_CALLS.length, 60_000)).toEqual({ completed: FAULT_CALLS.length, failed: 0 });
    const row = { scenario: `Salesforce 401 forever (${tokens} token requests in 8 s)`, ...tally(p.sims, FAULT_CALLS), recoverMs: Date.now() - cleared };
    task.meta.fault = row;
    expect(row).toMatchObject({ writtenOnce: FAULT_CALLS.length, duplicates: 0, lost: 0 });
  });
});
