import type { Principal } from '../catalog/access.js';
import { badRequest } from '../common/errors.js';
import { newTimeId, nowIso } from '../common/ids.js';
import {
  getCodeEnvironment,
  saveCodeEnvironment,
  packagesRequest,
  packagesStatus,
  type CodeEnvironment,
} from '../recipes/code/code-environments.js';
import { buildPackages } from '../recipes/code/package-builds.js';
import { HOST } from '../workspace/process-liveness.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import { JobStore } from './jobs.js';

/**
 * Building a code environment's virtual environment or R library is a job of the project (kind
 * `code-environment`, target the environment's name) whose log holds what venv and pip, or R, print:
 * it shows in the jobs list and `…/jobs/{id}/logs` like a build's.
 */
export const ENVIRONMENT_JOB_KIND = 'code-environment';

/** Jobs of environment builds this process runs, stamped like builds so other servers leave them be. */
const runningJobs = workspaceSlot('flow.environment-jobs', () => new Set<string>());
const heartbeat = workspaceSlot(
  'flow.environment-heartbeat',
  (ws: Workspace) =>
    ws.liveness.heartbeat(
      () => [...runningJobs(ws)],
      (ids, at) => new JobStore(ws).heartbeat(ids, at),
    ),
  async (beat) => {
    beat.stop();
    await beat.flush();
  },
);

/** Starts the build of the environment's venv or R library as a job; answers the job's id (the build goes on after). */
export async function startEnvironmentBuild(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  name: string,
  options: { force?: boolean } = {},
): Promise<{ jobId: string }> {
  await ws.catalog.projects.authorize(principal, projectKey, 'writer');
  const env = (await ws.catalog.objects.require<CodeEnvironment>(projectKey, 'code-environment', name)).body;
  const request = packagesRequest(projectKey, env);
  if (!request)
    throw badRequest(
      `Code environment ${name} uses the machine's packages: set python.venv (Python) or r.library (R) to true to give it packages of its own`,
    );
  const jobId = newTimeId();
  await ws.catalog.db
    .insertInto('jobs')
    .values({
      id: jobId,
      project_key: projectKey,
      kind: ENVIRONMENT_JOB_KIND,
      status: 'queued',
      mode: 'only',
      targets: JSON.stringify([name]),
      created_by: principal.username,
      created_at: nowIso(),
      started_at: null,
      ended_at: null,
      error: null,
      owner: ws.processId,
      owner_host: HOST,
      heartbeat_at: ws.liveness.nowIso(),
    })
    .execute();
  const jobs = new JobStore(ws);
  runningJobs(ws).add(jobId);
  heartbeat(ws).ensure();
  // Log lines are written in order, one after the other.
  let logged: Promise<unknown> = Promise.resolve();
  const log = (line: string) => {
    logged = logged.then(() => jobs.log(projectKey, jobId, 'info', line)).catch(() => undefined);
  };
  void (async () => {
    try {
      await jobs.setStatus(projectKey, jobId, 'running');
      const state = await buildPackages(ws, request, log, options);
      await logged;
      if (state.status === 'ready') await jobs.setStatus(projectKey, jobId, 'succeeded');
      else {
        await jobs.log(projectKey, jobId, 'error', state.error ?? 'The build failed');
        await jobs.setStatus(projectKey, jobId, 'failed', state.error ?? 'The build failed');
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await jobs.setStatus(projectKey, jobId, 'failed', message).catch(() => undefined);
    } finally {
      runningJobs(ws).delete(jobId);
    }
  })();
  return { jobId };
}

/**
 * Saves a code environment (like `saveCodeEnvironment`) and, when it asks for a virtual
 * environment or R library not yet built from its requirements, starts that build: the answer names its job.
 */
export async function saveEnvironmentAndBuild(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  input: unknown,
  options: { expectRevision?: number } = {},
) {
  const saved = await saveCodeEnvironment(ws, principal, projectKey, input, options);
  const request = packagesRequest(projectKey, saved);
  if (!request || packagesStatus(ws, request).status !== 'not built') return saved;
  const { jobId } = await startEnvironmentBuild(ws, principal, projectKey, saved.name);
  return { ...(await getCodeEnvironment(ws, principal, projectKey, saved.name)), buildJobId: jobId };
}
