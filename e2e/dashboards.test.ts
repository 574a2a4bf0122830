import { describe, expect, it } from 'vitest';
import { a11yViolations, overflowX, seriousOnes } from './support/a11y.js';
import { launchBrowser, logIn, type TestBrowser } from './support/browser.js';
import { browserSuite } from './support/browser-suite.js';
import { apiClient, type ApiClient } from './support/seed.js';

/**
 * Charts and dashboards in the browser: a writer builds a bar chart in the chart builder (the
 * preview comes from the server), makes a dashboard, adds the chart as a tile, drags it and
 * saves; a reader sees the dashboard without edit controls.
 */
describe('web UI: chart builder and dashboards', () => {
  let admin: ApiClient;
  const KEY = 'DASHUI';
  const CSV = 'antenna,band,trec\nDA41,3,35.5\nDA42,3,36.5\nDV01,6,55.0\nDV02,7,61.0\nDA43,7,58.5\n';
  const suite = browserSuite({
    seed: async (server) => {
      admin = apiClient(server.url, server.adminToken);
      await admin.call('POST', '/api/projects', { key: KEY, name: 'Receivers' });
      await admin.upload(`/api/projects/${KEY}/datasets/obs/upload`, CSV, 'obs.csv');
      await admin.call('POST', '/api/users', { username: 'viewer', password: 'viewer-password-1' });
      await admin.call('PUT', `/api/projects/${KEY}/members/viewer`, { role: 'reader' });
    },
  });

  it('builds a bar chart with a live preview and saves it', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/datasets/obs/charts`);
    await page.getByText('No charts of this dataset').waitFor();
    await page.getByRole('link', { name: 'New chart' }).click();
    await page.getByLabel('ID').fill('trec_by_band');
    await page.getByLabel('Name').fill('Mean Trec by band');
    await page.getByLabel('Chart kind').selectOption('bar');
    await page.getByLabel('X column').selectOption('band');
    await page.getByLabel('Aggregation').selectOption('avg');
    await page.getByLabel('Measure column').selectOption('trec');
    await page.getByRole('img', { name: 'Mean Trec by band' }).waitFor();
    await page.getByText('3 rows').waitFor();
    await page.getByText('SQL').click();
    await page.getByText(/avg\("?__m0"?\)/).waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved revision 1.').waitFor();
    const saved = await admin.call<{ chart: { kind: string; y: { agg: string; column: string }[] } }>(
      'GET',
      `/api/projects/${KEY}/insights/trec_by_band`,
    );
    expect(saved.chart.y).toEqual([{ agg: 'avg', column: 'trec' }]);
  }, 120_000);

  it('sets a quantile’s q, the sort and top N without “Others” in the builder', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/datasets/obs/charts`);
    await page.getByRole('link', { name: 'New chart' }).click();
    await page.getByLabel('ID').fill('median_top');
    await page.getByLabel('Name').fill('Median Trec, top bands');
    await page.getByLabel('Chart kind').selectOption('bar');
    await page.getByLabel('X column').selectOption('band');
    await page.getByLabel('Aggregation').selectOption('quantile');
    await page.getByLabel('Measure column').selectOption('trec');
    await page.getByLabel('Quantile (0–1)').fill('0.5');
    await page.getByLabel('Sort').selectOption('y:desc');
    await page.getByLabel('Top N (0: all)').fill('2');
    await page.getByLabel('Gather the rest in “Others”').uncheck();
    // Bands 7 (median 59.75) and 6 (55): band 3 is left out, with no "Others" bar.
    await page.getByText('2 rows').waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved revision 1.').waitFor();
    const saved = await admin.call<{ chart: Record<string, unknown> }>(
      'GET',
      `/api/projects/${KEY}/insights/median_top`,
    );
    expect(saved.chart).toMatchObject({
      y: [{ agg: 'quantile', column: 'trec', q: 0.5 }],
      sort: { by: 'y', desc: true },
      top: { n: 2, others: false },
    });
    const data = await admin.call<{ rows: unknown[][] }>('GET', `/api/projects/${KEY}/insights/median_top/data`);
    expect(data.rows).toEqual([
      [7, 59.75],
      [6, 55],
    ]);
  }, 120_000);

  it('makes a dashboard, adds the chart, drags the tile and saves the layout', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}`);
    await page.getByRole('link', { name: 'Dashboards' }).first().click();
    await page.getByRole('button', { name: 'New dashboard' }).click();
    const dialog = page.getByRole('dialog', { name: 'New dashboard' });
    await dialog.getByLabel('ID').fill('shift');
    await dialog.getByLabel('Name').fill('Shift report');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Shift report' }).waitFor();
    await page.getByRole('button', { name: 'Edit layout' }).click();
    await page.getByLabel('Add tile').selectOption('trec_by_band');
    const tile = page.getByRole('region', { name: 'Mean Trec by band' });
    await tile.getByRole('img', { name: 'Mean Trec by band' }).waitFor();
    const header = tile.locator('header');
    const box = (await header.boundingBox())!;
    await page.mouse.move(box.x + 40, box.y + 8);
    await page.mouse.down();
    await page.mouse.move(box.x + 40 + 300, box.y + 8, { steps: 8 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved revision 2.').waitFor();
    const stored = await admin.call<{ pages: { tiles: { insight: string; x: number; w: number }[] }[] }>(
      'GET',
      `/api/projects/${KEY}/dashboards/shift`,
    );
    expect(stored.pages[0].tiles).toHaveLength(1);
    expect(stored.pages[0].tiles[0].x).toBeGreaterThan(0);
  }, 120_000);

  it('resizing a tile pushes the tiles it grows over down; the API refuses overlapping tiles', async () => {
    const { page } = suite.browser;
    const tile = (title: string, x: number, y: number, w: number, h: number) => ({
      insight: 'trec_by_band',
      title,
      x,
      y,
      w,
      h,
    });
    // The audit's page: a 6 × 4 tile, one beside it, one under it.
    const tiles = [tile('First', 0, 0, 6, 4), tile('Beside', 6, 0, 6, 4), tile('Under', 0, 4, 4, 2)];
    const body = { id: 'resize', name: 'Resizing', pages: [{ title: 'One', tiles }], filters: [] };
    await admin.call('POST', `/api/projects/${KEY}/dashboards`, body);
    await page.goto(`/projects/${KEY}/dashboards/resize`);
    await page.getByRole('heading', { name: 'Resizing' }).waitFor();
    await page.getByRole('button', { name: 'Edit layout' }).click();
    const first = page.getByRole('region', { name: 'First' });
    const corner = (await first.getByLabel('Resize').boundingBox())!;
    await page.mouse.move(corner.x + corner.width / 2, corner.y + corner.height / 2);
    await page.mouse.down();
    await page.mouse.move(corner.x + corner.width / 2 + 200, corner.y + corner.height / 2 + 150, { steps: 10 });
    await page.mouse.up();
    // On screen: no two tiles overlap.
    const boxes = await Promise.all(
      ['First', 'Beside', 'Under'].map(async (name) => (await page.getByRole('region', { name }).boundingBox())!),
    );
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        const overlap =
          a.x < b.x + b.width - 1 && b.x < a.x + a.width - 1 && a.y < b.y + b.height - 1 && b.y < a.y + a.height - 1;
        expect(overlap, `tiles ${i} and ${j} overlap on screen`).toBe(false);
      }
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/Saved revision \d+\./).waitFor();
    const stored = await admin.call<{ pages: { tiles: { x: number; y: number; w: number; h: number }[] }[] }>(
      'GET',
      `/api/projects/${KEY}/dashboards/resize`,
    );
    const [grown, beside, under] = stored.pages[0].tiles;
    expect(grown.w).toBeGreaterThan(6);
    expect(grown.h).toBeGreaterThan(4);
    // Pushed down to just under the grown tile, in their columns.
    expect(beside).toMatchObject({ x: 6, y: grown.y + grown.h, w: 6, h: 4 });
    expect(under).toMatchObject({ x: 0, y: grown.y + grown.h, w: 4, h: 2 });

    // The API refuses the overlapping layout the editor used to save, naming the tiles.
    const overlapping = [tile('First', 0, 0, 10, 7), tiles[1], tiles[2]];
    await expect(
      admin.call('PUT', `/api/projects/${KEY}/dashboards/resize`, {
        ...body,
        pages: [{ title: 'One', tiles: overlapping }],
      }),
    ).rejects.toThrow(/HTTP 400 .*tiles overlap \(0 \(trec_by_band\) and 1 \(trec_by_band\); 0 \(trec_by_band\) and 2/);
  }, 120_000);

  it('shows a reader the dashboard with its filter bar and no edit controls', async () => {
    await admin.call('PUT', `/api/projects/${KEY}/dashboards/shift`, {
      id: 'shift',
      name: 'Shift report',
      pages: [{ title: 'Receivers', tiles: [{ insight: 'trec_by_band', x: 0, y: 0, w: 12, h: 6 }] }],
      filters: [{ column: 'antenna', type: 'category' }],
    });
    const reader = await launchBrowser(suite.server.url);
    try {
      await logIn(reader.page, 'viewer', 'viewer-password-1');
      await reader.page.goto(`/projects/${KEY}`);
      await reader.page.getByRole('link', { name: 'Shift report' }).click();
      await reader.page.getByRole('img', { name: 'Mean Trec by band' }).waitFor();
      await reader.page.getByLabel('antenna').fill('DV01, DV02');
      // Filtered on the server: bands 6 and 7 only.
      await reader.page.waitForResponse(
        // Every tile's data of the page comes in one request.
        (r) => r.url().includes('/dashboards/shift/data') && r.url().includes('DV01'),
      );
      expect(await reader.page.getByRole('button', { name: 'Edit layout' }).count()).toBe(0);
      expect(await reader.page.getByRole('button', { name: 'Save' }).count()).toBe(0);
      // Exporting needs the export-data right, which this reader lacks: disabled, with the reason.
      const png = reader.page.getByRole('button', { name: 'PNG' });
      await expect.poll(() => png.getAttribute('aria-disabled')).toBe('true');
      expect(await png.getAttribute('title')).toMatch(/export-data right/);
      expect(await reader.page.getByRole('link', { name: 'PDF' }).count()).toBe(0);
      await reader.page.goto(`/projects/${KEY}/datasets/obs`);
      const exportButton = reader.page.getByRole('button', { name: 'Export ▾' });
      await expect.poll(() => exportButton.getAttribute('aria-disabled')).toBe('true');
      // Granted the right, the reader gets the links.
      await admin.call('PUT', `/api/projects/${KEY}/members/viewer`, { role: 'reader', rights: ['export-data'] });
      await reader.page.reload();
      await reader.page.getByText('Export ▾').click();
      await reader.page.getByRole('menuitem', { name: 'CSV', exact: true }).waitFor();
      // The second CSV keeps formula cells as stored.
      expect(
        await reader.page
          .getByRole('menuitem', { name: 'CSV, formulas kept (not for spreadsheets)' })
          .getAttribute('href'),
      ).toMatch(/format=csv&formulas=keep$/);
      // Granted manage-dashboards, the reader edits the layout and makes charts as writers do.
      await admin.call('PUT', `/api/projects/${KEY}/members/viewer`, { role: 'reader', rights: ['manage-dashboards'] });
      await reader.page.goto(`/projects/${KEY}/dashboards/shift`);
      await reader.page.getByRole('button', { name: 'Edit layout' }).waitFor();
      await reader.page.goto(`/projects/${KEY}/dashboards`);
      await reader.page.getByRole('button', { name: 'New dashboard' }).waitFor();
      await admin.call('PUT', `/api/projects/${KEY}/members/viewer`, { role: 'reader' });
      expect(reader.pageErrors).toEqual([]);
    } finally {
      await reader.close();
    }
  }, 120_000);

  it("asks for a dashboard's data early only when signed in, and once for one that does not exist", async () => {
    const visitor = await launchBrowser(suite.server.url);
    try {
      const { page } = visitor;
      const asked: string[] = [];
      page.on('request', (r) => {
        const url = new URL(r.url());
        if (url.pathname.startsWith('/api/')) asked.push(url.pathname);
      });
      // Signed out: the session check only, then the login form (no data request refused with 401).
      await page.goto(`/projects/${KEY}/dashboards/shift`);
      await page.getByLabel('Username').waitFor();
      expect(asked.filter((a) => a.includes(`/projects/${KEY}`))).toEqual([]);
      await logIn(page, 'viewer', 'viewer-password-1');
      // Signed in before, in this browser: a missing dashboard is asked for once, its 404 shown.
      asked.length = 0;
      await page.goto(`/projects/${KEY}/dashboards/nosuch`);
      await page.getByRole('alert').waitFor();
      // A page that could not load keeps a heading (axe: page-has-heading-one).
      await page.getByRole('heading', { name: 'Not found', level: 1 }).waitFor();
      expect(asked.filter((a) => a === `/api/projects/${KEY}/dashboards/nosuch`)).toHaveLength(1);
      // …and a dashboard that exists is read early: its data before the app asked for it.
      asked.length = 0;
      await page.goto(`/projects/${KEY}/dashboards/shift`);
      await page.getByRole('img', { name: 'Mean Trec by band' }).waitFor();
      expect(asked.filter((a) => a === `/api/projects/${KEY}/dashboards/shift/data`)).toHaveLength(1);
      expect(visitor.pageErrors).toEqual([]);
    } finally {
      await visitor.close();
    }
  }, 120_000);

  it('filters the page by a clicked bar and by a range brushed on a time series, and formats tables', async () => {
    const days = Array.from({ length: 30 }, (_, i) => {
      const day = `2025-01-${String(i + 1).padStart(2, '0')}`;
      return `${day},${i % 2 ? 'DA41' : 'DV01'},${(30 + i).toFixed(1)}`;
    });
    await admin.upload(
      `/api/projects/${KEY}/datasets/daily/upload`,
      `day,antenna,trec\n${days.join('\n')}\n`,
      'daily.csv',
    );
    await admin.call('POST', `/api/projects/${KEY}/insights`, {
      id: 'trec_per_day',
      name: 'Trec per day',
      type: 'chart',
      dataset: 'daily',
      chart: {
        kind: 'line',
        x: { column: 'day', bin: { method: 'auto', unit: 'day' } },
        y: [{ column: 'trec', agg: 'avg' }],
      },
    });
    await admin.call('POST', `/api/projects/${KEY}/insights`, {
      id: 'trec_by_antenna',
      name: 'Trec by antenna',
      type: 'chart',
      dataset: 'daily',
      chart: { kind: 'bar', x: { column: 'antenna' }, y: [{ column: 'trec', agg: 'max' }] },
    });
    await admin.call('POST', `/api/projects/${KEY}/insights`, {
      id: 'trec_table',
      name: 'Trec table',
      type: 'table',
      dataset: 'daily',
      table: {
        groupBy: [{ column: 'antenna' }],
        measures: [{ column: 'trec', agg: 'avg', label: 'avg_trec' }],
        formats: { avg_trec: '0.00' },
        highlight: [{ column: 'avg_trec', op: 'gt', value: 44.5, color: '#ffd6d6' }],
      },
    });
    await admin.call('POST', `/api/projects/${KEY}/dashboards`, {
      id: 'daily',
      name: 'Daily Trec',
      pages: [
        {
          title: 'Days',
          tiles: [
            { insight: 'trec_per_day', x: 0, y: 0, w: 24, h: 7 },
            { insight: 'trec_by_antenna', x: 0, y: 7, w: 12, h: 6 },
            { insight: 'trec_table', x: 12, y: 7, w: 12, h: 6 },
          ],
        },
      ],
      filters: [],
    });
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/dashboards/daily`);
    const table = page.getByRole('region', { name: 'Trec table' });
    // Table formats: two decimals, and the antenna above 44.5 K highlighted.
    const columns = await admin.call<{ columns: string[]; rows: unknown[][] }>(
      'GET',
      `/api/projects/${KEY}/insights/trec_table/data`,
    );
    const avg = columns.columns.indexOf('avg_trec');
    const da41 = columns.rows.find((r) => r[0] === 'DA41')!;
    const expected = Number(da41[avg]).toFixed(2);
    const cell = table.getByRole('cell', { name: expected, exact: true });
    await cell.waitFor();
    expect(await cell.evaluate((td) => getComputedStyle(td).backgroundColor)).toBe('rgb(255, 214, 214)');

    // Click a bar: the page is filtered by its antenna, on the suite.server.
    const bars = page.getByRole('img', { name: 'Trec by antenna' });
    await bars.waitFor();
    const filtered = page.waitForResponse(
      (r) => r.url().includes('/dashboards/daily/data') && decodeURIComponent(r.url()).includes('antenna:in:'),
    );
    const box = (await bars.boundingBox())!;
    // Two bars: click the middle of the left one, low enough to hit it whatever its height.
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.75);
    await filtered;
    const chip = page.getByRole('button', { name: /antenna = (DA41|DV01)/ });
    await chip.waitFor();
    await chip.click();

    // Brush a range of days on the line: drag over the middle of the plot.
    const line = page.getByRole('img', { name: 'Trec per day' });
    const lineBox = (await line.boundingBox())!;
    const ranged = page.waitForResponse(
      (r) => r.url().includes('/dashboards/daily/data') && decodeURIComponent(r.url()).includes('day:ge:'),
    );
    await page.mouse.move(lineBox.x + lineBox.width * 0.35, lineBox.y + lineBox.height * 0.4);
    await page.mouse.down();
    await page.mouse.move(lineBox.x + lineBox.width * 0.6, lineBox.y + lineBox.height * 0.4, { steps: 6 });
    await page.mouse.up();
    await ranged;
    await page.getByRole('button', { name: /^day from 2025-01-\d\d.* to 2025-01-\d\d/ }).waitFor();
  }, 120_000);

  it("shows the server's pictures of the charts on a later visit; hostile labels stay text; a click on a picture cross-filters", async () => {
    const csv = 'label,v\n"<script>window.__pwned=1</script>",3\n"""><img src=x onerror=window.__pwned=2>",5\n';
    await admin.upload(`/api/projects/${KEY}/datasets/odd/upload`, csv, 'odd.csv');
    for (const [id, kind] of [
      ['odd_bar', 'bar'],
      ['odd_pie', 'pie'],
    ])
      await admin.call('POST', `/api/projects/${KEY}/insights`, {
        id,
        name: id === 'odd_bar' ? 'Odd bars' : 'Odd slices',
        type: 'chart',
        dataset: 'odd',
        chart: { kind, x: { column: 'label' }, y: [{ column: 'v', agg: 'sum' }] },
      });
    await admin.call('POST', `/api/projects/${KEY}/dashboards`, {
      id: 'odd',
      name: 'Odd labels',
      pages: [
        {
          title: 'One',
          tiles: [
            { insight: 'odd_bar', x: 0, y: 0, w: 12, h: 6 },
            { insight: 'odd_pie', x: 12, y: 0, w: 12, h: 6 },
          ],
        },
      ],
      filters: [],
    });
    const visitor = await launchBrowser(suite.server.url);
    try {
      const { page, context } = visitor;
      await logIn(page, 'viewer', 'viewer-password-1');
      // First visit: no sizes kept yet, the charts are drawn live; their sizes are kept for the next
      // one, and told to the server, which draws the pictures at once.
      const told = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/dashboards/odd/sizes'));
      await page.goto(`/projects/${KEY}/dashboards/odd`);
      await page.locator('[aria-label="Odd bars"] canvas').waitFor();
      const kept = await page.waitForFunction(() => localStorage.getItem('llano.chartSizes:DASHUI/odd/1'));
      const sizes = (await kept.jsonValue()) as string;
      expect(sizes).toMatch(/^odd_bar:\d+x\d+,odd_pie:\d+x\d+$/);
      expect((await told).postDataJSON()).toEqual({ page: 1, sizes });
      // Drawn in the background: the data request carries them once drawn.
      const url = `/api/projects/${KEY}/dashboards/odd/data?sizes=${sizes}`;
      // Up to a minute: a loaded machine (the full suite beside helpers) took more than 10 s to draw them.
      await expect
        .poll(
          async () =>
            Object.keys((await admin.call<{ pictures?: Record<string, unknown> }>('GET', url)).pictures ?? {}).length,
          { timeout: 60_000, interval: 200 },
        )
        .toBe(2);
      // A browser never idle: the charts stay pictures until the pointer comes over one.
      await context.addInitScript(() => {
        window.requestIdleCallback = () => 0;
      });
      await page.goto(`/projects/${KEY}/dashboards/odd`);
      const pictures = page.locator('[data-testid="dashboard-grid"] img.chart-picture');
      await expect.poll(() => pictures.count()).toBe(2);
      await page.waitForFunction(() =>
        [...document.querySelectorAll('img.chart-picture')].every(
          (i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0,
        ),
      );
      const shown = await page.evaluate(() => ({
        canvases: document.querySelectorAll('[data-testid="dashboard-grid"] canvas').length,
        otherImages: document.querySelectorAll('[data-testid="dashboard-grid"] img:not(.chart-picture)').length,
        pwned: (window as { __pwned?: number }).__pwned ?? null,
        // Each picture exactly the size of its chart's box.
        fits: [...document.querySelectorAll('img.chart-picture')].map((i) => {
          const box = i.parentElement!;
          return (
            (i as HTMLImageElement).naturalWidth === box.clientWidth &&
            (i as HTMLImageElement).naturalHeight === box.clientHeight
          );
        }),
        svg: [...document.querySelectorAll('img.chart-picture')]
          .map((i) => decodeURIComponent((i as HTMLImageElement).src.split(',')[1]))
          .join('\n'),
      }));
      expect(shown).toMatchObject({ canvases: 0, otherImages: 0, pwned: null, fits: [true, true] });
      // The labels as text in the pictures (the pie's legend names both slices; long names are cut with "…").
      expect(shown.svg).toContain('&lt;script&gt;window.__pwned');
      expect(shown.svg).toContain('&quot;&gt;&lt;img src=x');
      expect(shown.svg).not.toMatch(/<script|<img|<[^>]*\son\w+=/i);
      expect(seriousOnes(await a11yViolations(page))).toEqual([]);

      // The pointer over the bars builds that chart; the click that follows filters the page.
      const bars = page.getByRole('img', { name: 'Odd bars' });
      const box = (await bars.boundingBox())!;
      const filtered = page.waitForResponse(
        (r) => r.url().includes('/dashboards/odd/data') && decodeURIComponent(r.url()).includes('label:in:'),
      );
      // Halfway down the first (tallest) bar: slanted category labels take the chart's lower part.
      await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.5);
      await filtered;
      await page.getByRole('button', { name: /^label = / }).waitFor();
      expect(await bars.locator('canvas').count()).toBeGreaterThan(0);
      expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned ?? null)).toBeNull();
      expect(visitor.pageErrors).toEqual([]);
    } finally {
      await visitor.close();
    }
  }, 120_000);

  it('shares a dashboard and a webapp with a group: a non-member in it opens both from "Shared with me", read-only', async () => {
    await admin.call('POST', '/api/users', { username: 'guest', password: 'guest-password-1' });
    await admin.call('POST', '/api/groups', { name: 'guests', members: ['guest'] });
    await admin.call('POST', `/api/projects/${KEY}/webapps`, {
      id: 'board_app',
      name: 'Board app',
      files: { 'index.html': '<!doctype html><title>Board app</title><h1>Hello from the board app</h1>' },
    });
    const guest = await launchBrowser(suite.server.url);
    try {
      await sharedWithGuests(guest);
    } finally {
      await guest.close();
    }
  }, 180_000);

  /** The guest's view of what the admin shares with their group, before and after. */
  async function sharedWithGuests(guest: TestBrowser) {
    const g = guest.page;
    // Before anything is shared: the /shared page, from the main navigation, says so.
    await logIn(g, 'guest', 'guest-password-1');
    await g.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Shared with me' }).click();
    await g.getByRole('heading', { name: 'Shared with me', level: 1 }).waitFor();
    await g.getByText('Nothing is shared with you').waitFor();
    expect(await g.getByRole('table', { name: 'Shared with me' }).count()).toBe(0);

    const { page } = suite.browser;
    // The admin shares both in their own dialogs.
    const shareWithGuests = async (what: string) => {
      await page.getByRole('button', { name: 'Share', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: `Share ${what}` });
      await dialog.getByLabel('Share with (username or group:NAME)').fill('group:guests');
      await dialog.getByRole('button', { name: 'Share as viewer' }).click();
      await dialog.getByRole('button', { name: 'Stop sharing with group:guests' }).waitFor();
      await dialog.getByRole('button', { name: 'Close' }).click();
      await page.getByRole('button', { name: 'Share (1)' }).waitFor();
    };
    await page.goto(`/projects/${KEY}/dashboards/shift`);
    await page.getByRole('img', { name: 'Mean Trec by band' }).waitFor();
    // Each page its own window title (it was "Llano" everywhere).
    expect(await page.title()).toBe('Shift report · Llano');
    await shareWithGuests('dashboard');
    await page.goto(`/projects/${KEY}/webapps/board_app`);
    await page.getByRole('heading', { name: 'Board app' }).waitFor();
    await shareWithGuests('webapp');

    // The /shared page lists both, linked to where they open, and is accessible.
    await g.reload();
    const list = g.getByRole('table', { name: 'Shared with me' });
    await list.getByRole('link', { name: 'Shift report' }).waitFor();
    expect(await list.getByRole('link', { name: 'Board app' }).getAttribute('href')).toBe(`/webapps/${KEY}/board_app/`);
    expect(seriousOnes(await a11yViolations(g))).toEqual([]);
    await list.getByRole('link', { name: 'Shift report' }).click();
    await g.waitForURL(`**/shared/${KEY}/dashboards/shift`);
    // Its breadcrumb leads back to the list.
    expect(await g.locator('main').getByRole('link', { name: 'Shared with me' }).getAttribute('href')).toBe('/shared');
    await g.goto('/');
    const shared = g.getByRole('region', { name: 'Shared with me' });
    await shared.getByRole('link', { name: 'Shift report' }).waitFor();
    expect(seriousOnes(await a11yViolations(g))).toEqual([]);
    // Where only admins create projects, New project and Import project say so instead of failing.
    suite.server.ws.config.projectCreators = ['admins'];
    try {
      await g.reload();
      const create = g.getByRole('button', { name: 'New project' });
      await expect.poll(() => create.getAttribute('aria-disabled')).toBe('true');
      expect(await create.getAttribute('title')).toMatch(/limited who may create projects/);
      expect(await g.getByRole('button', { name: 'Import project' }).getAttribute('aria-disabled')).toBe('true');
    } finally {
      suite.server.ws.config.projectCreators = ['everyone'];
    }
    await shared.getByRole('link', { name: 'Shift report' }).click();
    await g.waitForURL(`**/shared/${KEY}/dashboards/shift`);
    await g.getByRole('img', { name: 'Mean Trec by band' }).waitFor();
    // Filters work: the page's tiles come in one request of the shared dashboard.
    const filtered = g.waitForResponse(
      (r) => r.url().includes('/dashboards/shift/data') && r.url().includes('DV01') && r.status() === 200,
    );
    await g.getByLabel('antenna').fill('DV01');
    await filtered;
    for (const name of ['Edit layout', 'Save', 'Share', 'Delete', 'PNG', 'PDF'])
      expect(await g.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    expect(await g.getByRole('link', { name: 'PNG' }).count()).toBe(0);
    expect(await g.getByRole('navigation', { name: 'Project sections' }).count()).toBe(0);
    expect(seriousOnes(await a11yViolations(g))).toEqual([]);
    // A project link to it leads a non-member to the same page.
    await g.goto(`/projects/${KEY}/dashboards/shift`);
    await g.waitForURL(`**/shared/${KEY}/dashboards/shift`);
    await g.getByRole('img', { name: 'Mean Trec by band' }).waitFor();
    // Any other page of the project: one heading and the refusal, no project menu around it.
    await g.goto(`/projects/${KEY}/datasets`);
    await g.getByRole('heading', { name: `Project ${KEY}`, level: 1 }).waitFor();
    await g.getByRole('alert').waitFor();
    expect(await g.getByRole('navigation', { name: 'Project sections' }).count()).toBe(0);
    expect(await g.getByRole('navigation', { name: 'Project menu' }).count()).toBe(0);
    expect(await a11yViolations(g)).toEqual([]);

    // On a phone: nothing wider than the window, here and on the home page's list.
    await g.setViewportSize({ width: 390, height: 844 });
    expect((await overflowX(g)).extra).toBe(0);
    await g.goto('/');
    await shared.getByRole('link', { name: 'Board app' }).waitFor();
    expect((await overflowX(g)).extra).toBe(0);
    expect(seriousOnes(await a11yViolations(g))).toEqual([]);
    await shared.getByRole('link', { name: 'Board app' }).click();
    await g.waitForURL(new RegExp(`/webapps/${KEY}/board_app/~[^/]+/$`));
    await g.getByRole('heading', { name: 'Hello from the board app' }).waitFor();
    expect(guest.pageErrors).toEqual([]);
  }

  it('builds a pivot table whose columns are the values of a column; its tile shows them', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/insights/new`);
    await page.getByRole('link', { name: /^Table/ }).click();
    await page.getByLabel('ID').fill('band_by_antenna');
    await page.getByLabel('Name').fill('Trec by band and antenna');
    await page.getByLabel('Dataset').selectOption('obs');
    await page.getByLabel('Layout').selectOption('pivot');
    await page.getByLabel('Group by').selectOption('band');
    await page.getByLabel('Columns from the values of').selectOption('antenna');
    await page.getByLabel('Measure 1 aggregation').selectOption('max');
    await page.getByLabel('Measure 1 column').selectOption('trec');
    // The preview: one row per band, one column per antenna, in order.
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.getByRole('columnheader', { name: 'DV02' }).waitFor();
    const headers = await preview.getByRole('columnheader').allTextContents();
    expect(headers).toEqual(['band', 'DA41', 'DA42', 'DA43', 'DV01', 'DV02']);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved revision 1.').waitFor();
    const saved = await admin.call<{ table: unknown }>('GET', `/api/projects/${KEY}/insights/band_by_antenna`);
    expect(saved.table).toEqual({
      groupBy: [{ column: 'band' }],
      pivot: { column: 'antenna' },
      measures: [{ agg: 'max', column: 'trec' }],
    });
    await admin.call('POST', `/api/projects/${KEY}/dashboards`, {
      id: 'pivot',
      name: 'Pivot',
      pages: [{ title: 'One', tiles: [{ insight: 'band_by_antenna', x: 0, y: 0, w: 12, h: 5 }] }],
      filters: [],
    });
    await page.goto(`/projects/${KEY}/dashboards/pivot`);
    const tile = page.getByRole('region', { name: 'Trec by band and antenna' });
    await tile.getByRole('columnheader', { name: 'DV02' }).waitFor();
    // Band 7: DV02 61, DA43 58.5, the other antennas empty.
    const band7 = tile.getByRole('row').filter({ has: page.getByRole('cell', { name: '7', exact: true }) });
    expect(await band7.getByRole('cell').allTextContents()).toEqual(['7', '', '', '58.5', '', '61']);
  }, 120_000);

  it('says on a tile that its scatter is a sample, and how it was taken', async () => {
    const { page } = suite.browser;
    const rows = Array.from({ length: 6000 }, (_, i) => `${i},${(i * 7919) % 1000}`);
    await admin.upload(`/api/projects/${KEY}/datasets/points/upload`, `a,b\n${rows.join('\n')}\n`, 'points.csv');
    const chart = { kind: 'scatter', x: { column: 'a' }, y: [{ column: 'b', agg: 'avg' }] };
    const body = { id: 'points', name: 'Many points', type: 'chart', dataset: 'points', chart };
    await admin.call('POST', `/api/projects/${KEY}/insights`, body);
    const data = await admin.call<{ sampled: boolean; sampling: string }>(
      'GET',
      `/api/projects/${KEY}/insights/points/data`,
    );
    expect(data.sampled).toBe(true);
    await admin.call('POST', `/api/projects/${KEY}/dashboards`, {
      id: 'points',
      name: 'Points',
      pages: [{ title: 'One', tiles: [{ insight: 'points', x: 0, y: 0, w: 12, h: 6 }] }],
      filters: [],
    });
    await page.goto(`/projects/${KEY}/dashboards/points`);
    const tileChart = page.getByRole('region', { name: 'Many points' }).getByRole('img', { name: 'Many points' });
    await tileChart.waitFor();
    expect(await tileChart.getAttribute('title')).toBe(data.sampling);
    expect(data.sampling).toMatch(/sample of [\d,]+ points of 6,000/);
  }, 120_000);

  it('creates a table insight with a conditional colour and a text insight, places both on a dashboard', async () => {
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/dashboards`);
    await page.getByRole('link', { name: 'New insight' }).click();
    await page.getByRole('link', { name: /^Table/ }).click();
    await page.getByLabel('ID').fill('band_table');
    await page.getByLabel('Name').fill('Trec by band table');
    await page.getByLabel('Dataset').selectOption('obs');
    await page.getByLabel('Layout').selectOption('pivot');
    await page.getByLabel('Group by').selectOption('band');
    await page.getByLabel('Measure 1 aggregation').selectOption('avg');
    await page.getByLabel('Measure 1 column').selectOption('trec');
    await page.getByLabel('Format column').selectOption('avg(trec)');
    await page.getByLabel('Format', { exact: true }).fill('0.00');
    await page.getByRole('button', { name: 'Add format' }).click();
    await page.getByLabel('Colour column').selectOption('avg(trec)');
    await page.getByLabel('Colour when').selectOption('gt');
    await page.getByLabel('Colour threshold').fill('50');
    await page.getByLabel('Colour', { exact: true }).fill('#ffd6d6');
    await page.getByRole('button', { name: 'Add colour' }).click();
    // The server's preview, formatted: band 6 averages 55 K (highlighted), band 3 36 K (not).
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.getByRole('cell', { name: '55.00', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved revision 1.').waitFor();
    const table = await admin.call<{ table: unknown }>('GET', `/api/projects/${KEY}/insights/band_table`);
    expect(table.table).toEqual({
      groupBy: [{ column: 'band' }],
      measures: [{ agg: 'avg', column: 'trec' }],
      formats: { 'avg(trec)': '0.00' },
      highlight: [{ column: 'avg(trec)', op: 'gt', value: 50, color: '#ffd6d6' }],
    });

    await page.goto(`/projects/${KEY}/insights/new`);
    await page.getByRole('link', { name: /^Text/ }).click();
    await page.getByLabel('ID').fill('shift_notes');
    await page.getByLabel('Name').fill('Shift notes');
    await page.getByLabel('Markdown').fill('## Night shift\n\nAll **receivers** nominal.');
    await page.getByRole('region', { name: 'Preview' }).getByRole('heading', { name: 'Night shift' }).waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved revision 1.').waitFor();
    // Edited again: a second revision, listed in its history.
    await page.getByLabel('Name').fill('Shift notes (night)');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved revision 2.').waitFor();
    await page.getByRole('region', { name: 'History' }).getByRole('button', { name: 'Revert' }).waitFor();

    await page.goto(`/projects/${KEY}/dashboards/shift`);
    await page.getByRole('button', { name: 'Edit layout' }).click();
    await page.getByLabel('Add tile').selectOption('band_table');
    await page.getByLabel('Add tile').selectOption('shift_notes');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/Saved revision \d+\./).waitFor();
    await page.reload();
    const tableTile = page.getByRole('region', { name: 'Trec by band table' });
    const cell = tableTile.getByRole('cell', { name: '55.00', exact: true });
    await cell.waitFor();
    expect(await cell.evaluate((td) => getComputedStyle(td).backgroundColor)).toBe('rgb(255, 214, 214)');
    const cool = tableTile.getByRole('cell', { name: '36.00', exact: true });
    expect(await cool.evaluate((td) => getComputedStyle(td).backgroundColor)).not.toBe('rgb(255, 214, 214)');
    const notes = page.getByRole('region', { name: 'Shift notes (night)' });
    await notes.getByRole('heading', { name: 'Night shift' }).waitFor();
    expect(await notes.locator('strong').textContent()).toBe('receivers');

    // A reader sees the form read-only.
    const reader = await launchBrowser(suite.server.url);
    try {
      await logIn(reader.page, 'viewer', 'viewer-password-1');
      await reader.page.goto(`/projects/${KEY}/insights/band_table`);
      await reader.page.getByText('read only').waitFor();
      expect(await reader.page.getByLabel('Name').isDisabled()).toBe(true);
      expect(await reader.page.getByRole('button', { name: 'Save' }).getAttribute('aria-disabled')).toBe('true');
      expect(reader.pageErrors).toEqual([]);
    } finally {
      await reader.close();
    }

    // Deleted after confirming in the app's dialog.
    await page.goto(`/projects/${KEY}/insights/shift_notes`);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete insight' }).click();
    await page.waitForURL(/\/dashboards$/);
    const gone = await fetch(`${suite.server.url}/api/projects/${KEY}/insights/shift_notes`, {
      headers: { authorization: `Bearer ${suite.server.adminToken}` },
    });
    expect(gone.status).toBe(404);
  }, 120_000);

  it('filters the page by a date range and a number range typed in the filter bar', async () => {
    const days = Array.from({ length: 30 }, (_, i) => {
      const day = `2025-02-${String((i % 28) + 1).padStart(2, '0')} 12:30:00`;
      return `${day},${i % 2 ? 'DA41' : 'DV01'},${(30 + i).toFixed(1)}`;
    });
    await admin.upload(
      `/api/projects/${KEY}/datasets/bounded/upload`,
      `at,antenna,trec\n${days.join('\n')}\n`,
      'b.csv',
    );
    await admin.call('POST', `/api/projects/${KEY}/insights`, {
      id: 'bounded_counts',
      name: 'Readings per antenna',
      type: 'table',
      dataset: 'bounded',
      table: { groupBy: [{ column: 'antenna' }], measures: [{ agg: 'count', label: 'readings' }] },
    });
    await admin.call('POST', `/api/projects/${KEY}/dashboards`, {
      id: 'bounded',
      name: 'Bounded',
      pages: [{ title: 'Counts', tiles: [{ insight: 'bounded_counts', x: 0, y: 0, w: 12, h: 6 }] }],
      filters: [
        { column: 'at', type: 'date', label: 'Measured' },
        { column: 'trec', type: 'range' },
      ],
    });
    const { page } = suite.browser;
    await page.goto(`/projects/${KEY}/dashboards/bounded`);
    const table = page.getByRole('region', { name: 'Readings per antenna' });
    const row = (name: string) => table.getByRole('row', { name, exact: true });
    await row('DA41 15').waitFor();
    // Days 10 to 12 (i = 9, 10, 11), the whole of the last day included (its readings are at 12:30).
    const measured = page.getByRole('group', { name: 'Measured' });
    await measured.getByLabel('from').fill('2025-02-10');
    await measured.getByLabel('to').fill('2025-02-12');
    await row('DA41 2').waitFor();
    await row('DV01 1').waitFor();
    // trec from 40 (both ends included): 40 (DV01) and 41 (DA41) remain of 39, 40, 41.
    await page.getByRole('group', { name: 'trec' }).getByLabel('from').fill('40');
    await row('DA41 1').waitFor();
    await row('DV01 1').waitFor();
  }, 120_000);
});
