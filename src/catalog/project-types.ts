/** Projects as the API returns them. Types only, so the web UI imports them too. */
import type { FineRight, ProjectRole } from './access.js';

export type { FineRight, ProjectRole };

export interface Project {
  key: string;
  name: string;
  description: string;
  tags: string[];
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  /** The caller's role (admins see `admin`). */
  role?: ProjectRole;
  /** The caller's fine rights in the project (writers and admins have them all), where one project is asked for. */
  rights?: FineRight[];
}

export interface Member {
  /** A username, or `group:NAME` for a group. */
  username: string;
  role: ProjectRole;
  /** Fine rights granted beyond the role (writers and admins have them all anyway). */
  rights: FineRight[];
  kind: 'user' | 'group';
}
