import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Workspace } from '../workspace/workspace.js';
import type { Webapp, WebappLimits } from './webapp-types.js';

/** What a webapp's process may use unless its `limits` say otherwise (never more than the workspace's LLANO_CODE_*). */
export const DEFAULT_WEBAPP_LIMITS: Required<WebappLimits> = { timeoutSeconds: 30, memoryMb: 256, idleSeconds: 300 };

export const webappLimits = (webapp: Webapp): Required<WebappLimits> => ({
  ...DEFAULT_WEBAPP_LIMITS,
  ...webapp.limits,
});

/** The folder of one webapp's processes on this server: `tmp/<process>/webapps/KEY/id`. */
export const webappRunRoot = (ws: Workspace, projectKey: string, id: string) =>
  path.join(ws.tmpDir, 'webapps', projectKey, id);

/**
 * Writes a webapp's files into a fresh folder for one process (a revision and a viewer): the
 * process may write there and nowhere else, and never sees another webapp's or viewer's folder.
 */
export async function writeWebappFiles(dir: string, webapp: Webapp): Promise<void> {
  // Overwritten, not emptied first: a process of the same revision may be starting from it (same content).
  await mkdir(dir, { recursive: true });
  // Names were checked on save (webapp-limits.ts): relative, no `..`.
  for (const [name, content] of Object.entries(webapp.files)) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}
