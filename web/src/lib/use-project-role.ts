import { useOutletContext } from 'react-router-dom';
import type { Project, ProjectRole } from '../api/types';

const RANK: Record<ProjectRole, number> = { reader: 0, writer: 1, admin: 2 };

/**
 * Whether the signed-in user holds at least `role` in the project, so pages hide or disable what
 * the server would refuse; undefined while the project loads (show neither the action nor a
 * read-only notice yet). The project comes from the project layout, which has already loaded it.
 */
export function useProjectRole(role: ProjectRole): boolean | undefined {
  const mine = useOutletContext<Project | undefined>()?.role;
  return mine === undefined ? undefined : RANK[mine] >= RANK[role];
}
