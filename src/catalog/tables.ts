import type { Generated } from 'kysely';
import type { ProjectRole } from './access.js';
import type {
  DiscussionMessagesTable,
  DiscussionsTable,
  NotificationsTable,
  ObjectTagsTable,
  SearchIndexTable,
  WikiAttachmentsTable,
} from './collab-tables.js';
import type {
  ActivityStatus,
  CheckOutcome,
  JobStatus,
  RunOutcome,
  StepOutcome,
  TriggerFireStatus,
  VersionStatus,
} from './statuses.js';

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
  /** 1: the user cannot log in and has no sessions or API keys (see `UserStore.update`). */
  disabled: Generated<number>;
  /** `issuer|sub` of a user who signs in through OpenID Connect (null for local accounts). */
  oidc_subject: Generated<string | null>;
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
  /** JSON array of `ApiKeyScope`. */
  scopes: Generated<string>;
  expires_at: Generated<string | null>;
  /** A project key's project (null: a personal key, acting as its user). */
  project_key: Generated<string | null>;
  /** A project key's role in its project. */
  role: Generated<ProjectRole | null>;
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

/**
 * A project being imported, and by which process: a project whose import never finished (its
 * process died) is deleted by recovery. The key is the primary key, so two imports of one key
 * (two requests, two servers) cannot both go ahead.
 */
export interface ProjectImportsTable {
  /** The project key being imported (not `project_key`: the row is a claim on a key, not a project's row). */
  key: string;
  owner: string;
  owner_host: string;
  started_at: string;
  heartbeat_at: string;
}

export interface MembersTable {
  project_key: string;
  /** A username, or `group:NAME` for a group's grant. */
  username: string;
  role: ProjectRole;
  /** JSON array of `FineRight` granted beyond the role. */
  rights: Generated<string>;
}

export interface GroupsTable {
  name: string;
  description: Generated<string>;
  created_at: string;
}

export interface GroupMembersTable {
  group_name: string;
  username: string;
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
  status: VersionStatus;
  location: string;
  row_count: number | null;
  content_hash: string | null;
  columns: string | null;
  /** What produced it: recipe signature and input version ids, used to judge staleness. */
  lineage: string | null;
  job_id: string | null;
  created_at: string;
  owner: string | null;
  owner_host: string | null;
  /** Last sign of life of the owner while a version without a job is `building` (wall-clock ISO time). */
  heartbeat_at: string | null;
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
  status: JobStatus;
  mode: string;
  targets: string;
  created_by: string;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  error: string | null;
  owner: string | null;
  owner_host: string | null;
  /** Last sign of life of the owner while queued or running (wall-clock ISO time). */
  heartbeat_at: string | null;
}

export interface JobActivitiesTable {
  job_id: string;
  idx: number;
  recipe: string;
  output: string;
  status: ActivityStatus;
  started_at: string | null;
  ended_at: string | null;
  rows: number | null;
  error: string | null;
  /** The partition a partitioned build activity writes; null for a whole dataset. */
  partition: string | null;
  /** Every dataset the activity writes (a JSON array) when its recipe writes several (split); null for one. */
  outputs: string | null;
}

/** A dataset a build job is writing: one row per dataset, so one build of a target runs at a time across servers. */
export interface BuildClaimsTable {
  project_key: string;
  dataset: string;
  job_id: string;
  claimed_at: string;
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
  api_deployments: ApiDeploymentsTable;
  api_active: ApiActiveTable;
  api_service_keys: ApiServiceKeysTable;
  api_requests: ApiRequestsTable;
  projects: ProjectsTable;
  project_imports: ProjectImportsTable;
  members: MembersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  objects: ObjectsTable;
  revisions: RevisionsTable;
  dataset_versions: DatasetVersionsTable;
  dataset_state: DatasetStateTable;
  jobs: JobsTable;
  job_activities: JobActivitiesTable;
  job_logs: JobLogsTable;
  build_claims: BuildClaimsTable;
  scenario_runs: ScenarioRunsTable;
  scenario_step_runs: ScenarioStepRunsTable;
  scenario_run_logs: ScenarioRunLogsTable;
  trigger_fires: TriggerFiresTable;
  trigger_state: TriggerStateTable;
  dataset_metrics: DatasetMetricsTable;
  check_results: CheckResultsTable;
  detector_state: DetectorStateTable;
  detector_claims: DetectorClaimsTable;
  search_index: SearchIndexTable;
  object_tags: ObjectTagsTable;
  wiki_attachments: WikiAttachmentsTable;
  discussions: DiscussionsTable;
  discussion_messages: DiscussionMessagesTable;
  notifications: NotificationsTable;
  audit_log: AuditLogTable;
  server_secrets: ServerSecretsTable;
  dataset_partitioning: DatasetPartitioningTable;
  dataset_version_partitions: DatasetVersionPartitionsTable;
  partition_builds: PartitionBuildsTable;
}

/** A key the server signs with, shared by every server on this catalog (never shown by the API). */
export interface ServerSecretsTable {
  name: string;
  /** base64url of random bytes. */
  value: string;
  created_at: string;
}

/** How a dataset is partitioned: its dimensions (JSON array of `PartitionDimension`). */
export interface DatasetPartitioningTable {
  project_key: string;
  dataset: string;
  dimensions: string;
  updated_at: string;
  updated_by: string;
}

