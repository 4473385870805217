import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCalls } from '../../src/demo/sample-calls.ts';
import { launchBrowser, screenshot, signIn, startConsolePipeline, submit } from '../support/browser.ts';
import { waitFor, type Pipeline } from '../support/pipeline.ts';

const DOC = sampleCalls()['documented-example'].body;
const HOSTILE = '<img src=x onerror=alert(1)>';

let p: Pipeline;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const dialogs: string[] = [];

beforeAll(async () => {
  [p, browser] = await Promise.all([startConsolePipeline(), launchBrowser()]);
  // What the overview must show: one call written, one whose rep is not mapped (fails for good), one whose caller,
  // named like markup and without a number, is found nowhere (written without a contact, and listed as unmapped).
  p.sims.rc.publishInsights('2728084995017');
  p.sims.rc.publishInsights({ ...structuredClone(DOC), sourceRecordId: '9000000000003', ownerExtensionId: '62288320099' });
  const hostile = structuredClone(DOC) as typeof DOC & { speakerInfo: Array<{ name: string }> };
  hostile.speakerInfo[1]!.name = HOSTILE;
  p.sims.rc.publishInsights({ ...hostile, sourceRecordId: '9000000000005', sourceSessionId: 's-console-hostile-0001' });
  expect(await p.settled(3)).toEqual({ completed: 2, failed: 1 });
  context = await browser.newContext();
  page = await context.newPage();
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await signIn(page, p.httpUrl!);
  await page.waitForSelector('#figures');
});
afterAll(async () => {
  await browser?.close();
  await p?.stop();
});

const text = async (selector: string) => (await page.textContent(selector))?.trim();

