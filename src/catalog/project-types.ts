/** Projects as the API returns them. Types only, so the web UI imports them too. */
import type { ProjectRole } from './access.js';

export type { ProjectRole };

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
}

export interface Member {
  username: string;
  role: ProjectRole;
}
