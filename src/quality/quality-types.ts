/** Metrics and check results as the API returns them. Types only, so the web UI imports them too. */
import type { CheckOutcome, Metrics } from './check-type.js';

/** A dataset's metrics at one moment. `origin` says who computed them; a rejected build's are kept but never "previous". */
export interface MetricsRecord {
  id: number;
  dataset: string;
  partition: string | null;
  versionId: string | null;
  origin: 'build' | 'rejected-build' | 'manual' | 'checks' | 'scenario';
  computedAt: string;
  metrics: Metrics;
}

export interface CheckResult {
  id?: number;
  dataset: string;
  partition: string | null;
  versionId: string | null;
  check: string;
  type: string;
  outcome: CheckOutcome;
  message: string;
  value: number | null;
  runAt: string;
  scenarioRunId: string | null;
}
