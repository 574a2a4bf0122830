/**
 * A dashboard or webapp shared beyond the project's members: `with` is a username or
 * `group:NAME`; a viewer may open that one object (and, for a dashboard, its tiles' data) and
 * nothing else of the project. Node-free: the web UI imports it.
 */
export interface ObjectShare {
  with: string;
  role: 'viewer';
}
