import { z } from 'zod';
import { FINE_RIGHTS } from '../catalog/access.js';
import {
  ACTIVITY_STATUSES,
  CHECK_OUTCOMES,
  JOB_STATUSES,
  RUN_OUTCOMES,
  STEP_OUTCOMES,
  VERSION_STATUSES,
} from '../catalog/statuses.js';

/**
 * What the API answers, as zod schemas for the OpenAPI document (never used to check answers
 * at run time: test/openapi.test.ts checks real answers against the document). Objects are
 * loose: they name what a client may rely on, and an answer may carry more.
 */

const str = z.string();
const nullableStr = z.string().nullable();
const nullableNum = z.number().nullable();
const loose = z.looseObject;

export const AnyObject = loose({});
export const Health = loose({ status: z.literal('ok'), version: str });

export const User = loose({
  id: str,
  username: str,
  displayName: nullableStr,
  email: nullableStr,
  isAdmin: z.boolean(),
  createdAt: str,
});
export const Me = loose({
  username: str.optional(),
  via: z.enum(['session', 'token', 'apikey', 'local']),
  canCreateProjects: z.boolean().describe('Whether LLANO_PROJECT_CREATORS lets this user create projects'),
});
export const LoggedIn = loose({ token: str, user: User });
export const ApiKey = loose({
  id: str,
  name: str,
  prefix: str,
  createdAt: str,
  lastUsedAt: nullableStr,
  scopes: z.array(z.enum(['read', 'write', 'run', 'admin'])),
  expiresAt: nullableStr,
  project: nullableStr,
  role: z.enum(['reader', 'writer', 'admin']).nullable(),
});
export const ApiKeyCreated = ApiKey.extend({ key: str.describe('The secret: shown this once') });

const ProjectRole = z.enum(['reader', 'writer', 'admin']);
export const Project = loose({
  key: str,
  name: str,
  description: str,
  tags: z.array(str),
  createdAt: str,
  createdBy: str,
  updatedAt: str,
  role: ProjectRole.optional(),
  rights: z.array(z.enum(FINE_RIGHTS)).optional(),
});
export const Member = loose({
  username: str.describe('A username, or group:NAME'),
  role: ProjectRole,
  rights: z.array(z.enum(FINE_RIGHTS)),
  kind: z.enum(['user', 'group']),
});

const Column = loose({ name: str, type: str, nullable: z.boolean().optional() });
export const DatasetVersion = loose({
  id: str,
  seq: z.number(),
  status: z.enum(VERSION_STATUSES),
  rowCount: nullableNum,
  contentHash: nullableStr,
  columns: z.array(Column).nullable(),
  lineage: AnyObject.nullable(),
  jobId: nullableStr,
  createdAt: str,
});
export const ListedVersion = DatasetVersion.extend({ current: z.boolean() });
export const Dataset = loose({
  name: str,
  storage: loose({ type: str }),
  revision: z.number(),
  updatedAt: str,
  updatedBy: str,
  currentVersion: DatasetVersion.nullable(),
  columns: z.array(Column).nullable(),
  rowCount: nullableNum,
  producedBy: nullableStr,
  partitioned: z.boolean(),
});
export const DataPage = loose({
  columns: z.array(str),
  types: z.array(str),
  rows: z.array(z.array(z.unknown())),
  total: z.number(),
  offset: z.number().optional(),
  cut: z
    .array(z.tuple([z.number(), z.number(), z.number()]))
    .optional()
    .describe('Text cells cut to 10,000 characters: [row, column, characters in the whole value]'),
});
export const ColumnStats = loose({
  name: str,
  type: str,
  count: z.number(),
  nulls: z.number(),
  distinct: z.number(),
  distinctIsApproximate: z.boolean(),
  min: z.unknown(),
  max: z.unknown(),
  mean: nullableNum,
  stddev: nullableNum,
  topValues: z.array(loose({ value: z.unknown(), count: z.number() })),
  histogram: z.array(loose({ low: z.union([z.number(), str]), high: z.union([z.number(), str]), count: z.number() })),
});

export const Revision = loose({
  revision: z.number(),
  action: z.enum(['create', 'update', 'delete', 'revert']),
  body: z.unknown(),
  author: str,
  createdAt: str,
});
export const Connection = loose({ name: str, type: str, description: str.optional() });
export const ConnectionTest = loose({ name: str, type: str, ok: z.boolean(), message: str, durationMs: z.number() });

