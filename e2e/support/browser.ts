import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../src/insights/headless-chromium.js';

// The same executable and flags as the server's dashboard export (one shared module).
export const CHROMIUM = process.env.LLANO_CHROMIUM ?? CHROMIUM_PATH;

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Messages the page logged as errors and uncaught exceptions: a test fails on any. */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * Debian's Chromium, headless, with a fresh profile: one per test file. A laptop-sized
 * viewport, since that is what the UI is designed for.
 */
export async function launchBrowser(baseURL: string, viewport = { width: 1440, height: 900 }): Promise<TestBrowser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'llano-chromium-'));
  // Playwright passes the fresh profile as --user-data-dir itself.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    baseURL,
    viewport,
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    // Failed requests the UI handles (404 of optional APIs) are logged by Chromium as errors; keep real ones.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(m.text());
    // Only React's development build says this: the tests must check the UI users get.
    if (/React DevTools/.test(m.text())) pageErrors.push(`web/dist holds a development build: ${m.text()}`);
  });
  return {
    context,
    page,
    pageErrors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Logs in through the login form. */
export async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Projects' }).waitFor();
}
