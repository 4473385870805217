import { afterEach, describe, expect, it } from 'vitest';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';

let p: Pipeline | undefined;
afterEach(async () => {
  await p?.stop();
  p = undefined;
});

const metric = async (pl: Pipeline, name: string) => {
  const text = await (await fetch(`${pl.httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : undefined;
};

describe('API budget guard against the Salesforce simulator', () => {
  it('slows down above 80% of the allocation (calls held and written in bursts), pauses above 95%, and resumes when usage falls', async () => {
    p = await startPipeline({ service: { budgetIntervalMs: 200 } });
    const worker = p.service.worker!;
    expect(worker.concurrency).toBe(4);

    // Another integration has used 82% of the org's daily allocation.
    p.sims.sf.setApiUsage(12_300, 15_000);
    p.sims.rc.publishInsights('2728084995017');
    await p.settled(1);
    await waitFor(async () => (await metric(p!, 'ringsense_api_budget_state')) === 1, 10_000, 'the worker to slow down');
    expect(p.logs.some((l) => l.message === 'api_budget_slow' && l.percent !== undefined)).toBe(true);
    // Slow: the queue is held most of the time, calls gather and then go together, at full concurrency.
    await waitFor(async () => (await p!.service.queue.getRateLimitTtl()) > 0, 10_000, 'the queue held');
    expect(worker.concurrency).toBe(4);
    p.sims.rc.publishInsights('2728084995404');
    expect(await p.settled(2, 10_000)).toEqual({ completed: 2, failed: 0 });

    // 96%: the queue pauses before the org is locked out, and readiness says so.
    p.sims.sf.setApiUsage(14_400, 15_000);
    p.sims.rc.publishInsights('2728084995101');
    await waitFor(async () => (await metric(p!, 'ringsense_api_budget_state')) === 2, 10_000, 'the pause');
    expect(worker.concurrency).toBe(1);
    const ready = await fetch(`${p.httpUrl}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { checks: { api_budget: { ok: boolean; state: string } } };
    expect(body.checks.api_budget).toMatchObject({ ok: false, state: 'paused' });
    expect(await p.service.queue.getRateLimitTtl()).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 800));
    const c = await p.service.queue.getJobCounts('completed');
    const processedWhilePaused = (c.completed ?? 0) - 2;
    expect(processedWhilePaused).toBeLessThanOrEqual(1); // at most the call that was already running

    // Usage falls (the rolling 24 h window moves on): work resumes at full speed.
    p.sims.sf.setApiUsage(1_000, 15_000);
    await waitFor(() => worker.concurrency === 4, 10_000, 'full speed again');
    expect(await p.settled(3, 20_000)).toEqual({ completed: 3, failed: 0 });
    expect(p.logs.some((l) => l.message === 'api_budget_normal')).toBe(true);
    expect((await fetch(`${p.httpUrl}/readyz`)).status).toBe(200);
  });
});