export const Recipe = loose({
  name: str,
  type: str,
  inputs: z.array(str),
  output: str.optional(),
  outputs: z.array(str).optional(),
});
export const RecipeType = loose({ type: str });
export const Preview = loose({
  columns: z.array(loose({ name: str, type: str })),
  rows: z.array(z.array(z.unknown())),
  truncated: z.boolean(),
  durationMs: z.number(),
});
export const Flow = loose({
  nodes: z.array(loose({ id: str, kind: z.enum(['dataset', 'recipe']), name: str })),
  edges: z.array(loose({ from: str, to: str })),
});
export const BuildStarted = loose({
  jobId: str,
  plan: z.array(loose({ recipe: str, output: str, outputs: z.array(str), dependsOn: z.array(str), reason: str })),
});

const WorkRecord = {
  id: str,
  projectKey: str,
  createdAt: str,
  startedAt: nullableStr,
  endedAt: nullableStr,
  durationMs: nullableNum,
  error: nullableStr,
};
export const Job = loose({
  ...WorkRecord,
  kind: str,
  status: z.enum(JOB_STATUSES),
  mode: str,
  targets: z.array(str),
  createdBy: str,
  activities: z
    .array(
      loose({
        index: z.number(),
        recipe: str,
        output: str,
        outputs: z.array(str),
        status: z.enum(ACTIVITY_STATUSES),
        rows: nullableNum,
        error: nullableStr,
      }),
    )
    .optional(),
});

export const Scenario = loose({
  id: str,
  triggers: z.array(loose({ type: str })),
  steps: z.array(loose({ type: str })),
  reporters: z.array(loose({ channel: str })),
});
export const ScenarioRun = loose({
  ...WorkRecord,
  scenario: str,
  triggerType: str,
  triggerKey: nullableStr,
  cause: str,
  outcome: z.enum(RUN_OUTCOMES),
  runAs: str,
  scenarioDeletedAt: nullableStr,
  steps: z
    .array(loose({ index: z.number(), name: str, type: str, outcome: z.enum(STEP_OUTCOMES), attempts: z.number() }))
    .optional(),
  logs: z.array(loose({ ts: str, level: str, message: str })).optional(),
});
export const RunStarted = loose({ runId: str, status: str });
export const WebhookFired = loose({ projectKey: str, scenario: str, runId: nullableStr, status: str });
const TypeInfo = loose({ label: str, schema: AnyObject });
export const ScenarioTypes = loose({
  scenario: AnyObject,
  triggers: z.array(TypeInfo),
  steps: z.array(TypeInfo),
  reporters: z.array(TypeInfo),
});
export const Monitoring = loose({
  from: str,
  to: str,
  scenarios: z.array(
    loose({
      project: str,
      id: str,
      name: str,
      active: z.boolean(),
      deleted: z.boolean(),
      runs: z.array(loose({ id: str, outcome: str })),
    }),
  ),
  daily: z.array(loose({ day: str, outcomes: z.record(str, z.number()) })),
  truncated: z.boolean(),
  totalRuns: z.number(),
  listedRuns: z.number(),
});
export const MonitoringSteps = loose({
  from: str,
  to: str,
  steps: z.array(loose({ run: str, project: str, scenario: str, index: z.number(), outcome: z.enum(STEP_OUTCOMES) })),
  truncated: z.boolean(),
  nextCursor: nullableStr,
});
export const Variables = z.record(str, z.unknown());

export const MetricsRecord = loose({
  id: z.number(),
  dataset: str,
  versionId: nullableStr,
  origin: z.enum(['build', 'rejected-build', 'manual', 'checks', 'scenario']),
  computedAt: str,
  metrics: AnyObject,
});
export const CheckResult = loose({
  dataset: str,
  check: str,
  type: str,
  outcome: z.enum(CHECK_OUTCOMES),
  message: str,
  value: nullableNum,
  runAt: str,
});
export const QualitySettings = loose({
  dataset: str,
  metrics: AnyObject,
  checks: z.array(loose({ type: str })),
});
export const DatasetChecks = QualitySettings.extend({
  revision: nullableNum,
  results: z.array(CheckResult),
  availableMetrics: z.array(str).describe('Metric names a check may read (this dataset’s metrics and SQL metrics)'),
});
export const QualityRun = loose({
  metrics: MetricsRecord,
  results: z.array(CheckResult),
  outcome: z.enum(CHECK_OUTCOMES),
});
export const CheckTypes = loose({
  settings: AnyObject,
  checks: z.array(loose({ type: str, label: str, columnRule: z.boolean(), schema: AnyObject })),
});
