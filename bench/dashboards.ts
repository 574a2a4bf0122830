/**
 * A 20-tile dashboard over a BENCH_ROWS-row dataset (default 17.5 million), in a real browser
 * (headless Chromium, 1440×900). "Loaded" means every tile's data has arrived and every tile on
 * the first screen is drawn (tiles below it draw when scrolled near; the time to scroll to the
 * end and have all 20 drawn is printed too). Drawn: by ECharts (its canvas), or as the server's
 * picture of the chart (an SVG image, decoded) when the browser sent the charts' sizes it kept
 * from its last visit; "interactive" is when every first-screen chart is built by ECharts too.
 *
 * Cold = a fresh server over the same workspace, nothing in memory, the OS file cache warm; the
 * tiles on disk (src/insights/tile-cache.ts) were computed when the insights were saved, as they
 * are when a dataset version is committed. Cold, empty cache = the same with the tile cache
 * deleted first: every tile query runs over the whole dataset. Warm = the same server again
 * (tiles cached in memory). Tile queries over HTTP, warm, with the empty-cache cold ones as the
 * reference measured in the same run on the same data. Medians of BENCH_RUNS (default 3) runs.
 * Each fresh server listens on a new port, so cold is also a cold browser cache: the page's code
 * is fetched and compiled again (the session cookie, not bound to a port, is kept), and the
 * browser has no chart sizes to send (kept per origin): cold loads draw live. Pictures drawn in
 * an earlier run are kept on disk (src/insights/picture-store.ts), so from the second run on
 * every warm load finds them; the first run's first warm load is a first visit's (drawn live). A tile that
 * fails shows its error: it counts as settled and is reported after the table.
 * Run: `npm run bench dashboards`.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { openAsBlob } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWebIfStale } from '../bin/build-web-if-needed.js';
import { launchBrowser, logIn } from '../e2e/support/browser.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { startWorkspace } from '../src/app/start-workspace.js';
import { loadConfig } from '../src/common/config.js';
import { buildServer } from '../src/server/app.js';
import { profileLoad } from './_load-profile.js';

const rows = Number(process.env.BENCH_ROWS ?? 17_500_000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const PASSWORD = 'bench-password';
const P = '/api/projects/DASH';

const dir = await mkdtemp(join(tmpdir(), 'llano-bench-dash-'));
const home = join(dir, 'home');
const config = loadConfig({ home, adminPassword: PASSWORD, port: 0, host: '127.0.0.1', maxUploadMb: 100_000 }, {});

/**
 * BENCH_WEB_BEFORE=path: the web UI built from an earlier commit (its web/dist), served by a
 * second server over the same workspace; its loads alternate with this build's, same run, same data.
 */
const webBefore = process.env.BENCH_WEB_BEFORE;

async function startServer() {
  const started = await startWorkspace(config);
  const app = await buildServer(started.ws);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const before = webBefore ? await buildServer(started.ws, { webDist: webBefore }) : null;
  const beforeUrl = before ? await before.listen({ port: 0, host: '127.0.0.1' }) : null;
  return {
    started,
    url,
    beforeUrl,
    stop: async () => {
      await before?.close();
      await app.close();
      await started.close();
    },
  };
}

