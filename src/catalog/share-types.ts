/**
 * A dashboard or webapp shared beyond the project's members: `with` is a username or
 * `group:NAME`; a viewer may open that one object (and, for a dashboard, its tiles' data) and
 * nothing else of the project. Node-free: the web UI imports it.
 */
export interface ObjectShare {
  with: string;
  role: 'viewer';
}

/**
 * One dashboard or webapp shared with the caller in a project they are not a member of
 * (`GET /api/shared`). `sharedBy` is who saved the revision that shares it.
 */
export interface SharedItem {
  project: string;
  projectName: string;
  kind: 'dashboard' | 'webapp';
  id: string;
  name: string;
  sharedBy?: string;
  updatedAt: string;
}
