import { randomBytes } from 'node:crypto';
import { SCENARIO_KIND } from '../automation/kinds.js';
import { saveVariables, VARIABLES_KIND } from '../automation/project-variables.js';
import { recoverInterruptedWork } from '../automation/recovery.js';
import { eachScenarioSecret, redactStoredScenario } from '../automation/scenario-secrets.js';
import { CONNECTION_KIND, eachConnectionSecret } from '../datasets/connections.js';
import { saveScenario } from '../automation/scenarios-service.js';
import { startScheduler, stopScheduler, type Scheduler, type SchedulerOptions } from '../automation/scheduler.js';
import { installSystemDatasets } from '../automation/system-datasets.js';
import { withCatalogLock } from '../catalog/catalog-lock.js';
import type { Config } from '../common/config.js';
import { registerHistoryKind } from '../flow/history.js';
import { installQuality } from '../quality/build-validator.js';
import { installInsights } from '../insights/install.js';
import { installWebapps } from '../webapps/install.js';
import { installNotebooks } from '../notebooks/install.js';
import { fillSearchIndexIfEmpty, installCollab } from '../collab/install.js';
import { installApiServices } from '../api-services/install.js';
import { Automation } from '../automation/automation.js';
import { projectBuildStopper } from '../flow/build.js';
import { registerProjectWorkStopper } from '../workspace/projects-service.js';
import { Workspace, workspaceSlot } from '../workspace/workspace.js';
import { receiveRunEvents, shareJobEvents } from './share-events.js';
import { sweepLeftovers } from '../workspace/leftovers.js';

/**
 * The composition root: the one place that plugs the capabilities (automation, quality) into
 * the layers below them and brings a workspace up. Lower layers expose registries on the
 * workspace and never import upward to wire themselves; `serve`, the CLI's in-process client
 * and the tests all start workspaces through here.
 */

/**
 * Fills the registries of `ws`: scenario, variable and quality-settings history (a revert goes
 * through the same validation as an edit), post-build quality checks, the run and check tables
 * as system datasets. Idempotent.
 */
export function installCapabilities(ws: Workspace): void {
  // Secrets are encrypted in the catalog where these say they are (read back whatever the kind).
  ws.catalog.objects.declareSecrets(CONNECTION_KIND, eachConnectionSecret);
  ws.catalog.objects.declareSecrets(SCENARIO_KIND, eachScenarioSecret);
  registerHistoryKind(ws, SCENARIO_KIND, saveScenario, redactStoredScenario);
  registerHistoryKind(ws, VARIABLES_KIND, saveVariables);
  installQuality(ws);
  installInsights(ws);
  installWebapps(ws);
  installNotebooks(ws);
  installCollab(ws);
  installApiServices(ws);
  installSystemDatasets(ws);
  // Deleting a project stops its builds and scenario runs first (their writes must not outlive it).
  registerProjectWorkStopper(ws, projectBuildStopper(ws));
  registerProjectWorkStopper(ws, projectRunStopper(ws));
  shareJobEvents(ws);
}

const projectRunStopper = workspaceSlot('app.project-run-stopper', (ws) => ({
  stop: (projectKey: string) => Automation.of(ws).stopProject(projectKey),
  resume: (projectKey: string) => Automation.of(ws).resumeProject(projectKey),
}));

export interface BootReport {
  /** True when this start created the `admin` user of a fresh workspace. */
  adminCreated: boolean;
  /** The password generated for that `admin`, to print once; null when none was generated (LLANO_ADMIN_PASSWORD chose it, or no admin was created). */
  adminPassword: string | null;
  interruptedJobs: number;
  interruptedVersions: number;
  interruptedRuns: number;
  /** Projects whose import died with its process, deleted. */
  interruptedImports: number;
}

export interface BootOptions {
  /**
   * Finish off work that processes now gone left open (default true). `serve` does; the CLI's
   * commands on a local workspace do not: a `dataset head` should neither pay for it nor send
   * the failure reports of someone else's runs. The next `serve` recovers.
   */
  recover?: boolean;
}

