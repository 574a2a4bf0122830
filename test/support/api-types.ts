/**
 * Response bodies of the HTTP API as the tests read them. Where the server has a types-only module
 * (`*-types.ts`) the shape comes from there; the rest are the few fields the tests look at, since
 * those routes return types that live in modules with server code.
 */
import type { Project } from '../../src/catalog/project-types.js';
import type { Revision } from '../../src/catalog/object-types.js';
import type { ColumnSchema, DatasetStatus, ListedVersion } from '../../src/datasets/dataset-types.js';
import type { Job } from '../../src/flow/job-types.js';
import type { CheckResult, MetricsRecord } from '../../src/quality/quality-types.js';
import type { Monitoring, MonitoringSteps } from '../../src/automation/monitoring-types.js';
import type { ScenarioRun } from '../../src/automation/run-types.js';

export type {
  CheckResult,
  ColumnSchema,
  Job,
  ListedVersion,
  MetricsRecord,
  Monitoring,
  MonitoringSteps,
  Project,
  Revision,
  ScenarioRun,
};

/** What every route answers with a status of 400 or more. */
export interface ApiError {
  error: { code: string; message: string; details?: unknown };
}

export interface LoginAnswer {
  token: string;
}

export interface Health {
  status: string;
  version: string;
}

export interface ApiKeyCreated {
  key: string;
}

/** A dataset as `GET …/datasets/{name}` (and an upload) answers. */
export interface DatasetShown extends DatasetStatus {
  name: string;
}

/** A page of rows from `GET …/datasets/{name}/data`. */
export interface DataPage {
  columns: string[];
  rows: unknown[][];
  total: number;
}

export interface ColumnStats {
  name: string;
  count: number;
  nulls: number;
  min: unknown;
  max: unknown;
}

/** A connection as listed and shown (its password redacted in `url`); sent back as is to update it. */
export interface ConnectionShown {
  name: string;
  type: string;
  url?: string;
  [setting: string]: unknown;
}

/** What testing a connection answers: a failure to reach it is `ok: false` and the reason. */
export interface ConnectionTested {
  name: string;
  type: string;
  ok: boolean;
  message: string;
}

export interface FlowView {
  nodes: { id: string; state?: string }[];
  edges: { from: string; to: string }[];
}

export interface Recipe {
  name: string;
  sql: string;
}

export interface BuildStarted {
  jobId: string;
  /** The job already building one of its datasets, which this one waits for (queued). */
  waitsFor?: string | null;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, unknown>;
}

/** The part of a JSON schema the tests look into (the type catalogues publish one per type). */
export interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  format?: string;
}

export interface ScenarioTypes {
  triggers: { type: string; schema: JsonSchema }[];
  steps: { type: string; schema: JsonSchema }[];
  reporters: { channel: string; schema: JsonSchema }[];
}

/** A scenario as saved and shown (secrets redacted); sent back as is to update it. */
export interface SavedScenario {
  id: string;
  revision: number;
  triggers: { type: string; token?: string }[];
  reporters: { channel: string; smtp?: { password?: string } }[];
  [field: string]: unknown;
}

/** What starting a run answers (by hand or by webhook). */
export interface RunStarted {
  runId: string;
  status: string;
  projectKey: string;
  scenario: string;
}

export interface CheckRun {
  outcome: string;
  results: CheckResult[];
}

export interface QualityShown {
  checks: unknown[];
  results: CheckResult[];
  revision: number | null;
  availableMetrics: string[];
}
