import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebIfStale } from '../bin/build-web-if-needed.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../test/support/llano-server.js';
import { a11yViolations, overflowX, seriousOnes, type A11yViolation } from './support/a11y.js';
import { launchBrowser, logIn, type TestBrowser } from './support/browser.js';
import { apiClient } from './support/seed.js';
import { READER, seedSmallProject, type SmallProject } from './support/small-project.js';

/**
 * Every route of the app, at a laptop and at a phone size: no accessibility violation (axe's
 * WCAG 2.1 A/AA and best-practice rules, any impact), and nothing wider than the window.
 */
const SIZES = [
  { name: 'laptop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];

function routes(p: SmallProject): string[] {
  const P = `/projects/${p.key}`;
  return [
    '/',
    '/monitoring',
    '/monitoring/daily',
    '/monitoring/triggers',
    '/monitoring/reporters',
    '/admin/users',
    '/admin/groups',
    '/admin/audit',
    '/account',
    '/no/such/page',
    P,
    `${P}/flow`,
    `${P}/datasets`,
    `${P}/datasets/${p.dataset}`,
    `${P}/datasets/${p.dataset}/schema`,
    `${P}/datasets/${p.dataset}/stats`,
    `${P}/datasets/${p.dataset}/versions`,
    `${P}/datasets/${p.dataset}/partitions`,
    `${P}/datasets/${p.dataset}/quality`,
    `${P}/datasets/${p.dataset}/history`,
    `${P}/recipes`,
    `${P}/recipes/${p.recipe}`,
    `${P}/recipes/new`,
    `${P}/recipes/new?type=prepare`,
    `${P}/recipes/new?type=group`,
    `${P}/recipes/new?type=changepoints`,
    `${P}/dashboards`,
    `${P}/dashboards/${p.dashboard}`,
    `/shared/${p.key}/dashboards/${p.dashboard}`,
    `${P}/insights/${p.insight}`,
    `${P}/webapps`,
    `${P}/webapps/explorer`,
    `${P}/api-services`,
    `${P}/api-services/${p.apiService}`,
    `${P}/insights/new?dataset=${p.dataset}`,
    `${P}/insights/new`,
    `${P}/insights/new?type=table`,
    `${P}/notebooks`,
    `${P}/notebooks/${p.notebook}`,
    `${P}/libraries`,
    `${P}/libraries/${p.libraryFile}`,
    `${P}/jobs`,
    `${P}/jobs/${p.jobId}`,
    `${P}/scenarios`,
    `${P}/scenarios/${p.scenario}`,
    `${P}/scenarios/${p.scenario}/runs`,
    `${P}/scenarios/${p.scenario}/history`,
    `${P}/history/recipe/${p.recipe}`,
    `${P}/connections`,
    `${P}/members`,
    `${P}/api-keys`,
    `${P}/settings`,
    `${P}/wiki`,
    `${P}/wiki/ops/shifts`,
    `${P}/discussions`,
    `${P}/datasets/${p.dataset}/discussion`,
    '/search?q=receiver',
    '/notifications',
    '/shared',
    `${P}/timeline`,
    `${P}/no-such-section`,
    // The HTTP API's own page (served by the server, not the app).
    '/api/docs',
  ];
}

const LONG_COMMENT = (open: string, close: string) =>
  Array.from({ length: 150 }, (_, i) => `${open} line ${i + 1} ${close}`).join('\n');

function readerRoutes(p: SmallProject): string[] {
  const P = `/projects/${p.key}`;
  return [
    P,
    `${P}/datasets/${p.dataset}`,
    `${P}/dashboards/${p.dashboard}`,
    `${P}/flow`,
    `${P}/recipes/${p.recipe}`,
    // Its code in a read-only editor, which must still be reachable by keyboard.
    `${P}/webapps/explorer`,
  ];
}

describe('web UI: every route, at 1440×900 and 390×844', () => {
  let server: TestServer;
  let project: SmallProject;

  beforeAll(async () => {
    await buildWebIfStale({ quiet: true });
    server = await startTestServer();
    project = await seedSmallProject(server);
    await apiClient(server.url, server.adminToken).call('POST', `/api/projects/${project.key}/webapps`, {
      id: 'explorer',
      name: 'Explorer',
      // Longer than its editor, so the code scrolls (a scrollable region must be reachable by keyboard).
      files: {
        'index.html': `<!doctype html><title>Explorer</title><h1>Explorer</h1>\n${LONG_COMMENT('<!--', '-->')}`,
        'backend.ts': LONG_COMMENT('/*', '*/'),
      },
    });
    // A wiki page with links in its text and in a list, and a discussion, for the collaboration pages.
    const wiki = `/api/projects/${project.key}/wiki/ops%2Fshifts`;
    const body = {
      content: `# Shifts\n\nNight data: [[dataset:${project.dataset}]]\n\n- the night's [[dataset:${project.dataset}]] rows\n- and the [[dataset:${project.output}]] summary`,
    };
    await server.call('PUT', wiki, { token: server.adminToken, body });
    const thread = { object: `dataset:${project.dataset}`, title: 'Cold load', message: 'Is **DA41** ok?' };
    await server.call('POST', `/api/projects/${project.key}/discussions`, { token: server.adminToken, body: thread });
    const api = apiClient(server.url, server.adminToken);
    const P = `/api/projects/${project.key}`;
    // Code with every kind of token (regular expressions and escapes were drawn at 3.3:1 contrast).
    const notebook = await api.call<{ cells: unknown[] }>('GET', `${P}/notebooks/${project.notebook}`);
    await api.call('PUT', `${P}/notebooks/${project.notebook}`, {
      id: project.notebook,
      name: 'Trec notes',
      cells: [
        ...notebook.cells,
        { type: 'python', source: 'import re\nANTENNA = re.compile(r"DA\\d+")  # pads\nprint(f"{ANTENNA!r}\\n")' },
        { type: 'typescript', source: 'const antenna = /DA\\d+/g; // pads\nconst x = `${1}\\t` + true + null;' },
      ],
    });
    // SQL longer than its editor, which then scrolls (and must be reachable by keyboard).
    const recipe = await api.call<Record<string, unknown>>('GET', `${P}/recipes/${project.recipe}`);
    await api.call('PUT', `${P}/recipes/${project.recipe}`, {
      name: recipe.name,
      type: recipe.type,
      inputs: recipe.inputs,
      output: recipe.output,
      sql: `${String(recipe.sql)}\n${LONG_COMMENT('/*', '*/')}`,
    });
    // A partitioned dataset: its Partitions tab has a table (wider than a phone).
    await api.call('PUT', `${P}/datasets/${project.dataset}/partitioning`, {
      dimensions: [{ name: 'band', type: 'discrete', column: 'band' }],
    });
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
  });

  for (const size of SIZES) {
    it(`has no serious accessibility violation and nothing wider than the window (${size.name})`, async () => {
      const b: TestBrowser = await launchBrowser(server.url, { width: size.width, height: size.height });
      const found: { url: string; violations: A11yViolation[]; overflow: { extra: number; widest: string } }[] = [];
      try {
        const { page } = b;
        const check = async (url: string) => {
          await page.goto(url);
          // The shell (or the login form) is there, then the page's lazy code and data.
          await page
            .locator('#main, form, main#operations')
            .first()
            .waitFor()
            .catch((error: Error) => {
              throw new Error(`${url}: the page did not show (${b.pageErrors.join('; ') || error.message})`);
            });
          // Lazy pages and their data: wait until nothing says it is loading.
          await page.waitForLoadState('networkidle');
          await page
            .locator('.loading-block')
            .first()
            .waitFor({ state: 'detached', timeout: 15_000 })
            .catch(() => {});
          found.push({ url, violations: await a11yViolations(page), overflow: await overflowX(page) });
        };
        await check('/login');
        await logIn(page, 'admin', ADMIN_PASSWORD);
        for (const url of routes(project)) await check(url);
        // A reader sees other controls (read-only tags, no editing buttons): the pages a reader opens most.
        await page.context().clearCookies();
        await logIn(page, READER.username, READER.password);
        for (const url of readerRoutes(project)) await check(url);
      } finally {
        await b.close();
      }
      const report = found
        .filter((f) => f.violations.length || f.overflow.extra)
        .map(
          (f) =>
            `${f.url}${f.overflow.extra ? ` [${f.overflow.extra}px too wide: ${f.overflow.widest}]` : ''}\n` +
            f.violations.map((v) => `  ${v.impact} ${v.id} ×${v.count}: ${v.targets.join(' | ')}`).join('\n'),
        );
      console.log(`${size.name}: ${found.length} pages\n${report.join('\n')}`);
      expect(b.pageErrors).toEqual([]);
      // None at all since session 32 (the last two were moderate heading-order ones): keep it so.
      expect(found.filter((f) => f.violations.length).map((f) => f.url)).toEqual([]);
      expect(found.filter((f) => seriousOnes(f.violations).length).map((f) => f.url)).toEqual([]);
      expect(found.filter((f) => f.overflow.extra > 0).map((f) => f.url)).toEqual([]);
    }, 600_000);
  }
});
