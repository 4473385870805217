import { chmodSync, existsSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseMapping } from '../../src/config/load-mapping.ts';
import { demoSeed } from '../../src/demo/demo-seed.ts';
import { sampleCalls } from '../../src/demo/sample-calls.ts';
import { to18 } from '../../src/simulators/salesforce/ids.ts';
import { screenshot, signedInConsole, submit, useBrowser } from '../support/browser.ts';
import { waitFor, type Pipeline } from '../support/pipeline.ts';

/**
 * The Unmapped page in a real browser: a rep RingCentral knows but the mapping does not (and whose RingCentral
 * e-mail is not their Salesforce one) is mapped in one click; the mapping file is written atomically with its
 * previous version kept, the service runs with it, the failed call is retried onto the rep, and their next call is
 * written to them. A caller is pinned; a read-only file gets the lines to add instead.
 */

const DOC = sampleCalls()['documented-example'].body;
const NEW_REP_EXT = '62288320077';
const NEW_REP_USER = to18('005Dm0000000009');
const FIRST_CALL = '9000000000071';
const NEXT_CALL = '9000000000072';

function seed() {
  const s = demoSeed();
  s.ringcentral!.extensions!.push({ id: NEW_REP_EXT, extensionNumber: '177', name: 'Dana Wu', email: 'dana@rc-phones.example', status: 'Enabled', type: 'User' });
  s.salesforce!.records!.User!.push({ Id: NEW_REP_USER, FirstName: 'Dana', LastName: 'Wu', Email: 'dana.wu@acme-robotics.example', Username: 'dana.wu@acme-robotics.example', TimeZoneSidKey: 'America/New_York', IsActive: true });
  return s;
}

const callOf = (recordId: string) => ({ ...structuredClone(DOC), sourceRecordId: recordId, ownerExtensionId: NEW_REP_EXT, lastModifiedTime: new Date().toISOString() });
const callTask = (p: Pipeline, recordId: string) => p.tasks().find((t) => t.TaskSubtype === 'Call' && t.CallObject === `ringsense:${recordId}`);

const browser = useBrowser();

