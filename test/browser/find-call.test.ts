import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCalls } from '../../src/demo/sample-calls.ts';
import { callJobId } from '../../src/queue/jobs.ts';
import { screenshot, signedInConsole, signIn, startConsolePipeline, submit, useBrowser } from '../support/browser.ts';
import { waitFor, type Pipeline } from '../support/pipeline.ts';

const CALLS = sampleCalls();
const DOC = CALLS['documented-example'].body;
const INBOUND = CALLS['inbound-highlights'].body;
const DOC_ID = String(DOC.sourceRecordId);
const DOC_JOB = callJobId(DOC_ID, String(DOC.lastModifiedTime));
const INBOUND_ID = String(INBOUND.sourceRecordId);
const INBOUND_JOB = callJobId(INBOUND_ID, String(INBOUND.lastModifiedTime));
const FAILED_ID = '9000000000021';
const UNMAPPED_EXT = '62288320099';

const browser = useBrowser();

const text = async (page: Page, selector: string) => (await page.textContent(selector))?.trim();
const find = async (page: Page, url: string, term: string) => {
  await page.goto(`${url}/admin/calls`);
  await page.fill('#call-term', term);
  await submit(page, 'button.find');
};

describe('admin console: Find a call in a real browser', () => {
  const world = signedInConsole(browser, {
    async prepare(p) {
      p.sims.rc.publishInsights(structuredClone(DOC));
      p.sims.rc.publishInsights(structuredClone(INBOUND));
      p.sims.rc.publishInsights({ ...structuredClone(DOC), sourceRecordId: FAILED_ID, ownerExtensionId: UNMAPPED_EXT });
      expect(await p.settled(3)).toEqual({ completed: 2, failed: 1 });
    },
  });
  let p: Pipeline;
  let page: Page;
  let url: string;
  beforeAll(() => ({ p, page, url } = world));

  it('finds a written call by its recording id, from the header, with a link to its Salesforce Task', async () => {
    await page.goto(`${url}/admin`);
    await submit(page, '#find-call-link');
    expect(new URL(page.url()).pathname).toBe('/admin/calls');
    await page.fill('#call-term', DOC_ID);
    await submit(page, 'button.find');
    const jobId = DOC_JOB;
    expect(await text(page, `#call-jobs tr[data-job-id="${jobId}"] .state`)).toBe('completed');
    const link = page.locator(`#call-written tr[data-job-id="${jobId}"] a.task`);
    const taskId = (await link.textContent())!.trim();
    expect(p.tasks().some((t) => t.Id === taskId)).toBe(true);
    expect(await link.getAttribute('href')).toMatch(new RegExp(`^https?://[^/]+/${taskId}$`));
    expect(await text(page, `#call-written tr[data-job-id="${jobId}"] .outcome`)).toBe('created');
    await screenshot(page, 'find-call-written');
  });

  it("finds a written call by the caller's phone number written another way", async () => {
    await find(page, url, '(312) 555-0177');
    expect(await text(page, '#searched-for')).toBe('Searched for (312) 555-0177 (as the number +13125550177).');
    const jobId = INBOUND_JOB;
    expect(await page.locator('#call-jobs tbody tr').count()).toBe(1);
    expect(await text(page, `#call-jobs tr[data-job-id="${jobId}"] .recording`)).toBe(INBOUND_ID);
    expect(await page.locator(`#call-written tr[data-job-id="${jobId}"] a.task`).count()).toBe(1);
    expect(await page.content()).not.toContain("Sean O'Brien");
    await screenshot(page, 'find-call-by-phone');
  });

  it('finds a failed call with its reason, linking to its failure, and says how far it looked when nothing is found', async () => {
    await find(page, url, FAILED_ID);
    const row = page.locator('#call-jobs tbody tr').first();
    expect(await row.locator('.state').textContent()).toBe('failed');
    expect(await row.locator('.detail').textContent()).toContain(`unmapped_owner: `);
    expect(await row.locator('.detail').textContent()).toContain(UNMAPPED_EXT);
    await submit(page, '#call-jobs a.failure');
    expect(new URL(page.url()).pathname).toBe(`/admin/failures/${callJobId(FAILED_ID, String(DOC.lastModifiedTime))}`);
    await find(page, url, 's-not-a-session-here');
    expect(await text(page, '#not-found')).toContain('Only the newest 2000 jobs of each state');
    await screenshot(page, 'find-call-failed');
  });

  it('replays a call from the page: queued again, written again (no duplicate), and in the audit log', async () => {
    const synced = () => p.logs.filter((l) => l.message === 'call_synced');
    const before = synced().length;
    const jobId = DOC_JOB;
    await find(page, url, DOC_ID);
    await submit(page, `button.replay[data-record-id="${DOC_ID}"]`);
    expect(await text(page, '#flash')).toBe(`Queued recording ${DOC_ID} again as job ${jobId} (replay) (the completed job was replaced).`);
    await screenshot(page, 'find-call-replayed');
    await waitFor(() => synced().length === before + 1, 20_000, 'the replayed call to be written again');
    expect(synced().at(-1)).toMatchObject({ jobId, call: 'unchanged' });
    await page.goto(`${url}/admin/audit`);
    const row = page.locator('#audit tbody tr').first();
    expect([await row.locator('.who').textContent(), await row.locator('.action').textContent(), await row.locator('.target').textContent(), await row.locator('.outcome').textContent()]).toEqual([
      'ops',
      'replay',
      `${DOC_ID} (pbx)`,
      'queued',
    ]);
  });

  it('shows a hostile search term as text, refused with 400, and refuses a replay without the CSRF token', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const response = await page.goto(`${url}/admin/calls?q=${encodeURIComponent(hostile)}`);
    expect(response?.status()).toBe(400);
    expect(await text(page, '#term')).toBe(hostile);
    expect(await page.inputValue('#call-term')).toBe(hostile);
    expect(await page.$('main img')).toBeNull();
    expect(await page.content()).not.toContain(hostile);
    const tooLong = await page.goto(`${url}/admin/calls?q=${'a'.repeat(201)}`);
    expect(tooLong?.status()).toBe(400);
    expect(await text(page, '#term-error')).toContain('longer than 200 characters');
    await screenshot(page, 'find-call-hostile');
    const status = await page.evaluate(async (id) => (await fetch('/admin/calls/replay', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `recordId=${id}&domain=pbx` })).status, DOC_ID);
    expect(status).toBe(403);
  });
});

