import type { Generated } from 'kysely';

/**
 * Catalog tables as Kysely sees them. Times are ISO-8601 text and JSON is text in both
 * SQLite and PostgreSQL, so one code path serves both databases.
 */
export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  display_name: string | null;
  email: string | null;
  is_admin: number;
  created_at: string;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
}

export interface ApiKeysTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  token_prefix: string;
  created_at: string;
  last_used_at: string | null;
}

export interface ProjectsTable {
  key: string;
  name: string;
  description: string;
  tags: string;
  created_at: string;
  created_by: string;
  updated_at: string;
}

export interface MembersTable {
  project_key: string;
  username: string;
  role: string;
}

/** Every typed object of a project (dataset, recipe, connection, scenario…), current state. */
export interface ObjectsTable {
  project_key: string;
  kind: string;
  name: string;
  body: string;
  revision: number;
  updated_at: string;
  updated_by: string;
}

/** Append-only history: one row per change of an object, with its full JSON. */
export interface RevisionsTable {
  id: Generated<number>;
  project_key: string;
  kind: string;
  name: string;
  revision: number;
  action: string;
  body: string | null;
  author: string;
  created_at: string;
}

export interface DatasetVersionsTable {
  id: string;
  project_key: string;
  dataset: string;
  seq: number;
  status: string;
  location: string;
  row_count: number | null;
  content_hash: string | null;
  columns: string | null;
  /** What produced it: recipe signature and input version ids, used to judge staleness. */
  lineage: string | null;
  job_id: string | null;
  created_at: string;
}

export interface DatasetStateTable {
  project_key: string;
  dataset: string;
  current_version: string;
}

export interface JobsTable {
  id: string;
  project_key: string;
  kind: string;
  status: string;
  mode: string;
  targets: string;
  created_by: string;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  error: string | null;
  owner: string | null;
}

export interface JobActivitiesTable {
  job_id: string;
  idx: number;
  recipe: string;
  output: string;
  status: string;
  started_at: string | null;
  ended_at: string | null;
  rows: number | null;
  error: string | null;
}

export interface JobLogsTable {
  id: Generated<number>;
  job_id: string;
  ts: string;
  level: string;
  message: string;
}

export interface CatalogTables {
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  projects: ProjectsTable;
  members: MembersTable;
  objects: ObjectsTable;
  revisions: RevisionsTable;
  dataset_versions: DatasetVersionsTable;
  dataset_state: DatasetStateTable;
  jobs: JobsTable;
  job_activities: JobActivitiesTable;
  job_logs: JobLogsTable;
}
