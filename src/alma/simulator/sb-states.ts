import type { ExecutionRow } from './executions.js';
import { bandName } from './identifiers.js';
import type { MousRow } from './mous.js';
import type { SchedBlock } from './projects.js';

/**
 * Scheduling-block states (§3.2, [S4]) at the end of the simulated period, derived from the
 * EBs each SB actually got: an SB is FullyObserved exactly when its MOUS is (the EB that
 * brings its QA0 Pass count to `required_executions`), Running while its last EB is still
 * running, Suspended after a failed or aborted EB (it waits for review), ObservingTimedOut
 * when its cycle ended first (the pool only serves the current cycle's SBs), else Ready.
 */

export const SB_STATES = [
  'Phase2Submitted',
  'Ready',
  'Running',
  'Suspended',
  'CalibratorCheck',
  'Waiting',
  'FullyObserved',
  'ObservingTimedOut',
] as const;
export type SbState = (typeof SB_STATES)[number];

export interface SchedBlockRow {
  sb_uid: string;
  sb_name: string;
  mous_uid: string;
  gous_uid: string;
  project_code: string;
  cycle: number;
  grade: string;
  array_family: string;
  band: string;
  required_executions: number;
  executions: number;
  pass_executions: number;
  first_eb_ts: number | null;
  last_eb_ts: number | null;
  fully_observed_ts: number | null;
  /** End of the SB's observing cycle (1 October). */
  cycle_end_ts: number;
  state: SbState;
}

/** A QA0 Pass EB as the Obscore row of its MOUS needs it. */
export interface PassEb {
  eb_uid: string;
  start_ts: number;
  end_ts: number;
  antennas: string;
  configuration: string;
  pwv_mm: number;
  rep_freq_ghz: number;
}

interface SbRecord {
  executions: number;
  passes: PassEb[];
  passCount: number;
  first: number;
  last: number;
  lastStatus: string;
  lastQa0: string;
  observed: number | null;
}

/** Follows the EBs of every science SB, day by day. */
export class SchedBlockLedger {
  private readonly records = new Map<string, SbRecord>();

  observe(executions: readonly ExecutionRow[]): void {
    for (const e of executions) {
      if (e.is_calibration) continue;
      let r = this.records.get(e.sb_uid);
      if (!r) {
        r = {
          executions: 0,
          passes: [],
          passCount: 0,
          first: e.start_ts,
          last: e.start_ts,
          lastStatus: '',
          lastQa0: '',
          observed: null,
        };
        this.records.set(e.sb_uid, r);
      }
      r.executions++;
      r.last = e.start_ts;
      r.lastStatus = e.eb_status;
      r.lastQa0 = e.qa0_status;
      if (e.qa0_status === 'Pass') {
        r.passCount++;
        // Only the EBs up to completion make the MOUS product.
        if (r.observed === null) {
          r.passes.push({
            eb_uid: e.eb_uid,
            start_ts: e.start_ts,
            end_ts: e.end_ts,
            antennas: e.antennas,
            configuration: e.configuration,
            pwv_mm: e.pwv_mm,
            rep_freq_ghz: e.rep_freq_ghz,
          });
        }
      }
    }
  }

  /** Marks the SBs of newly fully observed MOUS; returns each MOUS's Pass EBs (then forgotten). */
  complete(mous: readonly MousRow[]): Map<string, PassEb[]> {
    const out = new Map<string, PassEb[]>();
    for (const m of mous) {
      const r = this.records.get(m.sb_uid);
      if (!r) continue;
      r.observed = m.observed_ts;
      // An EB of the same day after the completing one is not part of the product.
      out.set(
        m.mous_uid,
        r.passes.filter((e) => e.end_ts <= m.observed_ts),
      );
      r.passes = [];
    }
    return out;
  }

  /** One row per science SB of every cycle the period touched, its state as of `endMs`. */
  rows(blocks: readonly { cycleEndMs: number; sb: SchedBlock }[], endMs: number): SchedBlockRow[] {
    return blocks.map(({ cycleEndMs, sb }) => {
      const r = this.records.get(sb.sbUid);
      return {
        sb_uid: sb.sbUid,
        sb_name: sb.sbName,
        mous_uid: sb.mousUid,
        gous_uid: sb.gousUid,
        project_code: sb.projectCode,
        cycle: sb.cycle,
        grade: sb.grade,
        array_family: sb.family,
        band: bandName(sb.band),
        required_executions: sb.requiredExecutions,
        executions: r?.executions ?? 0,
        pass_executions: r?.passCount ?? 0,
        first_eb_ts: r?.first ?? null,
        last_eb_ts: r?.last ?? null,
        fully_observed_ts: r?.observed ?? null,
        cycle_end_ts: cycleEndMs,
        state: stateOf(r, cycleEndMs <= endMs),
      };
    });
  }
}

function stateOf(r: SbRecord | undefined, cycleOver: boolean): SbState {
  if (r?.observed != null) return 'FullyObserved';
  if (cycleOver) return 'ObservingTimedOut';
  if (!r) return 'Ready';
  if (r.lastStatus === 'RUNNING') return 'Running';
  if (r.lastStatus === 'FAIL' || r.lastStatus === 'ABORTED' || r.lastQa0 === 'Fail') return 'Suspended';
  return 'Ready';
}