/** Twenty tiles: every chart kind, several aggregations, binning of numbers and dates, top-N, a sampled scatter. */
const CHARTS: Record<string, unknown>[] = [
  { kind: 'bar', x: { column: 'antenna' }, y: [{ column: 'trec', agg: 'avg' }] },
  { kind: 'stacked_bar', x: { column: 'band' }, color: { column: 'weather' }, y: [{ agg: 'count' }] },
  {
    kind: 'grouped_bar',
    x: { column: 'band' },
    y: [
      { column: 'trec', agg: 'median' },
      { column: 'trec', agg: 'quantile', q: 0.9 },
    ],
  },
  { kind: 'line', x: { column: 'ts', bin: { method: 'width', unit: 'day' } }, y: [{ column: 'trec', agg: 'avg' }] },
  {
    kind: 'area',
    x: { column: 'ts', bin: { method: 'width', unit: 'week' } },
    color: { column: 'band' },
    y: [{ agg: 'count' }],
  },
  { kind: 'histogram', x: { column: 'trec', bin: { method: 'count', count: 40 } } },
  { kind: 'histogram', x: { column: 'amplitude', bin: { method: 'width', width: 5 } } },
  { kind: 'box', x: { column: 'band' }, y: [{ column: 'trec', agg: 'avg' }] },
  { kind: 'heatmap', x: { column: 'band' }, color: { column: 'weather' }, y: [{ column: 'amplitude', agg: 'avg' }] },
  { kind: 'pie', x: { column: 'weather' }, y: [{ agg: 'count' }] },
  { kind: 'kpi', y: [{ agg: 'count' }] },
  { kind: 'kpi', x: { column: 'ts', bin: { method: 'width', unit: 'month' } }, y: [{ column: 'trec', agg: 'avg' }] },
  { kind: 'scatter', x: { column: 'amplitude' }, y: [{ column: 'trec', agg: 'avg' }], pointBudget: 2000 },
  { kind: 'bar', x: { column: 'antenna' }, y: [{ column: 'amplitude', agg: 'max' }], top: { n: 10, others: true } },
  { kind: 'bar', x: { column: 'band' }, y: [{ column: 'antenna', agg: 'count_distinct' }] },
  { kind: 'bar', x: { column: 'weather' }, y: [{ column: 'trec', agg: 'stddev' }] },
  { kind: 'line', x: { column: 'ts', bin: { method: 'auto' } }, y: [{ column: 'amplitude', agg: 'min' }] },
  {
    kind: 'bar',
    x: { column: 'band' },
    y: [{ column: 'amplitude', agg: 'sum' }],
    filters: [{ column: 'weather', op: 'eq', value: 'clear' }],
  },
  { kind: 'pie', x: { column: 'antenna' }, y: [{ column: 'trec', agg: 'avg' }], top: { n: 8, others: true } },
  { kind: 'kpi', y: [{ column: 'antenna', agg: 'count_distinct' }] },
];

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const p95 = (a: number[]) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * 0.95))];
const ms = (v: number) => `${Math.round(v).toLocaleString('en-US')} ms`;

