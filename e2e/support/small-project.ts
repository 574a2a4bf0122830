import type { BuildStarted } from '../../test/support/api-types.js';
import { waitForJobEnd, type TestServer } from '../../test/support/llano-server.js';
import { apiClient, receiverCsv, TREC_BY_ANTENNA_SQL } from './seed.js';

export const READER = { username: 'reader', password: 'reader-password-1' };

export interface SmallProject {
  key: string;
  dataset: string;
  recipe: string;
  output: string;
  scenario: string;
  jobId: string;
  runId: string;
  insight: string;
  dashboard: string;
  notebook: string;
  apiService: string;
  libraryFile: string;
}

/**
 * A project with one of each object (uploaded dataset, SQL recipe built once, scenario run
 * once, chart, dashboard) and a reader member, so a test can visit every page of the app with data on it.
 */
export async function seedSmallProject(server: TestServer, key = 'RECEIVER_QA'): Promise<SmallProject> {
  const api = apiClient(server.url, server.adminToken);
  await api.call('POST', '/api/projects', {
    key,
    name: 'Receiver QA',
    description: 'Antenna receiver temperatures from calibration scans',
    tags: ['qa'],
  });
  await api.upload(`/api/projects/${key}/datasets/receiver_temps/upload`, receiverCsv(500), 'receiver_temps.csv');
  await api.call('POST', `/api/projects/${key}/recipes`, {
    name: 'compute_trec_by_antenna',
    type: 'sql',
    inputs: ['receiver_temps'],
    output: 'trec_by_antenna',
    sql: TREC_BY_ANTENNA_SQL,
  });
  const build = await api.call<BuildStarted>('POST', `/api/projects/${key}/builds`, {
    targets: ['trec_by_antenna'],
    mode: 'required',
  });
  await waitForJobEnd(server, key, build.jobId);
  await api.call('POST', `/api/projects/${key}/scenarios`, {
    id: 'daily_refresh',
    name: 'Daily refresh',
    triggers: [{ type: 'time', dailyAt: '06:00', timezone: 'UTC' }],
    steps: [{ type: 'build', targets: ['trec_by_antenna'], mode: 'recursive' }],
    reporters: [],
  });
  const run = await api.call<{ runId: string }>('POST', `/api/projects/${key}/scenarios/daily_refresh/run`);
  await api.call('POST', `/api/projects/${key}/insights`, {
    id: 'trec_by_band',
    name: 'Mean Trec by band',
    type: 'chart',
    dataset: 'receiver_temps',
    chart: { kind: 'bar', x: { column: 'band' }, y: [{ column: 'trec_k', agg: 'avg' }] },
  });
  // A table taller than its tile, so the tile scrolls (a scrollable region must be reachable by keyboard).
  await api.call('POST', `/api/projects/${key}/insights`, {
    id: 'trec_rows',
    name: 'Receiver temperature rows',
    type: 'table',
    dataset: 'receiver_temps',
    table: { columns: ['antenna', 'band', 'trec_k'], limit: 50 },
  });
  await api.call('POST', `/api/projects/${key}/dashboards`, {
    id: 'receivers',
    name: 'Receivers',
    pages: [
      {
        title: 'Trec',
        tiles: [
          { insight: 'trec_by_band', x: 0, y: 0, w: 12, h: 6 },
          { insight: 'trec_rows', x: 0, y: 6, w: 6, h: 2 },
        ],
      },
    ],
    filters: [{ column: 'antenna', type: 'category' }],
  });
  await api.call('POST', `/api/projects/${key}/libraries`, { name: 'bands.py', content: 'HOT_BAND = 7\n' });
  // A notebook with an output of each kind, so its page is checked with them drawn.
  await api.call('POST', `/api/projects/${key}/notebooks`, {
    id: 'trec_notes',
    name: 'Trec notes',
    cells: [
      { type: 'markdown', source: '# Trec notes\n\nMedian receiver temperature per antenna.' },
      {
        type: 'sql',
        source: 'SELECT antenna, median(trec) AS trec FROM receiver_temps GROUP BY antenna',
        outputs: [
          {
            type: 'table',
            columns: [
              { name: 'antenna', type: 'VARCHAR' },
              { name: 'trec', type: 'DOUBLE' },
            ],
            rows: [
              ['DA41', 35.5],
              ['DA42', 36.1],
            ],
            total: 2,
          },
        ],
      },
      {
        type: 'python',
        source: "print('hello')\n1 / 0",
        executionCount: 1,
        outputs: [
          { type: 'text', text: 'hello\n', stream: 'stdout' },
          { type: 'error', name: 'ZeroDivisionError', message: 'division by zero', traceback: 'Traceback …' },
        ],
      },
      {
        type: 'typescript',
        source:
          "chart({ xAxis: { type: 'category', data: ['a', 'b'] }, yAxis: {}, series: [{ type: 'bar', data: [1, 2] }] })",
        executionCount: 1,
        outputs: [
          {
            type: 'chart',
            option: {
              xAxis: { type: 'category', data: ['a', 'b'] },
              yAxis: {},
              series: [{ type: 'bar', data: [1, 2] }],
            },
          },
        ],
      },
    ],
  });
  await api.call('POST', `/api/projects/${key}/api-services`, {
    id: 'trec',
    name: 'Receiver temperatures',
    endpoints: [
      {
        id: 'by-antenna',
        type: 'sql-query',
        sql: 'SELECT band, round(avg(trec_k), 2) AS mean_trec_k FROM receiver_temps WHERE antenna = :antenna GROUP BY band',
        parameters: [{ name: 'antenna', type: 'string' }],
        tests: [{ name: 'DA41', body: { antenna: 'DA41' } }],
      },
    ],
  });
  await api.call('POST', `/api/projects/${key}/api-services/trec/deploy`, {});
  await api.call('POST', '/api/users', READER);
  await api.call('PUT', `/api/projects/${key}/members/${READER.username}`, { role: 'reader' });
  return {
    key,
    dataset: 'receiver_temps',
    recipe: 'compute_trec_by_antenna',
    output: 'trec_by_antenna',
    scenario: 'daily_refresh',
    jobId: build.jobId,
    runId: run.runId,
    insight: 'trec_by_band',
    dashboard: 'receivers',
    notebook: 'trec_notes',
    apiService: 'trec',
    libraryFile: 'bands.py',
  };
}
