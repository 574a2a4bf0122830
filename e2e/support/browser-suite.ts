import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildWebIfStale } from '../../bin/build-web-if-needed.js';
import type { Config } from '../../src/common/config.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../../test/support/llano-server.js';
import { launchBrowser, logIn, type TestBrowser } from './browser.js';
import { apiClient, type ApiClient } from './seed.js';

export interface BrowserSuiteOptions {
  /** Settings of the test server (e.g. `outboundAllow`). */
  server?: Partial<Config>;
  /** Fills the new server through its API, before the browser opens. */
  seed?: (server: TestServer, admin: ApiClient) => Promise<void>;
  /** Who the browser signs in as: the admin unless told otherwise; `false` leaves it signed out. */
  logIn?: { username: string; password: string } | false;
  viewport?: { width: number; height: number };
  /** Runs after the browser and server are stopped (temporary files of the seed). */
  cleanUp?: () => Promise<void> | void;
}

/** What the tests of a browser suite use; read inside tests (it is filled before they run). */
export interface BrowserSuite {
  server: TestServer;
  browser: TestBrowser;
  page: Page;
  /** The API as the admin. */
  admin: ApiClient;
}

/**
 * One server and one browser for a test file, the way every browser test starts: the web
 * bundle rebuilt if stale, a fresh server seeded through the API, Chromium signed in. After the
 * tests it checks the page logged no error, then stops both. Call it inside `describe`.
 */
export function browserSuite(options: BrowserSuiteOptions = {}): BrowserSuite {
  const suite = {} as BrowserSuite;
  beforeAll(async () => {
    await buildWebIfStale({ quiet: true });
    suite.server = await startTestServer(options.server);
    suite.admin = apiClient(suite.server.url, suite.server.adminToken);
    await options.seed?.(suite.server, suite.admin);
    suite.browser = await launchBrowser(suite.server.url, options.viewport);
    suite.page = suite.browser.page;
    const user = options.logIn ?? { username: 'admin', password: ADMIN_PASSWORD };
    if (user) await logIn(suite.page, user.username, user.password);
  }, 300_000);
  afterAll(async () => {
    try {
      expect(suite.browser?.pageErrors ?? []).toEqual([]);
    } finally {
      await suite.browser?.close();
      await suite.server?.stop();
      await options.cleanUp?.();
    }
  });
  return suite;
}
