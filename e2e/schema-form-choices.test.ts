import { describe, expect, it } from 'vitest';
import { browserSuite } from './support/browser-suite.js';
import { seedSmallProject, type SmallProject } from './support/small-project.js';

type Scenario = { triggers: Record<string, unknown>[] };

/** Generated forms: fields of which exactly one is given are one choice, not four fields side by side. */
describe('web UI: generated forms with mutually exclusive fields', () => {
  let p: SmallProject;
  const suite = browserSuite({
    seed: async (server) => {
      p = await seedSmallProject(server);
    },
  });

  it("a time trigger's schedule is one choice: the chosen field only, switching clears the other", async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${p.key}/scenarios/${p.scenario}`);
    const triggers = page.getByRole('region', { name: 'Triggers' });
    const schedule = triggers.getByRole('group', { name: 'Schedule' });
    await schedule.waitFor();
    expect(await schedule.getByRole('radio', { name: 'Daily at' }).isChecked()).toBe(true);
    expect(await schedule.getByRole('textbox', { name: /^Daily at/ }).inputValue()).toBe('06:00');
    expect(await schedule.getByRole('textbox', { name: /^Cron expression/ }).count()).toBe(0);
    expect(await schedule.getByRole('spinbutton').count()).toBe(0);

    await schedule.getByRole('radio', { name: 'Every N minutes' }).check();
    expect(await schedule.getByRole('textbox', { name: /^Daily at/ }).count()).toBe(0);
    await schedule.getByRole('spinbutton', { name: /^Every N minutes/ }).fill('15');
    await page.getByRole('button', { name: 'Save scenario' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Saved revision/ })
      .waitFor();

    const saved = await suite.server.call<Scenario>('GET', `/api/projects/${p.key}/scenarios/${p.scenario}`, {
      token: suite.server.adminToken,
    });
    expect(saved.body.triggers[0]).toMatchObject({ type: 'time', everyMinutes: 15 });
    expect(saved.body.triggers[0]).not.toHaveProperty('dailyAt');
  });
});
