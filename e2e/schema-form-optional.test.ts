import { describe, expect, it } from 'vitest';
import { browserSuite } from './support/browser-suite.js';
import { seedSmallProject, type SmallProject } from './support/small-project.js';

/**
 * A form generated from a recipe type's settings folds an optional group with required fields of
 * its own while it is unset: a new join shows its Nearest settings (whose Left and Right are
 * required only when used) folded, and opens them on demand (a trial read the required marks as
 * required for every join).
 */
describe('web UI: optional groups of settings', () => {
  let p: SmallProject;
  const suite = browserSuite({
    seed: async (server) => {
      p = await seedSmallProject(server);
    },
  });

  it('folds a join’s Nearest settings until opened', async () => {
    const { page } = suite;
    await page.goto(`/projects/${p.key}/recipes/new?type=join`);
    const nearest = page.locator('details.optional-object', { hasText: 'Nearest' });
    await nearest.waitFor();
    expect(await nearest.getAttribute('open')).toBeNull();
    expect(await nearest.getByText('(optional)').count()).toBe(1);
    const left = nearest.locator('input, select, textarea').first();
    expect(await left.isVisible()).toBe(false);
    await nearest.locator('summary').click();
    await expect.poll(() => left.isVisible()).toBe(true);
  });
});
