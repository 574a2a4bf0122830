import type { Browser } from 'playwright-core';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import { launchChromium } from './headless-chromium.js';

/**
 * One headless Chromium per workspace, started by the first export and closed with the
 * workspace: starting Chromium costs seconds, a new page in a running one milliseconds.
 * A browser that crashed or was closed is started again on the next export.
 */
class ExportBrowser {
  private browser: Promise<Browser> | null = null;

  constructor(private readonly executablePath: string | undefined) {}

  get(): Promise<Browser> {
    if (!this.browser) {
      const launched = launchChromium(this.executablePath);
      this.browser = launched;
      launched.then(
        (b) => b.on('disconnected', () => (this.browser === launched ? (this.browser = null) : undefined)),
        () => (this.browser === launched ? (this.browser = null) : undefined),
      );
    }
    return this.browser;
  }

  async close(): Promise<void> {
    const b = this.browser;
    this.browser = null;
    if (b) await (await b.catch(() => null))?.close();
  }
}

const browserOf = workspaceSlot(
  'insights.export-browser',
  (ws) => new ExportBrowser(ws.config.chromium),
  (b) => b.close(),
);

export const exportBrowser = (ws: Workspace): Promise<Browser> => browserOf(ws).get();
