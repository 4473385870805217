import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { sampleCalls } from '../../src/demo/sample-calls.ts';
import { DEMO_IDS } from '../../src/demo/demo-seed.ts';
import { launchBrowser, screenshot, signIn, startConsolePipeline, submit } from '../support/browser.ts';
import type { Pipeline } from '../support/pipeline.ts';

const DOC = sampleCalls()['documented-example'].body;

let p: Pipeline;
let browser: Browser;
beforeAll(async () => {
  [p, browser] = await Promise.all([startConsolePipeline({ ADMIN_READ_ONLY: 'true' }), launchBrowser()]);
  p.sims.rc.publishInsights({ ...structuredClone(DOC), sourceRecordId: '9000000000003', ownerExtensionId: '62288320099' });
  expect(await p.settled(1)).toEqual({ completed: 0, failed: 1 });
});
afterAll(async () => {
  await browser?.close();
  await p?.stop();
});

describe('admin console: ADMIN_READ_ONLY=true in a real browser', () => {
  it('shows the failures without a retry button, refuses a retry even with a valid CSRF token, and still signs out', async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, p.httpUrl!);
    await page.waitForSelector('#failed-calls');
    expect(await page.textContent('#read-only')).toContain('Read-only console');
    expect(await page.$$('button.retry')).toHaveLength(0);
    await screenshot(page, 'read-only-overview');

    const [failed] = await p.failedJobs();
    const jobId = failed!.id!;
    // The session's own token, as the page's forms carry it: refused all the same.
    const csrf = await page.inputValue('form.sign-out input[name=_csrf]');
    const refused = await page.evaluate(async ({ id, csrf }) => {
      const r = await fetch(`/admin/failures/${id}/retry`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `_csrf=${encodeURIComponent(csrf)}` });
      return { status: r.status, text: await r.text() };
    }, { id: jobId, csrf });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('the console is read-only');
    expect(await failed!.getState()).toBe('failed');

    await submit(page, 'form.sign-out button[type=submit]');
    expect(await page.textContent('#login-message')).toBe('You are signed out.');
  });

  it('shows the failures and a failure without any change or reveal form, and refuses reveal, retry-all and purge (403), auditing nothing', async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, p.httpUrl!);
    await page.goto(`${p.httpUrl!}/admin/failures`);
    expect(await page.locator('#failure-reasons .reason').allTextContents()).toEqual(['unmapped_owner']);
    expect(await page.$$('button.retry, button.retry-all, button.purge')).toHaveLength(0);
    await screenshot(page, 'read-only-failures');
    const [failed] = await p.failedJobs();
    const jobId = failed!.id!;
    await page.goto(`${p.httpUrl!}/admin/failures/${jobId}`);
    expect(await page.isVisible('#content-hidden')).toBe(true);
    expect(await page.$$('button.reveal, button.retry')).toHaveLength(0);
    expect(await page.content()).not.toContain(DOC.title);
    await screenshot(page, 'read-only-failure-detail');

    const csrf = await page.inputValue('form.sign-out input[name=_csrf]');
    const refused = await page.evaluate(async ({ id, csrf }) => {
      const post = async (path: string, fields: string) => {
        const r = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `_csrf=${encodeURIComponent(csrf)}&${fields}` });
        return { status: r.status, text: await r.text() };
      };
      return [await post(`/admin/failures/${id}/reveal`, ''), await post('/admin/failures/retry-all', 'reason=unmapped_owner'), await post('/admin/failures/purge', 'days=0')];
    }, { id: jobId, csrf });
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403]);
    for (const r of refused) {
      expect(r.text).toContain('the console is read-only');
      expect(r.text).not.toContain(DOC.title);
    }
    expect(await failed!.getState()).toBe('failed');
    expect((await p.service.queue.getJobCounts('failed')).failed).toBe(1);
    await page.goto(`${p.httpUrl!}/admin/audit`);
    expect(await page.isVisible('#no-audit')).toBe(true);
  });

  it('lists the unmapped rep without a map, pin, ignore or retry button, and refuses a mapping change with a valid token, the file untouched', async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, p.httpUrl!);
    await page.goto(`${p.httpUrl!}/admin/unmapped`);
    expect(await page.locator('#unmapped-reps .subject').allTextContents()).toEqual(['62288320099']);
    expect(await page.$$('a.map-rep, a.pin-caller, button.ignore-caller, button.retry-reason')).toHaveLength(0);
    await page.goto(`${p.httpUrl!}/admin/unmapped/rep/62288320099?q=john`);
    expect(await page.locator('#user-results tbody tr').count()).toBe(1);
    expect(await page.$$('button.map')).toHaveLength(0);
    await screenshot(page, 'read-only-unmapped-rep');
    const before = readFileSync(p.mappingFile, 'utf8');
    const csrf = await page.inputValue('form.sign-out input[name=_csrf]');
    const refused = await page.evaluate(async ({ csrf, user }) => {
      const r = await fetch('/admin/unmapped/rep/62288320099', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `_csrf=${encodeURIComponent(csrf)}&userId=${user}` });
      return { status: r.status, text: await r.text() };
    }, { csrf, user: DEMO_IDS.userJohn });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('the console is read-only');
    expect(readFileSync(p.mappingFile, 'utf8')).toBe(before);
  });
});
