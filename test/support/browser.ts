import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startPipeline, type Pipeline } from './pipeline.ts';

/** Debian's Chromium (.ci/run installs it when missing): playwright-core never downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'browser');

export const ADMIN = { user: 'ops', password: 'a-long-console-passphrase' } as const;

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does it)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

/** The whole service with the console on (ADMIN_USER / ADMIN_PASSWORD), plus any other variables. */
export function startConsolePipeline(env: Record<string, string> = {}, opts: Omit<Parameters<typeof startPipeline>[0] & object, 'env'> = {}): Promise<Pipeline> {
  return startPipeline({ ...opts, env: { ADMIN_USER: ADMIN.user, ADMIN_PASSWORD: ADMIN.password, ...env } });
}

/** Keeps the page as it is now under test-results/browser/<name>.png (the test's artifact). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Fills the login form and submits it; resolves once the next page has loaded. */
export async function signIn(page: Page, baseUrl: string, user: string = ADMIN.user, password: string = ADMIN.password): Promise<void> {
  if (!page.url().includes('/admin/login')) await page.goto(`${baseUrl}/admin/login`);
  await page.fill('input[name=user]', user);
  await page.fill('input[name=password]', password);
  await submit(page, 'form.login button[type=submit]');
}

/** Clicks a button that submits a form, and resolves once the page it leads to has loaded (a new document). */
export async function submit(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.click(selector)]);
}

/** A console test's world: the service with the console on, a browser page signed in to it. */
export interface SignedInConsole {
  readonly p: Pipeline;
  readonly page: Page;
  readonly url: string;
}

/**
 * Registers the hooks of a describe block that runs against one console: the service started (with `env` and
 * `opts`), `prepare` run on it (calls published and settled), a page signed in; all stopped after the block. The
 * returned object's fields are set once the block's tests run.
 */
export function signedInConsole(
  browser: () => Browser,
  setup: { env?: Record<string, string>; opts?: Parameters<typeof startConsolePipeline>[1]; prepare?: (p: Pipeline) => Promise<void> } = {},
): SignedInConsole {
  const world = {} as { p: Pipeline; page: Page; url: string };
  beforeAll(async () => {
    world.p = await startConsolePipeline(setup.env, setup.opts);
    world.url = world.p.httpUrl!;
    await setup.prepare?.(world.p);
    world.page = await (await browser().newContext()).newPage();
    await signIn(world.page, world.url);
  }, 120_000);
  afterAll(async () => {
    await world.p?.stop();
  });
  return world;
}

/** One browser for a test file: launched before its tests, closed after them. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser is launched in beforeAll');
    return browser;
  };
}
