/**
 * API services as the HTTP API returns them. Types only (no Node imports), so the web UI
 * imports them too (web/src/api/types.ts).
 */

export const PARAMETER_TYPES = ['string', 'integer', 'number', 'boolean', 'date'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

export const ENDPOINT_TYPES = ['sql-query', 'lookup', 'analytics', 'typescript-function'] as const;
export type EndpointType = (typeof ENDPOINT_TYPES)[number];

export const ANALYTICS_FUNCTIONS = ['change-points', 'score-against-history'] as const;
export type AnalyticsFunction = (typeof ANALYTICS_FUNCTIONS)[number];

/** A named `:param` of a SQL endpoint, bound as a prepared-statement parameter. */
export interface ApiParameter {
  name: string;
  type: ParameterType;
  /** Missing optional parameters are bound as NULL. Default true. */
  required?: boolean;
  description?: string;
}

/** A request saved with an endpoint, runnable from the UI and `llano api-service test`. */
export interface SavedTest {
  name: string;
  body: Record<string, unknown>;
}

interface EndpointBase {
  id: string;
  description?: string;
  tests?: SavedTest[];
}

export interface SqlEndpoint extends EndpointBase {
  type: 'sql-query';
  sql: string;
  parameters: ApiParameter[];
  /** Rows answered at most (default 1,000). */
  maxRows?: number;
}

export interface LookupEndpoint extends EndpointBase {
  type: 'lookup';
  dataset: string;
  /** The key columns, in the order a batch key lists them. */
  key: string[];
  /** The columns answered (default all). */
  columns?: string[];
}

export interface AnalyticsEndpoint extends EndpointBase {
  type: 'analytics';
  function: AnalyticsFunction;
}

export interface FunctionEndpoint extends EndpointBase {
  type: 'typescript-function';
  /** A module exporting `handler(body, llano)`. */
  code: string;
}

export type ApiEndpoint = SqlEndpoint | LookupEndpoint | AnalyticsEndpoint | FunctionEndpoint;

export interface ApiService {
  id: string;
  name?: string;
  description?: string;
  endpoints: ApiEndpoint[];
  /** Requests per second each key may send (default 100). */
  rateLimit?: { requestsPerSecond: number };
}

export interface ApiServiceInfo extends ApiService {
  projectKey: string;
  revision: number;
  updatedAt: string;
  updatedBy: string;
  /** The deployed version answering callers; null before the first deployment. */
  activeVersion: number | null;
}

/** An endpoint as deployed: lookups carry the dataset version they were frozen on, SQL the datasets it reads. */
export type DeployedEndpoint = ApiEndpoint & {
  /** Lookups: the dataset version id read. */
  datasetVersion?: string;
  /** SQL: the project datasets the query names (read at their current version). */
  inputs?: string[];
};

export interface ApiDeployment {
  version: number;
  /** The service revision deployed. */
  revision: number;
  createdAt: string;
  createdBy: string;
  active: boolean;
  endpoints: DeployedEndpoint[];
  rateLimit: { requestsPerSecond: number };
}

export interface ServiceKeyInfo {
  id: string;
  name: string;
  /** The first characters of the key. */
  prefix: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}

export interface EndpointMetrics {
  endpoint: string;
  requests: number;
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface ApiRequestLogEntry {
  id: number;
  endpoint: string;
  version: number | null;
  keyId: string | null;
  status: number;
  durationMs: number;
  at: string;
  bodyExcerpt: string;
  error: string | null;
}

/** What an endpoint test (or a call) answered. */
export interface EndpointTestResult {
  name: string;
  status: number;
  durationMs: number;
  body: unknown;
}