describe('admin console: Find a call with ADMIN_READ_ONLY=true', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startConsolePipeline({ ADMIN_READ_ONLY: 'true' });
    p.sims.rc.publishInsights(structuredClone(DOC));
    expect(await p.settled(1)).toEqual({ completed: 1, failed: 0 });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('finds the call without a replay button and refuses a replay even with a valid CSRF token, auditing nothing', async () => {
    const page = await (await browser().newContext()).newPage();
    await signIn(page, p.httpUrl!);
    await find(page, p.httpUrl!, DOC_ID);
    expect(await page.locator('#call-written a.task').count()).toBe(1);
    expect(await page.$$('button.replay')).toHaveLength(0);
    await screenshot(page, 'find-call-read-only');
    const csrf = await page.inputValue('form.sign-out input[name=_csrf]');
    const refused = await page.evaluate(
      async ({ id, csrf }) => {
        const r = await fetch('/admin/calls/replay', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `_csrf=${encodeURIComponent(csrf)}&recordId=${id}&domain=pbx` });
        return { status: r.status, text: await r.text() };
      },
      { id: DOC_ID, csrf },
    );
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('the console is read-only');
    await page.goto(`${p.httpUrl!}/admin/audit`);
    expect(await page.isVisible('#no-audit')).toBe(true);
    expect((await p.service.queue.getJobCounts('waiting', 'completed')).completed).toBe(1);
  });
});
