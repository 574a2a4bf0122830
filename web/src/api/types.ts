/** Shapes of the API's answers, as the UI uses them (see GET /api/openapi.json). */
export type { User } from '../../../src/catalog/user-types.js';
export type { FineRight, Member, Project, ProjectRole } from '../../../src/catalog/project-types.js';
export type { Group } from '../../../src/catalog/group-types.js';
export type { ObjectShare, SharedItem } from '../../../src/catalog/share-types.js';
export type { ImportResult, NotCarried } from '../../../src/transfer/transfer-types.js';
import type { ApiKeyInfo as StoredApiKey, User } from '../../../src/catalog/user-types.js';
import type { DatasetStatus } from '../../../src/datasets/dataset-types.js';
import type { CheckResult } from '../../../src/quality/quality-types.js';
import type { PartitionInfo } from '../../../src/datasets/partitioning.js';
export type {
  PartitionDependency,
  PartitionDimension,
  Partitioning,
  PartitionInfo,
} from '../../../src/datasets/partitioning.js';

/** A partition as the Partitions tab lists it: with the outcome of the checks run after its last build. */
export type ListedPartition = PartitionInfo & {
  checks?: {
    outcome: 'OK' | 'WARNING' | 'ERROR';
    runAt: string;
    failed: { check: string; outcome: 'WARNING' | 'ERROR'; message: string }[];
  };
};

/** A code environment as the API answers it (src/recipes/code/code-environments.ts). */
export interface CodeEnvironment {
  name: string;
  language: 'typescript' | 'python' | 'r';
  packages: string[];
  interpreter?: string;
  python?: { venv: boolean; requirements: string[] };
  r?: { library: boolean; requirements: string[] };
  venv?: CodePackagesStatus;
  library?: CodePackagesStatus;
  buildJobId?: string;
}

/** Where a code environment's venv (Python) or library (R) stands. */
export interface CodePackagesStatus {
  status: string;
  packages?: string[];
  error?: string;
  builtAt?: string;
}

export interface Me extends Partial<User> {
  via: string;
  /** Whether the server's LLANO_PROJECT_CREATORS lets this user create and import projects. */
  canCreateProjects?: boolean;
}

/** The secret `key` comes back once, when the key is created. */
export type ApiKeyInfo = StoredApiKey & { key?: string };

export type {
  ColumnSchema,
  DatasetStatus,
  DatasetVersion,
  Lineage,
  ListedVersion,
} from '../../../src/datasets/dataset-types.js';

/**
 * A dataset: its definition (restated here from `DatasetDefinitionSchema` in
 * src/datasets/definitions.ts, whose zod schemas import server-only modules) plus its status.
 */
export interface Dataset extends DatasetStatus {
  name: string;
  description?: string;
  tags?: string[];
  storage: { type: 'managed' | 'file' | 'database' | 'postgres' | 'system'; [k: string]: unknown };
  /** Column type overrides applied when importing (column → DuckDB type). */
  schema?: Record<string, string>;
}

export interface DataPage {
  columns: string[];
  types: string[];
  rows: unknown[][];
  total: number;
  offset?: number;
  /** Text cells the server cut: [row, column, characters in the whole value]. */
  cut?: [number, number, number][];
}

export type { ColumnStats, HistogramBin } from '../../../src/engine/column-stats.js';

export interface Recipe {
  name: string;
  type: string;
  inputs: string[];
  /** One of the two: `outputs` for a recipe that writes several datasets (split); read them with `recipeOutputs`. */
  output?: string;
  outputs?: string[];
  sql?: string;
  description?: string;
  revision: number;
  updatedAt: string;
  updatedBy: string;
  [param: string]: unknown;
}

export type DatasetState = 'built' | 'stale' | 'empty' | 'failed' | 'building' | 'external';

export interface FlowNode {
  id: string;
  kind: 'dataset' | 'recipe';
  name: string;
  state?: DatasetState;
  storage?: string;
  rowCount?: number | null;
  builtAt?: string | null;
  type?: string;
  stale?: string | null;
}

export interface FlowGraph {
  nodes: FlowNode[];
  edges: { from: string; to: string }[];
}

