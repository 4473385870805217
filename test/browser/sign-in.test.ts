import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, launchBrowser, screenshot, signIn, startConsolePipeline, submit } from '../support/browser.ts';
import type { Pipeline } from '../support/pipeline.ts';

let p: Pipeline;
let browser: Browser;
let context: BrowserContext | undefined;
beforeAll(async () => {
  [p, browser] = await Promise.all([startConsolePipeline(), launchBrowser()]);
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await p?.stop();
});

async function freshPage(): Promise<Page> {
  await context?.close();
  context = await browser.newContext();
  return context.newPage();
}

describe('admin console: sign-in in a real browser', () => {
  it('sends an anonymous browser to the login page, refuses a wrong password, signs in, opens bull-board behind the same sign-in, signs out', async () => {
    const page = await freshPage();
    const url = p.httpUrl!;
    await page.goto(`${url}/admin`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await page.goto(`${url}/admin/queues`);
    expect(page.url()).toBe(`${url}/admin/login?next=%2Fadmin%2Fqueues`);

    await signIn(page, url, ADMIN.user, 'not-the-password');
    expect(await page.textContent('#login-message')).toBe('Wrong user or password.');
    expect(await page.inputValue('input[name=password]')).toBe('');
    await screenshot(page, 'sign-in-wrong-password');

    await signIn(page, url);
    // Back where the browser was going: the queue dashboard, now without a Basic prompt.
    expect(new URL(page.url()).pathname).toBe('/admin/queues');
    await page.getByText('calls', { exact: true }).first().waitFor();
    const cookies = await context!.cookies();
    const session = cookies.find((c) => c.name === 'rs_admin_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: false, path: '/admin' });
    expect(session.expires * 1000).toBeGreaterThan(Date.now() + 7 * 3600_000);
    expect(session.expires * 1000).toBeLessThan(Date.now() + 9 * 3600_000);
    expect(cookies.find((c) => c.name === 'XSRF-TOKEN')).toMatchObject({ httpOnly: false, sameSite: 'Strict', path: '/admin/queues' });

    await page.goto(`${url}/admin`);
    await page.waitForSelector('#figures');
    expect(await page.textContent('#signed-in-user')).toBe(ADMIN.user);
    await screenshot(page, 'overview-signed-in');

    await submit(page, 'form.sign-out button[type=submit]');
    expect(page.url()).toBe(`${url}/admin/login?signed_out=1`);
    expect(await page.textContent('#login-message')).toBe('You are signed out.');
    await page.goto(`${url}/admin`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    const logs = JSON.stringify(p.logs);
    expect(logs).not.toContain(ADMIN.password);
    expect(logs).not.toContain('not-the-password');
  });

  it('limits failed sign-ins: after 5 for a user from one client, even the right password waits, with a clear message', async () => {
    // A service of its own: the first test's wrong password counts for this client and user too.
    await p.stop();
    p = await startConsolePipeline();
    const page = await freshPage();
    const url = p.httpUrl!;
    const messages: Array<string | null> = [];
    for (let i = 0; i < 5; i++) {
      await signIn(page, url, ADMIN.user, `guess-${i}-typed-here`);
      messages.push(await page.textContent('#login-message'));
    }
    expect(messages).toEqual(Array(5).fill('Wrong user or password.'));
    await signIn(page, url);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    expect(await page.textContent('#login-message')).toBe('Too many failed sign-ins: try again in 15 minutes.');
    await screenshot(page, 'sign-in-rate-limited');
    expect(p.logs.filter((l) => l.message === 'admin_console_sign_in_throttled')).toHaveLength(1);
    expect(JSON.stringify(p.logs)).not.toContain('typed-here');
  });
});