await buildWebIfStale({ quiet: true });
let server = await startServer();
const browser = await launchBrowser(server.url);
try {
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  const auth = { authorization: `Bearer ${token}` };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text;
  };
  await server.started.ws.catalog.projects.create(LOCAL_ADMIN, { key: 'DASH' });
  const file = join(dir, 'observations.parquet');
  const t0 = performance.now();
  await server.started.ws.duck.run(`COPY (
    SELECT TIMESTAMP '2024-01-01' + to_milliseconds(i * 1000) AS ts,
           'DA' || lpad(((i * 7) % 66)::VARCHAR, 2, '0') AS antenna, (i % 10) + 1 AS band,
           ['clear', 'cloudy', 'windy', 'snow'][(i % 4) + 1] AS weather,
           30 + ((i * 13) % 1000) / 20.0 + random() * 5 AS trec, random() * 100 AS amplitude
    FROM range(${rows}) t(i)) TO '${file}' (FORMAT parquet)`);
  const form = new FormData();
  form.set('file', await openAsBlob(file), 'observations.parquet');
  const up = await fetch(`${server.url}${P}/datasets/obs/upload`, { method: 'POST', headers: auth, body: form });
  if (up.status !== 201) throw new Error(`upload: ${up.status} ${await up.text()}`);
  const made = performance.now() - t0;

  const tiles = CHARTS.map((chart, i) => ({
    insight: `t${i + 1}`,
    x: (i % 4) * 6,
    y: Math.floor(i / 4) * 5,
    w: 6,
    h: 5,
  }));
  const saved = performance.now();
  for (const [i, chart] of CHARTS.entries())
    await call('POST', `${P}/insights`, {
      id: `t${i + 1}`,
      name: `Tile ${i + 1}`,
      type: 'chart',
      dataset: 'obs',
      chart,
    });
  await call('POST', `${P}/dashboards`, { id: 'big', name: 'Big', pages: [{ title: 'All', tiles }], filters: [] });
  // Saving an insight computes its tile in the background: wait until all 20 are on disk.
  const tileCache = join(home, 'data', 'DASH', 'obs', 'tile-cache');
  const storedTiles = async () =>
    (await readdir(tileCache, { recursive: true }).catch(() => [] as string[])).filter((f) => f.endsWith('.json'))
      .length;
  while ((await storedTiles()) < CHARTS.length) await new Promise((r) => setTimeout(r, 100));
  const warmedUp = performance.now() - saved;

  await logIn(browser.page, 'admin', PASSWORD);
  const { page } = browser;
  const failures: string[] = [];
  /**
   * Navigation to every tile's data in and every tile of the first screen drawn; returns ms, tiles
   * drawn, and ms until each of them is an interactive chart (not the server's picture).
   */
  const fullLoad = async (base = server.url) => {
    const start = performance.now();
    await page.goto(`${base}/projects/DASH/dashboards/big`);
    if (process.env.BENCH_DEBUG) {
      await page.waitForSelector('[data-testid="dashboard-grid"]', { timeout: 600_000 });
      console.log(`grid shown after ${ms(performance.now() - start)}`);
    }
    // A tile that failed shows its error instead of a chart: it has settled too (counted and
    // reported, never waited for, or one failing query would hang the run).
    const settled = await page.waitForFunction(
      (n) => {
        const grid = document.querySelector('[data-testid="dashboard-grid"]');
        const charts = grid ? [...grid.querySelectorAll('.insight-chart')] : [];
        const failed = grid ? grid.querySelectorAll('.dashboard-tile [role="alert"]').length : 0;
        if (charts.length + failed < n || grid?.textContent?.includes('Loading')) return false;
        const onScreen = charts.filter((c) => c.getBoundingClientRect().top < window.innerHeight);
        // Drawn: a canvas, or the server's picture decoded (no named helper here: the bundler would wrap it in one of its own, unknown in the page).
        const drawn = onScreen.filter(
          (c) =>
            c.querySelector('canvas') ||
            [...c.querySelectorAll('img.chart-picture')].some(
              (i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0,
            ),
        );
        return drawn.length === onScreen.length && { drawn: onScreen.length, failed };
      },
      CHARTS.length,
      { timeout: 600_000, polling: 20 },
    );
    const loaded = performance.now() - start;
    const { drawn, failed } = (await settled.jsonValue()) as { drawn: number; failed: number };
    if (failed) failures.push(await failedTiles());
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid="dashboard-grid"] .insight-chart')]
          .filter((c) => c.getBoundingClientRect().top < window.innerHeight)
          .every((c) => c.querySelector('canvas')),
      undefined,
      { timeout: 600_000, polling: 20 },
    );
    return { ms: loaded, drawn, interactive: performance.now() - start };
  };
  /** Each failed tile's title and error, for the report. */
  const failedTiles = () =>
    page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="dashboard-grid"] .dashboard-tile')]
        .filter((t) => t.querySelector('[role="alert"]'))
        .map((t) => `${t.getAttribute('aria-label')}: ${t.querySelector('[role="alert"]')?.textContent ?? ''}`)
        .join('; '),
    );
  /** From the end of a full load: scroll down through the tiles, then wait until all 20 are drawn. */
  const scrollToAll = async () => {
    const start = performance.now();
    // Tile after tile, as a reader scrolls (the page scrolls inside its layout, not the window).
    await page.evaluate(async () => {
      for (const chart of document.querySelectorAll('[data-testid="dashboard-grid"] .insight-chart')) {
        chart.scrollIntoView({ block: 'nearest' });
        await new Promise((r) => requestAnimationFrame(r));
      }
    });
    await page.waitForFunction(
      (n) =>
        [...document.querySelectorAll('[data-testid="dashboard-grid"] .insight-chart')].filter(
          (c) =>
            c.querySelector('canvas') ||
            [...c.querySelectorAll('img.chart-picture')].some(
              (i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0,
            ),
        ).length +
          document.querySelectorAll('[data-testid="dashboard-grid"] .dashboard-tile [role="alert"]').length >=
        n,
      CHARTS.length,
      { timeout: 600_000, polling: 20 },
    );
    return performance.now() - start;
  };
  const tileTimes = async () => {
    const times: number[] = [];
    for (let i = 1; i <= CHARTS.length; i++) {
      const t = performance.now();
      // A failed tile query is reported, not fatal: its time still counts (it is what a reader waited).
      await call('GET', `${P}/insights/t${i}/data`).catch((e: Error) => failures.push(e.message.slice(0, 300)));
      times.push(performance.now() - t);
    }
    return times;
  };
  /** A fresh server over the same workspace: nothing cached but the OS's file cache (and, unless emptied, the tiles on disk). */
  const restart = async (emptyTileCache: boolean) => {
    await server.stop();
    if (emptyTileCache) await rm(tileCache, { recursive: true, force: true });
    server = await startServer();
  };

  const cold: number[] = [];
  const coldEmpty: number[] = [];
  const warm: number[] = [];
  const warmInteractive: number[] = [];
  const before = { cold: [] as number[], warm: [] as number[], warmInteractive: [] as number[] };
  const scrolled: number[] = [];
  const coldTiles: number[] = [];
  const warmTiles: number[] = [];
  let onScreen = 0;
  for (let r = 0; r < runs; r++) {
    await restart(false);
    cold.push((await fullLoad()).ms);
    for (let w = 0; w < 3; w++) {
      const load = await fullLoad();
      warm.push(load.ms);
      warmInteractive.push(load.interactive);
      onScreen = load.drawn;
      scrolled.push(await scrollToAll());
      if (server.beforeUrl) {
        // The earlier build's first load at its port fetches its code: not counted as warm.
        if (w === 0) await fullLoad(server.beforeUrl);
        const earlier = await fullLoad(server.beforeUrl);
        before.warm.push(earlier.ms);
        before.warmInteractive.push(earlier.interactive);
      }
    }
    if (server.beforeUrl) {
      await restart(false);
      before.cold.push((await fullLoad(server.beforeUrl)).ms);
    }
    // BENCH_PROFILE=1: where the time of one more warm load goes (not counted in the figures).
    if (process.env.BENCH_PROFILE && r === 0) await profileLoad(page, fullLoad);
    for (let w = 0; w < 5; w++) warmTiles.push(...(await tileTimes()));
  }
  for (let r = 0; r < runs; r++) {
    await restart(true);
    coldEmpty.push((await fullLoad()).ms);
  }
  // Tile queries with nothing cached, one at a time: the reference for the warm ones.
  await restart(true);
  coldTiles.push(...(await tileTimes()));

  console.log(
    `\n### Dashboard of ${CHARTS.length} tiles over ${rows.toLocaleString('en-US')} rows (dataset made and uploaded in ${(made / 1000).toFixed(1)} s; the 20 tiles computed in the background ${(warmedUp / 1000).toFixed(1)} s after the first insight was saved)\n`,
  );
  console.log('| measure | value | target |');
  console.log('| --- | ---: | ---: |');
  console.log(
    `| full load in Chromium, cold: fresh server, tiles computed at save (median of ${runs}) | ${ms(median(cold))} | ≤ 2,000 ms |`,
  );
  console.log(`| full load in Chromium, warm (median of ${warm.length}) | ${ms(median(warm))} | ≤ 300 ms |`);
  console.log(
    `| the same until the first screen's charts are all interactive (built by ECharts), warm (median of ${warmInteractive.length}) | ${ms(median(warmInteractive))} | |`,
  );
  console.log(
    `| tile query over HTTP, warm: p50 / p95 (${warmTiles.length} requests) | ${ms(median(warmTiles))} / ${ms(p95(warmTiles))} | p95 ≤ 100 ms |`,
  );
  console.log(
    `| full load in Chromium, cold with the tile cache emptied (median of ${runs}) | ${ms(median(coldEmpty))} | |`,
  );
  console.log(
    `| then scrolled to the end, warm: all ${CHARTS.length} drawn (median of ${scrolled.length}) | ${ms(median(scrolled))} | |`,
  );
  console.log(
    `| reference: tile query, empty cache, one at a time: p50 / p95 / sum (${coldTiles.length}) | ${ms(median(coldTiles))} / ${ms(p95(coldTiles))} / ${ms(coldTiles.reduce((a, b) => a + b, 0))} | |`,
  );
  if (webBefore)
    console.log(
      `| the same with the web UI of BENCH_WEB_BEFORE (alternated): cold / warm / warm until interactive (medians of ${before.cold.length} / ${before.warm.length}) | ${ms(median(before.cold))} / ${ms(median(before.warm))} / ${ms(median(before.warmInteractive))} | |`,
    );
  console.log(
    `\n"Loaded": every tile's data in and the ${onScreen} tiles of the first screen (1440×900) drawn; the others draw when scrolled near.`,
  );
  console.log(
    `Runs: cold ${cold.map(ms).join(', ')}; cold, empty cache ${coldEmpty.map(ms).join(', ')}; warm ${warm.map(ms).join(', ')}; warm until interactive ${warmInteractive.map(ms).join(', ')}${webBefore ? `; BENCH_WEB_BEFORE cold ${before.cold.map(ms).join(', ')}, warm ${before.warm.map(ms).join(', ')}` : ''}.`,
  );
  console.log(
    failures.length
      ? `Loads with failed tiles (counted as settled): ${failures.length}. ${failures.slice(0, 3).join(' | ')}`
      : 'No tile failed.',
  );
  console.log(`Load average ${loadavg()[0].toFixed(1)} at the end (${cpus().length} cores, shared with other work).`);
} finally {
  await browser.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
