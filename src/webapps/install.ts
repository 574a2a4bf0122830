import { registerHistoryKind } from '../flow/history.js';
import { registerProjectWorkStopper } from '../workspace/projects-service.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import { stopWebappProcesses } from './webapp-processes.js';
import { saveWebapp, WEBAPP_KIND } from './webapps-service.js';

/** Deleting a project stops its webapps' processes first (nothing of it may keep running). */
const webappStopper = workspaceSlot('webapps.project-stopper', (ws) => ({
  stop: async (projectKey: string) => {
    const apps = await ws.catalog.objects.list(projectKey, WEBAPP_KIND);
    await Promise.all(apps.map((a) => stopWebappProcesses(ws, projectKey, a.name, 'stopped: project deleted')));
  },
  resume: () => {},
}));

/** Webapps get history and revert, through the same validation as an edit. */
export function installWebapps(ws: Workspace): void {
  registerHistoryKind(ws, WEBAPP_KIND, saveWebapp);
  registerProjectWorkStopper(ws, webappStopper(ws));
}
