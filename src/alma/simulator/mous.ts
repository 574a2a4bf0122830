/**
 * The MOUS (member ObsUnitSet) life cycle after observing [S12]: FullyObserved →
 * ReadyForProcessing → PipelineProcessing → Processed → QA2InProgress → Verified →
 * ReadyToDeliver → Delivered. The time to delivery is mostly waiting in two queues (for
 * processing, for the QA2 review by the data reducers), which is why the historical median
 * is ~9.5 weeks and 80 % are delivered within 16.7 weeks while the KPI is 30 days.
 */

export const MOUS_STATES = [
  'FullyObserved',
  'ReadyForProcessing',
  'PipelineProcessing',
  'Processed',
  'QA2InProgress',
  'Verified',
  'ReadyToDeliver',
  'Delivered',
] as const;
export type MousState = (typeof MOUS_STATES)[number];

export interface MousRow {
  mous_uid: string;
  gous_uid: string;
  sb_uid: string;
  sb_name: string;
  project_code: string;
  array_family: string;
  band: string;
  executions: number;
  /** About 90 % of datasets run through the pipeline; the rest are reduced by hand [S12]. */
  pipelineable: boolean;
  observed_ts: number;
  ready_ts: number | null;
  processing_start_ts: number | null;
  processed_ts: number | null;
  qa2_start_ts: number | null;
  verified_ts: number | null;
  ready_to_deliver_ts: number | null;
  delivered_ts: number | null;
  /** Pass / SemiPass once verified; a QA2 Fail is reprocessed first (`qa2_attempts` 2). */
  qa2_status: string | null;
  qa2_attempts: number;
  /** The state at the end of the simulated period. */
  state: MousState;
}

/** Each state's timestamp column, in life-cycle order (FullyObserved is `observed_ts`). */
const STATE_COLUMN: Record<MousState, keyof MousRow> = {
  FullyObserved: 'observed_ts',
  ReadyForProcessing: 'ready_ts',
  PipelineProcessing: 'processing_start_ts',
  Processed: 'processed_ts',
  QA2InProgress: 'qa2_start_ts',
  Verified: 'verified_ts',
  ReadyToDeliver: 'ready_to_deliver_ts',
  Delivered: 'delivered_ts',
};

/** Nulls the timestamps after `endMs` and sets the state reached by then. */
export function asOf(row: MousRow, endMs: number): MousRow {
  let state: MousState = 'FullyObserved';
  const out = { ...row };
  for (const s of MOUS_STATES) {
    const column = STATE_COLUMN[s];
    const ts = out[column] as number | null;
    if (ts !== null && ts < endMs) state = s;
    else if (s !== 'FullyObserved') (out as Record<string, unknown>)[column] = null;
  }
  if (out.verified_ts === null) out.qa2_status = null;
  out.state = state;
  return out;
}
