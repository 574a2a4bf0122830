/** Shapes of the API's answers, as the UI uses them (see GET /api/openapi.json). */
export type { User } from '../../../src/catalog/user-types.js';
export type { Member, Project, ProjectRole } from '../../../src/catalog/project-types.js';
import type { ApiKeyInfo as StoredApiKey, User } from '../../../src/catalog/user-types.js';

export interface Me extends Partial<User> {
  via: string;
}

/** The secret `key` comes back once, when the key is created. */
export type ApiKeyInfo = StoredApiKey & { key?: string };

export interface ColumnSchema {
  name: string;
  type: string;
  nullable?: boolean;
}

export interface DatasetVersion {
  id: string;
  seq: number;
  status: 'building' | 'ready' | 'failed';
  rowCount: number | null;
  contentHash: string | null;
  columns: ColumnSchema[] | null;
  lineage: { recipe?: string; source?: string; fileName?: string; inputs?: Record<string, string> } | null;
  jobId: string | null;
  createdAt: string;
  current?: boolean;
}

export interface Dataset {
  name: string;
  description?: string;
  tags?: string[];
  storage: { type: 'managed' | 'file' | 'postgres'; [k: string]: unknown };
  revision: number;
  updatedAt: string;
  updatedBy: string;
  currentVersion: DatasetVersion | null;
  columns: ColumnSchema[] | null;
  rowCount: number | null;
  producedBy?: string | null;
}

export interface DataPage {
  columns: string[];
  types: string[];
  rows: unknown[][];
  total: number;
  offset?: number;
}

export type { ColumnStats, HistogramBin } from '../../../src/engine/column-stats.js';

export interface Recipe {
  name: string;
  type: string;
  inputs: string[];
  output: string;
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

export type { ActivityStatus, Job, JobActivity, JobStatus } from '../../../src/flow/job-types.js';

export interface Revision {
  revision: number;
  action: 'create' | 'update' | 'delete' | 'revert';
  body: unknown | null;
  author: string;
  createdAt: string;
}

export type BuildMode = 'only' | 'required' | 'recursive';

export interface ScenarioTypeInfo {
  type?: string;
  channel?: string;
  label: string;
  kind?: string;
  schema: import('../components/schema-form').JsonSchema;
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
}

export type RunOutcome = 'QUEUED' | 'RUNNING' | 'SUCCESS' | 'WARNING' | 'FAILED' | 'ABORTED';

export interface StepRun {
  index: number;
  name: string;
  type: string;
  outcome: string;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  attempts: number;
  error: string | null;
  detail: unknown;
}

export interface ScenarioRun {
  id: string;
  projectKey: string;
  scenario: string;
  triggerType: string;
  cause: string;
  outcome: RunOutcome;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  error: string | null;
  runAs: string;
  steps?: StepRun[];
  logs?: { ts: string; level: string; message: string }[];
}

export interface MonitoredScenario {
  project: string;
  id: string;
  name: string;
  active: boolean;
  runs: { id: string; start: string | null; end: string | null; outcome: string; durationMs: number | null }[];
  averageDurationMs: number | null;
  lastDurationMs: number | null;
  lastOutcome: string | null;
  nextFires: string[];
  triggers: { type: string; description: string }[];
  reporters: { channel: string; on: string }[];
}

export interface Monitoring {
  from: string;
  to: string;
  scenarios: MonitoredScenario[];
  daily: { day: string; outcomes: Record<string, number> }[];
  /** More runs than listed: the scenarios' runs are the newest `listedRuns` of `totalRuns`. */
  truncated: boolean;
  totalRuns: number;
  listedRuns: number;
}

/** A step run of a scenario run started in the monitored range (the timeline expanded to steps). */
export interface StepRunInRange {
  run: string;
  project: string;
  scenario: string;
  index: number;
  name: string;
  type: string;
  outcome: string;
  start: string | null;
  end: string | null;
  durationMs: number | null;
}

export interface MonitoringSteps {
  from: string;
  to: string;
  steps: StepRunInRange[];
  truncated: boolean;
}

export interface MetricsRecord {
  id: number;
  dataset: string;
  partition: string | null;
  versionId: string | null;
  origin: string;
  computedAt: string;
  metrics: Record<string, number | string | null>;
}

export interface CheckResult {
  id?: number;
  check: string;
  type: string;
  outcome: 'OK' | 'WARNING' | 'ERROR';
  message: string;
  value: number | null;
  runAt: string;
  scenarioRunId: string | null;
}

export interface QualitySettings {
  dataset: string;
  metrics: { afterBuild?: boolean; timeColumns?: string[]; sql?: { name: string; sql: string }[] };
  checks: { type: string; name?: string; [k: string]: unknown }[];
  failBuildOnError?: boolean;
  revision: number | null;
  results: CheckResult[];
}
