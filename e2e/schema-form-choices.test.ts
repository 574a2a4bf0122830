import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebIfStale } from '../bin/build-web-if-needed.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../test/support/llano-server.js';
import { launchBrowser, logIn, type TestBrowser } from './support/browser.js';
import { seedSmallProject, type SmallProject } from './support/small-project.js';

type Scenario = { triggers: Record<string, unknown>[] };

/** Generated forms: fields of which exactly one is given are one choice, not four fields side by side. */
describe('web UI: generated forms with mutually exclusive fields', () => {
  let server: TestServer;
  let p: SmallProject;
  let b: TestBrowser;

  beforeAll(async () => {
    await buildWebIfStale({ quiet: true });
    server = await startTestServer();
    p = await seedSmallProject(server);
    b = await launchBrowser(server.url);
    await logIn(b.page, 'admin', ADMIN_PASSWORD);
  }, 300_000);

  afterAll(async () => {
    expect(b?.pageErrors ?? []).toEqual([]);
    await b?.close();
    await server?.stop();
  });

  it("a time trigger's schedule is one choice: the chosen field only, switching clears the other", async () => {
    const { page } = b;
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

    const saved = await server.call<Scenario>('GET', `/api/projects/${p.key}/scenarios/${p.scenario}`, {
      token: server.adminToken,
    });
    expect(saved.body.triggers[0]).toMatchObject({ type: 'time', everyMinutes: 15 });
    expect(saved.body.triggers[0]).not.toHaveProperty('dailyAt');
  });
});