export type { ActivityStatus, BuildMode, Job, JobActivity, JobStatus } from '../../../src/flow/job-types.js';

export type { Revision } from '../../../src/catalog/object-types.js';
import type { TypeExample } from '../../../src/common/type-definition.js';
export type { TypeExample };

export interface ScenarioTypeInfo {
  type?: string;
  channel?: string;
  label: string;
  kind?: string;
  schema: import('../components/schema-form').JsonSchema;
  examples?: TypeExample[];
}

export interface ScenarioTypes {
  scenario: import('../components/schema-form').JsonSchema;
  triggers: ScenarioTypeInfo[];
  steps: ScenarioTypeInfo[];
  reporters: ScenarioTypeInfo[];
}

export interface Scenario {
  id: string;
  name?: string;
  description?: string;
  active?: boolean;
  concurrency?: string;
  missedRuns?: string;
  runAs?: string;
  triggers: { type: string; [k: string]: unknown }[];
  steps: { type: string; name?: string; [k: string]: unknown }[];
  reporters: { channel: string; on?: string; [k: string]: unknown }[];
  projectKey?: string;
  revision?: number;
  updatedAt?: string;
  updatedBy?: string;
  /** Only in the answer to the save that made them (a webhook reporter's signing secret). */
  revealedSecrets?: RevealedSecret[];
}

/** A secret the server generated, shown in one answer only; `where` is e.g. `reporters[0]`. */
export interface RevealedSecret {
  where: string;
  field: string;
  secret: string;
}

export type { RunOutcome, ScenarioRun, StepOutcome, StepRun } from '../../../src/automation/run-types.js';
export type { ScenarioProblem } from '../../../src/automation/scenario-problems.js';

export type {
  MonitoredScenario,
  Monitoring,
  MonitoringRun,
  MonitoringStepRun,
  MonitoringSteps,
} from '../../../src/automation/monitoring-types.js';

export type { CheckResult, MetricsRecord } from '../../../src/quality/quality-types.js';

export interface QualitySettings {
  dataset: string;
  metrics: { afterBuild?: boolean; timeColumns?: string[]; sql?: { name: string; sql: string }[] };
  checks: { type: string; name?: string; [k: string]: unknown }[];
  failBuildOnError?: boolean;
  revision: number | null;
  results: CheckResult[];
  /** The metric names checks may read: the dataset's metrics pass and its SQL metrics. */
  availableMetrics?: string[];
}

/** A connection type as `GET /api/connection-types` lists it: the connection form is built from `settings`. */
export interface ConnectionType {
  type: string;
  label: string;
  /** Only a global admin may create, change or delete connections of this type. */
  adminOnly: boolean;
  /** Settings never sent back: shown as ******** and kept when saved unchanged. */
  secrets: string[];
  capabilities: ('runSql' | 'describeTable' | 'files' | 'tables')[];
  settings: import('../components/schema-form').JsonSchema;
}

/** A connection: its name, type and the type's settings side by side (secrets redacted). */
export interface Connection {
  name: string;
  type: string;
  description?: string;
  [setting: string]: unknown;
}

export interface ConnectionTestResult {
  name: string;
  type: string;
  ok: boolean;
  message: string;
  durationMs: number;
}

export type {
  ChartKind,
  ChartSpec,
  Dashboard,
  DashboardData,
  DashboardInfo,
  DashboardTile,
  Insight,
  InsightData,
  InsightInfo,
} from '../../../src/insights/insight-types.js';

export type { WebappInfo, WebappLogLine } from '../../../src/webapps/webapp-types.js';
export type { WebappTemplate } from '../../../src/webapps/webapp-templates.js';
export type {
  CellOutput,
  CellRun,
  CellType,
  NotebookCell,
  NotebookInfo,
} from '../../../src/notebooks/notebook-types.js';
export type {
  AnalyticsFunction,
  ApiDeployment,
  ApiEndpoint,
  ApiParameter,
  ApiRequestLogEntry,
  ApiService,
  ApiServiceInfo,
  EndpointMetrics,
  EndpointTestResult,
  ParameterType,
  SavedTest,
  ServiceKeyInfo,
} from '../../../src/api-services/types.js';
