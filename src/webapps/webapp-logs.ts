import { workspaceSlot, type Workspace } from '../workspace/workspace.js';
import type { WebappLogLine } from './webapp-types.js';

/** Lines kept per webapp: enough to see the last failures, never a memory leak. */
export const WEBAPP_LOG_LINES = 500;

/** The newest log lines of each webapp's backend or Python process, by `KEY/id` (this server's only). */
const logs = workspaceSlot('webapps.logs', () => new Map<string, WebappLogLine[]>());

const keyOf = (projectKey: string, id: string) => `${projectKey}/${id}`;

export function appendWebappLog(
  ws: Workspace,
  projectKey: string,
  id: string,
  stream: WebappLogLine['stream'],
  line: string,
): void {
  const all = logs(ws);
  const key = keyOf(projectKey, id);
  const lines = all.get(key) ?? [];
  lines.push({ at: new Date().toISOString(), stream, line });
  if (lines.length > WEBAPP_LOG_LINES) lines.splice(0, lines.length - WEBAPP_LOG_LINES);
  all.set(key, lines);
}

export function webappLogLines(ws: Workspace, projectKey: string, id: string): WebappLogLine[] {
  return [...(logs(ws).get(keyOf(projectKey, id)) ?? [])];
}

export function forgetWebappLogs(ws: Workspace, projectKey: string, id: string): void {
  logs(ws).delete(keyOf(projectKey, id));
}
