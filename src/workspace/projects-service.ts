import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Principal } from '../catalog/access.js';
import type { Project } from '../catalog/projects.js';
import type { Workspace } from './workspace.js';

/** One project the caller may read (404 for non-members). */
export async function getProject(ws: Workspace, principal: Principal, key: string): Promise<Project> {
  return ws.catalog.projects.authorize(principal, key, 'reader');
}

/** Deletes a project and everything in it, its managed data included (project admin). */
export async function deleteProject(ws: Workspace, principal: Principal, key: string): Promise<void> {
  await ws.catalog.projects.delete(principal, key);
  // The key was validated by delete, so it names a folder under data/.
  await rm(path.join(ws.config.home, 'data', key), { recursive: true, force: true });
}
