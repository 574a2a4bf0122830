import { describe, expect, it } from 'vitest';
import { browserSuite } from './support/browser-suite.js';
import { expectText } from './support/expect-text.js';

const KEY = 'VISUAL';

/**
 * The prepare recipe editor: steps listed with disable / move / delete / add, the compiled SQL
 * and a preview shown, conversion to a SQL recipe.
 */
describe('web UI: visual recipes', () => {
  const suite = browserSuite({
    seed: async (_server, admin) => {
      await admin.call('POST', '/api/projects', { key: KEY });
      await admin.upload(`/api/projects/${KEY}/datasets/raw/upload`, 'antenna,trec\nDA41, 35.5\nDA42,120\n', 'raw.csv');
      await admin.call('POST', `/api/projects/${KEY}/recipes`, {
        name: 'prep',
        type: 'prepare',
        inputs: ['raw'],
        output: 'prepared',
        params: {
          steps: [
            { processor: 'filter-range', column: 'trec', max: 100 },
            { processor: 'formula', formula: "if trec > 100 then 'hot' else 'ok' end", output: 'state' },
          ],
        },
      });
    },
  });

  it('edits the steps, shows the compiled SQL and a preview, converts to SQL', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/recipes/prep`);
    await page.getByText('1. Filter on a numeric range').waitFor();
    await page.getByText('2. Formula').waitFor();

    // Disabling the filter: both rows come through, the hot one flagged.
    await page.getByLabel('Step 1 enabled').uncheck();
    await page.getByRole('button', { name: 'Show SQL and preview' }).click();
    await expectText(page.getByLabel('Compiled SQL'), /-- 2\. Formula/);
    await expectText(page.getByRole('table'), /hot/);
    expect(await page.getByLabel('Compiled SQL').textContent()).not.toContain('-- 1.');

    // Reorder, delete, add.
    await page.getByRole('button', { name: 'Move step 2 up' }).click();
    await page.getByText('1. Formula').waitFor();
    await page.getByRole('button', { name: 'Delete step 2' }).click();
    await page.getByLabel('Add a step').selectOption({ label: 'Trim spaces' });
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('2. Trim spaces').waitFor();
    await page.getByRole('button', { name: 'Delete step 2' }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(/Saved revision 2/).waitFor();

    await page.getByRole('button', { name: 'Convert to SQL recipe' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Convert to SQL' }).click();
    await page.getByText(/SQL recipe · revision 3/).waitFor();
  });

  it('creates a split with two outputs, builds it and shows both outputs', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/recipes/new?type=split`);
    await page.getByLabel(/^Recipe name/).fill('split_antennas');
    await page.getByLabel(/^Output datasets/).fill('da41, others');
    await page.getByRole('complementary', { name: 'Inputs' }).getByLabel('raw').check();
    await page.getByLabel(/^Mode/).selectOption('value');
    await page.getByLabel(/^Column/).fill('antenna');
    await page.getByLabel(/^Outputs/).fill('{"DA41": "da41"}');
    await page.getByLabel(/^Otherwise/).fill('others');
    await page.getByRole('button', { name: 'Show SQL and preview' }).click();
    await expectText(page.getByLabel('Compiled SQL'), /-- output da41[\s\S]*-- output others/);
    await page.getByText('Preview of output da41').waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/\/recipes\/split_antennas$/);
    await page.getByRole('button', { name: 'Save and run' }).click();
    await page.getByText(/Built da41, others\./).waitFor({ timeout: 120_000 });
    await page.getByRole('link', { name: 'Open others' }).click();
    await expectText(page.locator('main'), /DA42/);
    await page.goto(`/projects/${KEY}/datasets/da41`);
    await expectText(page.locator('main'), /DA41/);
  });
});