describe('admin console: the overview in a real browser', () => {
  it("shows what was synced: counts, queue depth, failures by reason, unmapped counts, the calls with links to their Tasks", async () => {
    await page.goto(`${p.httpUrl!}/admin`);
    expect([await text('#synced-hour'), await text('#synced-day'), await text('#synced-week')]).toEqual(['2', '2', '2']);
    expect([await text('#queue-waiting'), await text('#queue-delayed'), await text('#queue-active'), await text('#queue-failed')]).toEqual(['0', '0', '0', '1']);
    expect(await text('#subscription-state')).toBe('held by this replica: connected');
    expect(await text('#domains')).toBe('pbx');
    expect(await text('#budget-state')).toBe('normal');
    const reasons = page.locator('#failure-reasons tbody tr');
    expect([await reasons.locator('.reason').allTextContents(), await reasons.locator('.count').allTextContents()]).toEqual([['unmapped_owner'], ['1']]);
    expect(await text('[data-reason="unmapped_owner"]')).toBe('1');
    expect(await text('[data-reason="logged_without_contact"]')).toBe('1');

    const written = p.tasks().filter((t) => t.TaskSubtype === 'Call');
    expect(written).toHaveLength(2);
    const rows = await page.locator('#recent-calls tbody tr').all();
    expect(rows).toHaveLength(2);
    const recordings: string[] = [];
    for (const row of rows) {
      const recording = (await row.locator('.recording').textContent())!;
      recordings.push(recording);
      const task = written.find((t) => t.CallObject === `ringsense:${recording}`)!;
      expect(await row.locator('a.task').getAttribute('href')).toBe(`${p.sims.sf.url}/${String(task.Id)}`);
    }
    expect(recordings.sort()).toEqual(['2728084995017', '9000000000005']);
    await screenshot(page, 'overview');
  });

  it('renders a caller named like markup as text: no element made of it, no script run', async () => {
    await page.goto(`${p.httpUrl!}/admin`);
    const subjects = await page.locator('#unmapped-latest .subject').allTextContents();
    expect(subjects).toContain(HOSTILE);
    expect(await page.$$('main img')).toHaveLength(0);
    expect(await page.getByText(HOSTILE, { exact: true }).isVisible()).toBe(true);
    expect(dialogs).toEqual([]);
    await screenshot(page, 'overview-hostile-name');
  });

  it('refuses a state-changing request without the CSRF token (403), and retries a failed call from its button', async () => {
    await page.goto(`${p.httpUrl!}/admin`);
    const [failed] = await p.failedJobs();
    const jobId = failed!.id!;
    // The browser's own request, from the console's page (same origin, the session cookie sent): no token, no change.
    const statuses = await page.evaluate(async (id) => {
      const post = (body: string) => fetch(`/admin/failures/${id}/retry`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
      return [(await post('')).status, (await post('_csrf=not-the-token')).status];
    }, jobId);
    expect(statuses).toEqual([403, 403]);
    expect(await failed!.getState()).toBe('failed');

    await submit(page, `tr[data-job-id="${jobId}"] button.retry`);
    expect(await text('#flash')).toBe(`Call ${jobId} is queued again with its attempts reset.`);
    await screenshot(page, 'overview-retried');
    // Still unmapped: it runs again and fails again.
    await waitFor(async () => (await p.service.queue.getJob(jobId))?.attemptsMade === 1 && (await p.service.queue.getJobState(jobId)) === 'failed' && p.logs.filter((l) => l.message === 'job_failed').length === 2, 20_000, 'the retried call to fail again');
  });

  it('charts the Salesforce requests per hour as the simulated org counted them, and links a call into RingSense', async () => {
    // A call whose event carries its RingSense link (rsRecordUri), as the newer samples do.
    const withLink = sampleCalls()['inbound-highlights'].body as { sourceRecordId: string; rsRecordUri?: string };
    expect(withLink.rsRecordUri).toMatch(/^https:\/\//);
    const before = (await p.service.queue.getJobCounts('completed')).completed ?? 0;
    p.sims.rc.publishInsights(withLink.sourceRecordId);
    await waitFor(async () => ((await p.service.queue.getJobCounts('completed')).completed ?? 0) > before, 20_000, 'the call with a RingSense link to be written');
    // The figures fragment (what htmx swaps in every 15 s) counts what the org was asked, once the workers' counts are flushed.
    const charted = async (): Promise<number> => {
      const html = await page.evaluate(async () => (await fetch('/admin/overview/figures')).text());
      return [...html.matchAll(/<g class="bar[^"]*"[^>]* data-requests="(\d+)"/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    };
    await waitFor(async () => (await charted()) === p.sims.sf.counters().total, 20_000, 'the chart to count the requests the simulated org counted');
    expect(p.sims.sf.counters().total).toBeGreaterThan(0);

    await page.goto(`${p.httpUrl!}/admin`);
    expect(await text('#sf-requests-summary')).toMatch(/^[\d,]+ requests? from the sync in the last 24 hours/);
    expect(await page.locator('#sf-requests g.bar').count()).toBe(24);
    const current = page.locator('#sf-requests g.bar.current');
    expect(await current.getAttribute('aria-label')).toMatch(/ UTC: [\d,]+ requests? so far$/);
    const row = page.locator('#recent-calls tbody tr', { has: page.locator('.recording', { hasText: withLink.sourceRecordId }) });
    const link = row.locator('a.ringsense');
    expect([await link.getAttribute('href'), await link.getAttribute('rel'), await link.getAttribute('target'), await link.textContent()]).toEqual([withLink.rsRecordUri, 'noreferrer', '_blank', 'RingSense']);
    // The calls without a link in their event get none.
    expect(await page.locator('#recent-calls a.ringsense').count()).toBe(1);
    await screenshot(page, 'overview-requests-chart');
  });

  it("bull-board's writes from a signed-in browser need the XSRF-TOKEN echoed (as its UI does)", async () => {
    await page.goto(`${p.httpUrl!}/admin/queues`);
    await page.getByText('calls', { exact: true }).first().waitFor();
    // The cookie bull-board's UI reads (not HttpOnly, for that) and echoes as X-XSRF-TOKEN.
    const token = (await context.cookies(`${p.httpUrl!}/admin/queues`)).find((c) => c.name === 'XSRF-TOKEN')!.value;
    const statuses = await page.evaluate(async (xsrf) => {
      const retry = (headers: Record<string, string>) => fetch('/admin/queues/api/queues/calls/retry/failed', { method: 'PUT', headers });
      return [(await retry({})).status, (await retry({ 'X-XSRF-TOKEN': 'forged' })).status, (await retry({ 'X-XSRF-TOKEN': xsrf })).status];
    }, token);
    expect(statuses).toEqual([403, 403, 200]);
    await screenshot(page, 'queues-dashboard');
  });
});
