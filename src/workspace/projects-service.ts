import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Principal } from '../catalog/access.js';
import type { NewProjectSchema, Project } from '../catalog/projects.js';
import { forbidden } from '../common/errors.js';
import type { z } from 'zod';
import { workspaceSlot, type Workspace } from './workspace.js';

/** One project the caller may read (404 for non-members). */
export async function getProject(ws: Workspace, principal: Principal, key: string): Promise<Project> {
  return ws.catalog.projects.authorize(principal, key, 'reader');
}

/**
 * Whether the caller may create (or import) projects, as LLANO_PROJECT_CREATORS says: everyone
 * signed in, admins only, or members of the groups it names. Global admins always may.
 */
export async function mayCreateProjects(ws: Workspace, principal: Principal): Promise<boolean> {
  if (principal.isAdmin || ws.config.projectCreators.includes('everyone')) return true;
  const groups = creatorGroups(ws);
  if (groups.length === 0) return false;
  const mine = await ws.catalog.groups.groupsOf(principal.username);
  return mine.some((g) => groups.includes(g));
}

/** The groups LLANO_PROJECT_CREATORS names (`group:ops` → `ops`). */
const creatorGroups = (ws: Workspace) =>
  ws.config.projectCreators.filter((a) => a.startsWith('group:')).map((a) => a.slice('group:'.length));

/** 403 unless the caller may create projects, naming who may. */
export async function requireProjectCreator(ws: Workspace, principal: Principal): Promise<void> {
  if (await mayCreateProjects(ws, principal)) return;
  const groups = creatorGroups(ws);
  throw forbidden(
    `Only ${groups.length ? `admins and members of ${groups.join(', ')}` : 'admins'} may create projects here (LLANO_PROJECT_CREATORS); ask an admin to create it and add you`,
  );
}

/** Creates a project, the caller its admin (403 when they may not create projects). */
export async function createProject(
  ws: Workspace,
  principal: Principal,
  input: z.input<typeof NewProjectSchema>,
): Promise<Project> {
  await requireProjectCreator(ws, principal);
  return ws.catalog.projects.create(principal, input);
}

/**
 * How a capability that runs work of a project (builds, scenario runs) takes part in deleting
 * it: `stop` ends the project's running and queued work in this process and waits for it, and
 * refuses new work, so that nothing written after the delete outlives it; `resume` accepts work
 * again once the delete is over (whether it succeeded or not). Registered by the composition
 * root, since the capabilities sit above this layer.
 */
export interface ProjectWorkStopper {
  stop(projectKey: string): Promise<void>;
  resume(projectKey: string): void;
}

const stoppers = workspaceSlot('workspace.project-work-stoppers', () => [] as ProjectWorkStopper[]);

export function registerProjectWorkStopper(ws: Workspace, stopper: ProjectWorkStopper): void {
  if (!stoppers(ws).includes(stopper)) stoppers(ws).push(stopper);
}

/**
 * Deletes a project and everything that belongs to it (project admin): its running work is
 * stopped first, then its catalog rows go in one transaction (objects, history, versions, jobs
 * and their logs, scenario runs, trigger state, metrics, check results, members), then its
 * files under data/<key>, and listeners drop what they keep in memory about it
 * (`projectDeleted`). Whoever creates the key again starts from nothing.
 */
export async function deleteProject(ws: Workspace, principal: Principal, key: string): Promise<void> {
  await ws.catalog.projects.authorize(principal, key, 'admin');
  const registered = [...stoppers(ws)];
  try {
    for (const s of registered) await s.stop(key);
    await ws.catalog.projects.delete(principal, key);
    // The key was validated by authorize, so it names a folder under data/.
    await rm(path.join(ws.config.home, 'data', key), { recursive: true, force: true });
    ws.events.emit('projectDeleted', { projectKey: key });
  } finally {
    for (const s of registered) s.resume(key);
  }
}