describe('admin console: the Unmapped page in a real browser', () => {
  const world = signedInConsole(browser, {
    opts: { sims: { seed: seed() } },
    async prepare(p) {
      p.sims.rc.publishInsights(callOf(FIRST_CALL));
      expect(await p.settled(1)).toEqual({ completed: 0, failed: 1 });
    },
  });
  let p: Pipeline;
  let page: Page;
  let url: string;
  beforeAll(() => ({ p, page, url } = world));

  it('maps an unmapped rep in one click: the file is written, the failed call retried onto them, their next call written to them', async () => {
    await page.goto(`${url}/admin`);
    await submit(page, '#unmapped-link');
    const row = page.locator(`#unmapped-reps tr[data-subject="${NEW_REP_EXT}"]`);
    expect(await row.locator('.status').textContent()).toBe('to map');
    expect(await page.locator('button.retry-reason[data-reason="unmapped_owner"]').textContent()).toContain('Retry the 1 call that failed as unmapped_owner');
    await screenshot(page, 'unmapped');

    await page.click(`#unmapped-reps tr[data-subject="${NEW_REP_EXT}"] a.map-rep`);
    await page.waitForURL(`${url}/admin/unmapped/rep/${NEW_REP_EXT}`);
    // Who the extension is, from RingCentral; the first search is their RingCentral e-mail, which Salesforce does not know.
    expect(await page.textContent('#rep-facts')).toContain('Dana Wu');
    expect(await page.inputValue('#user-term')).toBe('dana@rc-phones.example');
    expect(await page.locator('#no-results').count()).toBe(1);
    await page.fill('#user-term', 'dana');
    await submit(page, 'button.search');
    expect(await page.locator('#user-results tbody tr').count()).toBe(1);
    await screenshot(page, 'unmapped-rep-search');
    const before = readFileSync(p.mappingFile, 'utf8');
    await submit(page, `#user-results tr[data-user-id="${NEW_REP_USER}"] button.map`);

    expect(await page.getAttribute('#outcome', 'data-kind')).toBe('written');
    expect(await page.textContent('#outcome')).toContain('This service runs with it now.');
    const after = readFileSync(p.mappingFile, 'utf8');
    expect(parseMapping(after, p.mappingFile).mapping.users[NEW_REP_EXT]).toEqual({ salesforceUserId: NEW_REP_USER });
    expect(readFileSync(`${p.mappingFile}.previous`, 'utf8')).toBe(before);
    // The admin's comments stay.
    expect(after).toContain('# John Smith, by Salesforce user id');
    await screenshot(page, 'unmapped-mapped');

    await submit(page, 'button.retry-reason[data-reason="unmapped_owner"]');
    expect(await page.textContent('#flash')).toContain('1');
    await waitFor(() => callTask(p, FIRST_CALL) !== undefined, 20_000, 'the retried call written');
    expect(callTask(p, FIRST_CALL)!.OwnerId).toBe(NEW_REP_USER);

    p.sims.rc.publishInsights(callOf(NEXT_CALL));
    await waitFor(() => callTask(p, NEXT_CALL) !== undefined, 20_000, "the rep's next call written");
    expect(callTask(p, NEXT_CALL)!.OwnerId).toBe(NEW_REP_USER);

    await page.goto(`${url}/admin/unmapped`);
    expect(await page.locator(`#unmapped-reps tr[data-subject="${NEW_REP_EXT}"] .status`).textContent()).toBe('in the mapping now');
    await page.goto(`${url}/admin/audit`);
    // Newest first: the retry, then the mapping change (who, when, what).
    const actions = await page.locator('#audit tbody tr .action').allTextContents();
    expect(actions.slice(0, 2)).toEqual(['retry_all', 'map_rep']);
    const change = page.locator('#audit tbody tr').nth(1);
    expect(await change.locator('.target').textContent()).toBe(`users."${NEW_REP_EXT}" -> ${NEW_REP_USER}`);
    expect(await change.locator('.who').textContent()).toBe('ops');
    expect(await change.locator('.outcome').textContent()).toContain('written, in force');
  });

  it('searches contacts server-side with hostile input kept inert, and shows the lines to add when the file is read-only', async () => {
    const hostile = `<img src=x onerror=alert(1)>' OR Name LIKE '%`;
    await page.goto(`${url}/admin/unmapped/caller?subject=${encodeURIComponent('+14155550123')}&q=${encodeURIComponent(hostile)}`);
    expect(await page.inputValue('#person-term')).toBe(hostile);
    expect(await page.locator('img').count()).toBe(0);
    await page.fill('#person-term', "O'Brien");
    await submit(page, 'button.search');
    const sean = page.locator('#person-results tbody tr', { hasText: "Sean O'Brien" });
    expect(await sean.count()).toBe(1);

    chmodSync(p.mappingFile, 0o444);
    try {
      const before = readFileSync(p.mappingFile, 'utf8');
      await submit(page, `#person-results tr[data-record-id="${(await sean.getAttribute('data-record-id'))!}"] button.pin`);
      expect(await page.getAttribute('#outcome', 'data-kind')).toBe('read_only');
      expect(await page.textContent('#outcome')).toContain('marked read-only');
      const lines = (await page.textContent('#mapping-lines'))!;
      expect(lines).toContain('contacts:\n  byPhone:\n    "+14155550123": { contactId: "');
      expect(readFileSync(p.mappingFile, 'utf8')).toBe(before);
      await screenshot(page, 'unmapped-read-only');
    } finally {
      chmodSync(p.mappingFile, 0o644);
    }
    // Pinned for real once the file is writable again.
    await page.goBack();
    await submit(page, 'form:has(input[value="ignore"]) button.ignore-caller');
    expect(await page.getAttribute('#outcome', 'data-kind')).toBe('written');
    expect(parseMapping(readFileSync(p.mappingFile, 'utf8'), p.mappingFile).contactsByPhone.get('+14155550123')).toEqual({ ignore: true });
    expect(existsSync(`${p.mappingFile}.previous`)).toBe(true);
  });

  it('refuses a mapping change without the CSRF token', async () => {
    const res = await page.request.post(`${url}/admin/unmapped/rep/${NEW_REP_EXT}`, { form: { userId: NEW_REP_USER } });
    expect(res.status()).toBe(403);
  });
});
