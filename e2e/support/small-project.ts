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
  apiService: string;
}

/**
 * A project with one of each object (uploaded dataset, SQL recipe built once, scenario run
 * once) and a reader member, so a test can visit every page of the app with data on it.
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
    apiService: 'trec',
  };
}
