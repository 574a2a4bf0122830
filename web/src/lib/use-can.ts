import { useOutletContext } from 'react-router-dom';
import type { FineRight, Project, ProjectRole } from '../api/types';
import { useAuth } from '../auth';

/** What a project role allows: reading, changing objects and running builds, managing the project. */
export type ProjectAction = 'write' | 'admin';

const NEEDS: Record<ProjectAction, ProjectRole> = { write: 'writer', admin: 'admin' };
const RANK: Record<ProjectRole, number> = { reader: 0, writer: 1, admin: 2 };

export interface Can {
  /** undefined while the project (with the caller's role) loads. */
  ok: boolean | undefined;
  /** Why not, in words a user can act on; undefined when allowed or still loading. */
  reason: string | undefined;
}

/**
 * Whether the signed-in user may do `action` in the current project, and if not why, so a
 * page can disable or hide the control with the reason instead of failing after the click.
 * The project comes from the project layout (outlet context), which has already loaded it.
 */
export function useCan(action: ProjectAction): Can {
  const mine = useOutletContext<Project | undefined>()?.role;
  if (mine === undefined) return { ok: undefined, reason: undefined };
  const needed = NEEDS[action];
  if (RANK[mine] >= RANK[needed]) return { ok: true, reason: undefined };
  return { ok: false, reason: `Needs the ${needed} role in this project; you are a ${mine}.` };
}

/**
 * Whether the signed-in user has the fine right `right` in the current project (writers and
 * admins have every one; a reader has those a project admin granted), and if not why.
 */
export function useRight(right: FineRight): Can {
  const project = useOutletContext<Project | undefined>();
  const mine = project?.role;
  if (mine === undefined) return { ok: undefined, reason: undefined };
  // The server says which rights the caller has (its role's and those granted): not derived here.
  if (project?.rights?.includes(right)) return { ok: true, reason: undefined };
  return {
    ok: false,
    reason: `Needs the ${right} right in this project, which writers and admins have; you are a ${mine} without it (a project admin can grant it).`,
  };
}

/** Creating and importing projects, as the server's LLANO_PROJECT_CREATORS allows this user. */
export function useCanCreateProjects(): Can {
  const { me } = useAuth();
  if (me?.canCreateProjects === false)
    return { ok: false, reason: 'An admin has limited who may create projects here: ask one to create it and add you' };
  return { ok: me ? true : undefined, reason: undefined };
}
