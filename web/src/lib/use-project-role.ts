import { projectApi } from '../api/client';
import type { Project, ProjectRole } from '../api/types';
import { useApi } from './use-api';

const RANK: Record<ProjectRole, number> = { reader: 0, writer: 1, admin: 2 };

/**
 * Whether the signed-in user holds at least `role` in the project, so pages hide or disable what
 * the server would refuse; undefined while the project loads (show neither the action nor a
 * read-only notice yet).
 */
export function useProjectRole(projectKey: string, role: ProjectRole): boolean | undefined {
  const project = useApi<Project>(projectApi(projectKey));
  const mine = project.data?.role;
  return mine === undefined ? undefined : RANK[mine] >= RANK[role];
}
