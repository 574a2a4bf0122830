import { LlanoError } from '../common/errors.js';

const serviceUnavailable = (message: string) => new LlanoError('unavailable', 503, message);

/**
 * The one place that launches headless Chromium: the dashboard export renders with it, and the
 * browser tests (e2e/support/browser.ts) use the same executable and flags. playwright-core is
 * loaded on first use only, so a server that never exports never loads it.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

type Playwright = typeof import('playwright-core');

export async function loadPlaywright(): Promise<Playwright> {
  try {
    return await import('playwright-core');
  } catch {
    throw serviceUnavailable('Exporting needs the playwright-core package and Chromium; neither is installed here');
  }
}

/** A fresh headless browser (no profile on disk) from `executablePath` (LLANO_CHROMIUM); the caller closes it. */
export async function launchChromium(executablePath = CHROMIUM_PATH) {
  const { chromium } = await loadPlaywright();
  try {
    return await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  } catch (error) {
    throw serviceUnavailable(
      `Chromium could not start from ${executablePath} (LLANO_CHROMIUM names another): ${(error as Error).message.split('\n')[0]}`,
    );
  }
}
