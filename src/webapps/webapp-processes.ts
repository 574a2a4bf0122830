import type { Workspace } from '../workspace/workspace.js';
import { stopBackends } from './webapp-backend.js';
import { appendWebappLog } from './webapp-logs.js';
import { stopPythonApp } from './webapp-python.js';

/** Stops a webapp's backend and Python processes (after a save or delete: the next request starts the new revision). */
export async function stopWebappProcesses(ws: Workspace, projectKey: string, id: string, why: string): Promise<void> {
  await Promise.all([stopBackends(ws, projectKey, id), stopPythonApp(ws, projectKey, id)]);
  appendWebappLog(ws, projectKey, id, 'llano', `webapp ${why}`);
}
