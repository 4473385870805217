import { Redis } from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCalls } from '../../src/demo/sample-calls.ts';
import { encodeCallJob } from '../../src/queue/job-payload.ts';
import { launchBrowser, screenshot, signIn, startConsolePipeline } from '../support/browser.ts';
import type { Pipeline } from '../support/pipeline.ts';

const DOC = sampleCalls()['documented-example'].body;
const FAILED = 10_000;

let p: Pipeline;
let browser: Browser;
let page: Page;
let redis: Redis;

/** 10,000 failed calls written straight into the queue's Redis, as BullMQ keeps them (running them would take minutes). */
async function fillFailedSet(): Promise<void> {
  const queue = p.service.queue;
  const now = Date.now();
  for (let b = 0; b < FAILED; b += 1000) {
    const m = redis.pipeline();
    for (let i = b; i < b + 1000; i++) {
      const id = `call-${9_100_000_000_000 + i}-1`;
      const data = encodeCallJob({ kind: 'notification', receivedAt: now, event: { body: { ...DOC, sourceRecordId: String(9_100_000_000_000 + i) } } });
      const failedReason = i % 4 === 0 ? 'salesforce_rejected: FIELD_CUSTOM_VALIDATION_EXCEPTION' : 'unmapped_owner: RingCentral extension 62288320099 is not mapped';
      m.hset(queue.toKey(id), { name: 'call.insights', data: JSON.stringify(data), opts: JSON.stringify({ attempts: 14 }), timestamp: now - i, processedOn: now - i, finishedOn: now - i, atm: 1, failedReason });
      m.zadd(queue.toKey('failed'), now - i, id);
    }
    await m.exec();
  }
}

beforeAll(async () => {
  [p, browser] = await Promise.all([startConsolePipeline(), launchBrowser()]);
  redis = new Redis(p.redis.url);
  await fillFailedSet();
  page = await (await browser.newContext()).newPage();
  await signIn(page, p.httpUrl!);
}, 120_000);
afterAll(async () => {
  redis?.disconnect();
  await browser?.close();
  await p?.stop();
});

/** How long the server took to answer a page (the browser's request to the response's end). */
async function timed(path: string): Promise<number> {
  const response = (await page.goto(`${p.httpUrl!}${path}`))!;
  await response.finished();
  const t = response.request().timing();
  return t.responseEnd - t.requestStart;
}

describe('admin console: the failures pages with 10,000 failed calls', () => {
  it('answers the failures page, its last page and the overview quickly: paged, the counts read without job data', async () => {
    const times: Record<string, number> = {};
    times.first = await timed('/admin/failures');
    expect(await page.textContent('#failures-range')).toBe(`Showing 1-25 of ${FAILED}, newest first.`);
    const counts = await page.locator('#failure-reasons tbody tr .count').allTextContents();
    expect(counts).toEqual(['7500', '2500']);
    await screenshot(page, 'failures-10000');
    times.again = await timed('/admin/failures');
    times.last = await timed('/admin/failures?page=400');
    expect(await page.textContent('#failures-range')).toBe(`Showing 9976-10000 of ${FAILED}, newest first.`);
    expect(await page.$('#next-page')).toBeNull();
    times.overview = await timed('/admin');
    times.detail = await timed(`/admin/failures/call-${9_100_000_005_001}-1`);
    expect(await page.textContent('#detail-reason')).toBe('unmapped_owner');
    // Find a call decodes the job data of the newest 2,000 jobs of each state, no more, once: what each carries is
    // kept by job id. The page starts that decoding when it opens, while the admin types the term (typed here at a
    // person's pace), so the first search after a start does not pay for it; the next ones never do.
    times.findPage = await timed('/admin/calls');
    await page.type('#call-term', '9100000000001', { delay: 80 });
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().includes('/admin/calls?q=')), page.click('button.find')]);
    await response.finished();
    const firstFind = response.request().timing().responseEnd - response.request().timing().requestStart;
    times.firstFind = firstFind;
    expect(await page.locator('#call-jobs tbody tr .state').allTextContents()).toEqual(['failed']);
    times.find = await timed('/admin/calls?q=%2B13125550177');
    expect(await page.textContent('#not-found')).toContain('Only the newest 2000 jobs of each state');
    console.log('first Find a call after a start with 10,000 failed calls, typed into the page (ms):', Math.round(firstFind));
    console.log('server time with 10,000 failed calls (ms):', JSON.stringify(Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.round(v)]))));
    // The budget is 300 ms; asserted with room for a loaded CI machine.
    for (const t of Object.values(times)) expect(t).toBeLessThan(1000);
  });
});