/**
 * What a server does once at start on an open workspace: install the capabilities, finish off
 * work a crashed process left behind, and on a fresh workspace create the `admin` user
 * (password from LLANO_ADMIN_PASSWORD or generated). Whoever calls it shows `adminPassword`.
 */
export async function bootstrapWorkspace(ws: Workspace, options: BootOptions = {}): Promise<BootReport> {
  // Builds and scenario runs of processes that are gone (a dead pid here, a stale heartbeat from
  // any host) fail as interrupted; failure reporters of the runs fire, so capabilities come first.
  installCapabilities(ws);
  const { interruptedJobs, interruptedVersions, interruptedRuns, interruptedImports } =
    options.recover === false
      ? { interruptedJobs: 0, interruptedVersions: 0, interruptedRuns: 0, interruptedImports: 0 }
      : await recoverInterruptedWork(ws);
  // Scratch and temporary files of processes that are gone (older than any live work): start-up sweep.
  if (options.recover !== false) await sweepLeftovers(ws);
  // Secrets saved before they were encrypted (objects and revisions) are encrypted once; servers take turns.
  if (options.recover !== false)
    await withCatalogLock(ws.catalog.db, ws.catalog.dialect, 'llano.seal-secrets', () =>
      ws.catalog.objects.sealStoredSecrets(),
    );
  // A catalog from before the search index gets it filled once.
  await fillSearchIndexIfEmpty(ws);
  // Servers starting together on an empty catalog take turns here: the first creates `admin`, and
  // only it shows the password (when it generated one); the others find a user and go on.
  const admin = await withCatalogLock(ws.catalog.db, ws.catalog.dialect, 'llano.bootstrap', async () => {
    if ((await ws.catalog.users.count()) > 0) return null;
    const generated = ws.config.adminPassword === undefined;
    const password = ws.config.adminPassword ?? randomBytes(12).toString('base64url');
    const created = await ws.catalog.users.createIfAbsent({
      username: 'admin',
      password,
      isAdmin: true,
      displayName: 'Administrator',
    });
    return created ? { password: generated ? password : null } : null;
  });
  return {
    adminCreated: admin !== null,
    adminPassword: admin?.password ?? null,
    interruptedJobs,
    interruptedVersions,
    interruptedRuns,
    interruptedImports,
  };
}

export interface StartedWorkspace {
  ws: Workspace;
  boot: BootReport;
  /** Starts firing this workspace's scenarios (`llano serve`, once it listens). */
  startScheduler(options?: SchedulerOptions): Promise<Scheduler>;
  /** Stops the scheduler, if started: runs in progress end as ABORTED (recorded, reporters sent). */
  stopScheduler(): Promise<void>;
  /** Stops the scheduler and closes the workspace (a property, so callers may destructure it). */
  close: () => Promise<void>;
}

/** Opens the workspace of `config` and bootstraps it; a server then starts its scheduler. */
export async function startWorkspace(config: Config, options: BootOptions = {}): Promise<StartedWorkspace> {
  const ws = await Workspace.open(config);
  let boot: BootReport;
  try {
    boot = await bootstrapWorkspace(ws, options);
  } catch (error) {
    await ws.close().catch(() => undefined);
    throw error;
  }
  let scheduler: Scheduler | null = null;
  let stopReceiving: () => void = () => undefined;
  const stop = async () => {
    const running = scheduler;
    scheduler = null;
    stopReceiving();
    if (running) await stopScheduler(running);
  };
  return {
    ws,
    boot,
    async startScheduler(options = {}) {
      await stop();
      scheduler = await startScheduler(ws, options);
      stopReceiving = receiveRunEvents(ws);
      return scheduler;
    },
    stopScheduler: stop,
    async close() {
      await stop();
      await ws.close();
    },
  };
}
