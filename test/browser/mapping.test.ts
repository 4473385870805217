import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS, DEMO_MAPPING_YAML } from '../../src/demo/demo-seed.ts';
import { REP_JOHN, REP_MARIA } from '../../src/demo/sample-calls.ts';
import { startHttpServer } from '../../src/http/server.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { createMetrics } from '../../src/lib/metrics.ts';
import { ADMIN, screenshot, signedInConsole, signIn, startConsolePipeline, submit, useBrowser } from '../support/browser.ts';
import { waitFor, type Pipeline } from '../support/pipeline.ts';

/**
 * The Mapping page against the whole service and the simulators: the mapping in force, the online check run from
 * its button (as `config check --online`), the mapped Task fields with what Task's describe says of them, and the
 * file on disk made invalid: every problem named with its line while the previous mapping stays in force.
 */

const browser = useBrowser();

const text = async (page: Page, selector: string) => (await page.textContent(selector))?.trim();
const logged = (p: Pipeline, message: string) => p.logs.filter((l) => l.message === message).length;

describe('admin console: the Mapping page in a real browser', () => {
  const world = signedInConsole(browser);
  let p: Pipeline;
  let page: Page;
  let url: string;
  beforeAll(() => ({ p, page, url } = world));

  it('shows the mapping in force, from the header: its file, when loaded, its users and its settings', async () => {
    await page.goto(`${url}/admin`);
    await submit(page, '#mapping-link');
    expect(new URL(page.url()).pathname).toBe('/admin/mapping');
    expect(await text(page, '#mapping-file')).toBe(p.mappingFile);
    expect(await text(page, '#mapping-loaded')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(await text(page, '#mapping-users')).toBe('2');
    expect(await text(page, '#mapping-contacts')).toBe('0 by phone, 0 by name');
    expect(await page.locator('#mapped-users .extension').allTextContents()).toEqual([REP_JOHN, REP_MARIA]);
    expect(await page.locator('#mapped-users .user').allTextContents()).toEqual([`User ${DEMO_IDS.userJohn}`, 'the active User with e-mail maria.garcia@acme-robotics.example']);
    expect(await page.textContent('#mapping-settings')).toContain('relatedTo: open_opportunity');
    expect(await text(page, '#file-state')).toBe('valid');
    expect(await page.isVisible('#online-none')).toBe(true);
    expect(await page.isVisible('#no-fields')).toBe(true);
  });

  it('refuses the online check without the CSRF token (403)', async () => {
    const status = await page.evaluate(async () => (await fetch('/admin/mapping/check', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: '_csrf=forged' })).status);
    expect(status).toBe(403);
    expect(logged(p, 'admin_console_mapping_checked')).toBe(0);
  });

  it('runs the online check from its button and shows that everything the mapping names exists', async () => {
    await page.goto(`${url}/admin/mapping`);
    await submit(page, 'button.check-online');
    expect(await text(page, '#flash')).toBe('The online check found no problem.');
    expect(await text(page, '#online-state')).toBe('ok');
    expect(await text(page, '#online-summary')).toBe(`all 2 users, 0 records, 2 extensions, 0 fields checked against ${p.sims.sf.url} and ${p.sims.env.RINGCENTRAL_SERVER_URL}: no problem.`);
    expect(await text(page, '#online-at')).toMatch(/ UTC$/);
    // Kept in memory: shown again on a later visit, with its time.
    await page.goto(`${url}/admin/mapping`);
    expect(await text(page, '#online-state')).toBe('ok');
  });

  it("shows the mapped Task fields, then what Task's describe says of each once the online check has run", async () => {
    p.sims.sf.defineFields('Task', [{ name: 'RS_Sentiment__c', label: 'Sentiment', type: 'picklist', picklistValues: ['Positive', 'Negative'], restrictedPicklist: true }]);
    const reloads = logged(p, 'mapping_reloaded');
    writeFileSync(p.mappingFile, `${DEMO_MAPPING_YAML}fields:\n  task:\n    RS_Sentiment__c: sentiment\n    RS_Missing__c: aiScore\n`);
    await waitFor(() => logged(p, 'mapping_reloaded') > reloads, 10_000, 'the service to reload the mapping');
    await page.goto(`${url}/admin/mapping`);
    expect(await text(page, '#file-state')).toBe('valid');
    expect(await page.locator('#mapped-fields .field').allTextContents()).toEqual(['RS_Sentiment__c', 'RS_Missing__c']);
    expect(await page.locator('#mapped-fields .exists').allTextContents()).toEqual(['not described yet', 'not described yet']);
    // The last check was of the previous mapping: the page says so.
    expect(await text(page, '#online-stale')).toMatch(/the one in force was loaded since .*: run the check again\.$/);

    await submit(page, 'button.check-online');
    expect(await text(page, '#flash')).toBe('The online check found 2 problems.');
    expect(await page.locator('#online-problems .key').allTextContents()).toEqual(['fields.task.RS_Sentiment__c', 'fields.task.RS_Missing__c']);
    expect(await text(page, '#fields-described')).toMatch(/^As Task's describe said at .* UTC \(the last online check\)\.$/);
    const rows = page.locator('#mapped-fields tbody tr');
    expect(await rows.locator('.exists').allTextContents()).toEqual(['yes', 'no']);
    expect(await rows.locator('.type').allTextContents()).toEqual(['picklist (restricted)', '']);
    expect(await rows.nth(0).locator('.field-problems').textContent()).toContain('Task.RS_Sentiment__c is a restricted picklist without "Neutral"');
    expect(await rows.nth(1).locator('.field-problems').textContent()).toContain('Task has no field RS_Missing__c the integration user can see');
    expect(await text(page, '#refusals-summary')).toBe('No mapped field was refused in the last 90 days: every call was written with all its mapped fields.');
    expect(await page.isVisible('#online-stale')).toBe(false);
    await screenshot(page, 'mapping-fields');
  });

  it('names every problem of an invalid file on disk with its line, and says the previous mapping stays in force', async () => {
    const refused = logged(p, 'mapping_reload_refused');
    writeFileSync(p.mappingFile, `users:\n  "${REP_JOHN}": { salesforceUserId: "005-not-an-id" }\nfolowUps:\n  enabled: false\n`);
    await waitFor(() => logged(p, 'mapping_reload_refused') > refused, 10_000, 'the service to refuse the invalid mapping');
    await page.goto(`${url}/admin/mapping`);
    expect(await text(page, '#file-state')).toBe('invalid');
    expect(await text(page, '#file-summary')).toMatch(/has 2 problems\. The previous mapping \(loaded .* UTC\) stays in force until the file is fixed\.$/);
    const problems = page.locator('#file-problems tbody tr');
    expect(await problems.locator('.line').allTextContents()).toEqual([expect.stringMatching(/^line 2, column \d+$/), 'line 3, column 1']);
    expect(await problems.locator('.key').allTextContents()).toEqual([`users."${REP_JOHN}".salesforceUserId`, 'folowUps']);
    expect(await problems.nth(1).locator('.problem').textContent()).toContain('did you mean "followUps"?');
    // The mapping in force is still the previous one: its users and its mapped fields.
    expect(await page.locator('#mapped-users .extension').allTextContents()).toEqual([REP_JOHN, REP_MARIA]);
    expect(await page.locator('#mapped-fields .field').allTextContents()).toEqual(['RS_Sentiment__c', 'RS_Missing__c']);
    await screenshot(page, 'mapping');
  });
});

describe('admin console: the Mapping page in read-only mode', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startConsolePipeline({ ADMIN_READ_ONLY: 'true' });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('still runs the online check, which only reads', async () => {
    const page = await (await browser().newContext()).newPage();
    await signIn(page, p.httpUrl!);
    await page.goto(`${p.httpUrl!}/admin/mapping`);
    expect(await page.isVisible('#read-only')).toBe(true);
    await submit(page, 'button.check-online');
    expect(await text(page, '#online-state')).toBe('ok');
  });
});

describe('admin console: the Mapping page on a server without the service', () => {
  it('answers 503: the mapping in force is not known there', async () => {
    const server = await startHttpServer(
      { port: 0, host: '127.0.0.1', trustProxy: false, admin: { ...ADMIN, readOnly: false, showCallContent: false, publicHost: undefined } },
      { logger: silentLogger(), metrics: createMetrics(), queues: [], checks: {} },
    );
    try {
      const page = await (await browser().newContext()).newPage();
      await signIn(page, server.url);
      const r = await page.goto(`${server.url}/admin/mapping`);
      expect(r?.status()).toBe(503);
      expect(await text(page, '#error-detail')).toBe('This server was started without the service: the mapping in force is not known here.');
    } finally {
      await server.close();
    }
  });
});