/** One partition file of one version of a partitioned dataset (the version's manifest). */
export interface DatasetVersionPartitionsTable {
  version_id: string;
  project_key: string;
  dataset: string;
  partition_id: string;
  location: string;
  row_count: number;
  content_hash: string | null;
  /** Recipe signature and the input partitions' tokens it was built from (JSON), for staleness. */
  lineage: string;
  built_at: string;
}

/** The last build attempt of a partition. */
export interface PartitionBuildsTable {
  project_key: string;
  dataset: string;
  partition_id: string;
  state: 'building' | 'succeeded' | 'failed';
  job_id: string;
  /** The file the attempt writes (relative to the workspace). */
  location: string;
  error: string | null;
  updated_at: string;
}

/** One run of a scenario (automation). */
export interface ScenarioRunsTable {
  id: string;
  project_key: string;
  scenario: string;
  trigger_type: string;
  trigger_key: string | null;
  /** Human-readable reason: "time 2026-01-01T06:00:00Z", "dataset trec changed", "manual by alice". */
  cause: string;
  outcome: RunOutcome;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  error: string | null;
  run_as: string;
  /** The process running it, and its host: a restart fails runs whose owner is gone. */
  owner: string;
  owner_host: string;
  heartbeat_at: string | null;
  abort_requested: number;
  /** When the run's scenario was deleted (its runs stay as history, marked); null while it exists. */
  scenario_deleted_at: string | null;
}

export interface ScenarioStepRunsTable {
  run_id: string;
  idx: number;
  name: string;
  type: string;
  outcome: StepOutcome;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  attempts: number;
  error: string | null;
  /** JSON: what the step produced (job id, check outcomes…). */
  detail: string | null;
}

export interface ScenarioRunLogsTable {
  id: Generated<number>;
  run_id: string;
  ts: string;
  level: string;
  message: string;
}

/** Every fire of a trigger; the primary key makes each instant fire once across processes. */
export interface TriggerFiresTable {
  project_key: string;
  scenario: string;
  trigger_key: string;
  instant: string;
  status: TriggerFireStatus;
  fired_at: string;
  run_id: string | null;
  owner: string;
  /** The final outcome of its run, once it ended. */
  outcome: string | null;
}

/** Per trigger: the last instant handled (persisted across restarts) and the last polled value. */
export interface TriggerStateTable {
  project_key: string;
  scenario: string;
  trigger_key: string;
  last_instant: string;
  poll_state: string | null;
  updated_at: string;
}

/** One computation of a dataset's metrics (JSON map metric → value). */
export interface DatasetMetricsTable {
  id: Generated<number>;
  project_key: string;
  dataset: string;
  partition: string | null;
  version_id: string | null;
  origin: string;
  computed_at: string;
  metrics: string;
}

export interface CheckResultsTable {
  id: Generated<number>;
  project_key: string;
  dataset: string;
  partition: string | null;
  version_id: string | null;
  check_name: string;
  check_type: string;
  outcome: CheckOutcome;
  message: string;
  value: number | null;
  run_at: string;
  scenario_run_id: string | null;
}

/** One series of an online detector run by a scenario step (`detect-online`). */
/** The alarms dataset a detect-online run is writing: one run at a time feeds the detectors writing it. */
export interface DetectorClaimsTable {
  project_key: string;
  output: string;
  run_id: string;
  claimed_at: string;
}

export interface DetectorStateTable {
  project_key: string;
  scenario: string;
  /** Which detector of the scenario: the step's input, column and output. */
  detector: string;
  /** The series' group key, as JSON. */
  series: string;
  /** JSON: high-water mark of the order column and the detector's own state. */
  state: string;
  updated_at: string;
}

/** A deployed version of an API service: its endpoints frozen as JSON (lookups with their data version). */
export interface ApiDeploymentsTable {
  project_key: string;
  service: string;
  version: number;
  definition: string;
  created_at: string;
  created_by: string;
}

/** Which deployed version of a service answers its callers. */
export interface ApiActiveTable {
  project_key: string;
  service: string;
  version: number;
  updated_at: string;
  updated_by: string;
}

/** A caller key of one API service; only its SHA-256 is kept. */
export interface ApiServiceKeysTable {
  id: string;
  project_key: string;
  service: string;
  name: string;
  key_hash: string;
  /** The first characters of the key, so people can tell keys apart. */
  prefix: string;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
}

/** One call of an API service endpoint (bounded body excerpt, never the key). */
export interface ApiRequestsTable {
  id: Generated<number>;
  project_key: string;
  service: string;
  endpoint: string;
  version: number | null;
  key_id: string | null;
  status: number;
  duration_ms: number;
  at: string;
  body_excerpt: string;
  error: string | null;
}

/**
 * One change or data access (src/catalog/audit-log.ts). Its project is `project`, not `project_key`:
 * audit rows outlive the project they name (its deletion is one of them), so deleting it keeps them.
 */
export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  /** The user, or `scenario:<id>` for work a scenario did on its own; null for an anonymous call (login, webhook). */
  actor: string | null;
  /** How the actor came: api (token/session), apikey, cli (local workspace), ui (browser session), scenario, system. */
  via: string;
  action: string;
  /** change | access | auth */
  category: string;
  project: string | null;
  object_kind: string | null;
  object_name: string | null;
  /** The route template (`PUT /api/projects/{key}/recipes/{name}`), never the concrete URL (it may carry a token). */
  route: string | null;
  status: number | null;
  ip: string | null;
  user_agent: string | null;
  /** Small JSON of safe facts (revision, format); never a request body. */
  detail: string | null;
}
