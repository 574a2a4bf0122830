import type { Locator } from 'playwright-core';
import { expect } from 'vitest';

/** Waits until the locator's text matches (the UI updates asynchronously). */
export async function expectText(locator: Locator, pattern: RegExp, timeout = 30_000): Promise<void> {
  await expect
    .poll(async () => ((await locator.count()) > 0 ? ((await locator.first().textContent()) ?? '') : ''), {
      timeout,
      interval: 150,
    })
    .toMatch(pattern);
}
