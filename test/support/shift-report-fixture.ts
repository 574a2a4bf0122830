import { rmSync } from 'node:fs';
import { LOCAL_ADMIN } from '../../src/catalog/access.js';
import { importDataset } from '../../src/datasets/import.js';
import { saveRecipe } from '../../src/flow/recipes-service.js';
import { demoRecipes } from '../../src/alma/simulator/index.js';
import type { Workspace } from '../../src/workspace/workspace.js';

/**
 * A hand-made shift log for the shift report (alma-domain §4.3), small enough to compute by hand.
 *
 * 12 m, two shifts of the week of Monday 2025-01-06:
 * - A, 06 Jan 00:00–08:00: handover 0.5 h, science EB Pass 2 h, calibration EB SUCCESS 0.5 h,
 *   weather 2 h, science EB FAIL 1 h (with its failed-execution gap), science EB Pending 1 h,
 *   technical downtime 0.5 h, 0.5 h unlogged.
 * - B, 07 Jan 08:00–16:00: handover 0.25 h, testing 4 h, science EB SemiPass 1 h, science EB Pass
 *   1 h, calibration EB TIMEOUT 0.5 h, scheduling downtime 1.25 h.
 * 7 m: one row made to break each consistency check (none of them touches the 12 m array).
 */
export const SHIFT_FIXTURE_EXPECTED = {
  shiftA: {
    observation_efficiency_pct: (100 * 3.5) / 6, // 58.333
    operation_efficiency_pct: (100 * 4.5) / 5.5, // 81.818
    time_lost_rate_pct: 25,
    calibration_rate_pct: (100 * 0.5) / 4.5, // 11.111
    time_completeness_pct: 93.75,
    backlog_rate_pct: 100 / 3, // 33.333
    remaining_h: 0.5,
  },
  shiftB: {
    observation_efficiency_pct: 25,
    operation_efficiency_pct: (100 * 2.5) / 3.75, // 66.667
    time_lost_rate_pct: 0,
    calibration_rate_pct: 20,
    time_completeness_pct: 100,
    backlog_rate_pct: 0,
    remaining_h: 0,
  },
  /** The week, pooled: rates on the summed hours. */
  week: {
    n_shifts: 2,
    duration_h: 16,
    handover_h: 0.75,
    qa0_pass_h: 3,
    qa0_semipass_h: 1,
    qa0_pending_h: 1,
    qa0_fail_h: 0,
    cal_success_h: 0.5,
    cal_unsuccess_h: 0.5,
    weather_h: 2,
    technical_h: 0.5,
    scheduling_h: 1.25,
    testing_h: 4,
    remaining_h: 0.5,
    observation_efficiency_pct: (100 * 5.5) / 14, // 39.286 (the mean of the shifts: 41.667)
    operation_efficiency_pct: (100 * 7) / 9.25, // 75.676
    time_lost_rate_pct: (100 * 1.5) / 14, // 10.714
    calibration_rate_pct: (100 * 1) / 7, // 14.286
    time_completeness_pct: (100 * 15.5) / 16, // 96.875
    backlog_rate_pct: 20,
    mean_shift_observation_efficiency_pct: (350 / 6 + 25) / 2, // 41.667
  },
};

const ts = (s: string) => `TIMESTAMP '2025-01-${s}'`;

const SHIFTS = `SELECT * FROM (VALUES
  ('12m-2025-01-06-night', '12m', '2025-01-06', ${ts('06 00:00:00')}, ${ts('06 08:00:00')}, 'night', 'SciOps'),
  ('12m-2025-01-07-morning', '12m', '2025-01-07', ${ts('07 08:00:00')}, ${ts('07 16:00:00')}, 'morning', 'SciOps'),
  ('7m-2025-01-06-night', '7m', '2025-01-06', ${ts('06 00:00:00')}, ${ts('06 08:00:00')}, 'night', 'SciOps'),
  ('7m-2025-01-06-late', '7m', '2025-01-06', ${ts('06 06:00:00')}, ${ts('06 14:00:00')}, 'morning', 'SciOps'),
  ('7m-2025-01-08-night', '7m', '2025-01-08', ${ts('08 00:00:00')}, ${ts('08 08:00:00')}, 'night', ''),
  ('7m-2025-01-09-night', '7m', '2025-01-09', ${ts('09 00:00:00')}, ${ts('09 08:00:00')}, 'night', 'Maintenance')
) v(shift_id, array_family, shift_date, start_ts, end_ts, shift_type, activity)`;

// gap_id, shift_id, array, start, end, class, type, tag, priority, related EB, comment, engineering group, is power cut
const GAPS = `SELECT gap_id, shift_id, array_family, start_ts, end_ts, epoch(end_ts - start_ts) / 3600.0 AS duration_h,
  class, type, tag, priority, related_eb_uid, comment, NULL::VARCHAR AS ticket, engineering_group, is_power_cut
FROM (VALUES
  ('A-g1', '12m-2025-01-06-night', '12m', ${ts('06 00:00:00')}, ${ts('06 00:30:00')}, 'GAP', 'Handover', 'Operations', 'None', NULL, 'Afternoon to night shift', NULL, NULL),
  ('A-g2', '12m-2025-01-06-night', '12m', ${ts('06 03:00:00')}, ${ts('06 05:00:00')}, 'GAP', 'Weather downtime', 'Band_3_6_7', 'Low', NULL, 'High PWV', NULL, false),
  ('A-g3', '12m-2025-01-06-night', '12m', ${ts('06 05:00:00')}, ${ts('06 06:00:00')}, 'GAP', 'Failed execution gap', 'PI science', 'Medium', 'uid://A002/X1/X3', 'EB ended FAIL', NULL, NULL),
  ('A-g4', '12m-2025-01-06-night', '12m', ${ts('06 07:00:00')}, ${ts('06 07:30:00')}, 'GAP', 'Technical downtime', 'Engineering', 'High', NULL, 'Correlator fault', 'Correlator', false),
  ('B-g1', '12m-2025-01-07-morning', '12m', ${ts('07 08:00:00')}, ${ts('07 08:15:00')}, 'GAP', 'Handover', 'Operations', 'None', NULL, 'Night to morning shift', NULL, NULL),
  ('B-g2', '12m-2025-01-07-morning', '12m', ${ts('07 08:15:00')}, ${ts('07 12:15:00')}, 'GAP', 'Testing time gap', 'Engineering', 'Low', NULL, 'EOC test', NULL, NULL),
  ('B-g3', '12m-2025-01-07-morning', '12m', ${ts('07 14:45:00')}, ${ts('07 16:00:00')}, 'GAP', 'Scheduling downtime', 'PI science', 'Low', NULL, 'No SB observable', NULL, NULL),
  -- 7 m: a weather downtime whose "is power cut?" is unanswered, with a PI execution inside it.
  ('C-g1', '7m-2025-01-06-night', '7m', ${ts('06 01:00:00')}, ${ts('06 03:00:00')}, 'GAP', 'Weather downtime', 'Band_3_6_7', 'Low', NULL, 'Wind above limits', NULL, NULL),
  -- The overlapping shift logs testing after the first one ends.
  ('D-g1', '7m-2025-01-06-late', '7m', ${ts('06 08:00:00')}, ${ts('06 14:00:00')}, 'GAP', 'Testing time gap', 'Engineering', 'Low', NULL, 'EOC test', NULL, NULL),
  -- Only a handover in the shift with no activity.
  ('E-g1', '7m-2025-01-08-night', '7m', ${ts('08 00:00:00')}, ${ts('08 00:20:00')}, 'GAP', 'Handover', 'Operations', 'None', NULL, 'Afternoon to night shift', NULL, NULL),
  -- Two overlapping gaps: 12 h classified in an 8 h shift.
  ('F-g1', '7m-2025-01-09-night', '7m', ${ts('09 00:00:00')}, ${ts('09 06:00:00')}, 'GAP', 'Other', 'Operations', 'None', NULL, 'Maintenance', NULL, NULL),
  ('F-g2', '7m-2025-01-09-night', '7m', ${ts('09 02:00:00')}, ${ts('09 08:00:00')}, 'GAP', 'Other', 'Operations', 'None', NULL, 'Pad work', NULL, NULL)
) v(gap_id, shift_id, array_family, start_ts, end_ts, class, type, tag, priority, related_eb_uid, comment, engineering_group, is_power_cut)`;

// eb_uid, array, shift_id, start, end, eb status, QA0, calibration
const EXECUTIONS = `SELECT eb_uid, 'uid://A001/X1/X1' AS sb_uid, CASE WHEN is_calibration THEN 'Pointing' ELSE 'M83_a_03_TM1' END AS sb_name,
  array_family, start_ts, end_ts, eb_status, qa0_status, is_calibration, shift_id, 11 AS cycle
FROM (VALUES
  ('uid://A002/X1/X1', '12m', '12m-2025-01-06-night', ${ts('06 00:30:00')}, ${ts('06 02:30:00')}, 'SUCCESS', 'Pass', false),
  ('uid://A002/X1/X2', '12m', '12m-2025-01-06-night', ${ts('06 02:30:00')}, ${ts('06 03:00:00')}, 'SUCCESS', 'Pass', true),
  ('uid://A002/X1/X3', '12m', '12m-2025-01-06-night', ${ts('06 05:00:00')}, ${ts('06 06:00:00')}, 'FAIL', 'Fail', false),
  ('uid://A002/X1/X4', '12m', '12m-2025-01-06-night', ${ts('06 06:00:00')}, ${ts('06 07:00:00')}, 'SUCCESS', 'Pending', false),
  ('uid://A002/X1/X5', '12m', '12m-2025-01-07-morning', ${ts('07 12:15:00')}, ${ts('07 13:15:00')}, 'SUCCESS', 'SemiPass', false),
  ('uid://A002/X1/X6', '12m', '12m-2025-01-07-morning', ${ts('07 13:15:00')}, ${ts('07 14:15:00')}, 'SUCCESS', 'Pass', false),
  ('uid://A002/X1/X7', '12m', '12m-2025-01-07-morning', ${ts('07 14:15:00')}, ${ts('07 14:45:00')}, 'TIMEOUT', 'Pass', true),
  -- 7 m: a PI execution inside the weather downtime C-g1.
  ('uid://A002/X2/X1', '7m', '7m-2025-01-06-night', ${ts('06 02:00:00')}, ${ts('06 03:00:00')}, 'SUCCESS', 'Pass', false),
  -- 7 m: an EB logged under a 12 m shift.
  ('uid://A002/X2/X2', '7m', '12m-2025-01-06-night', ${ts('09 02:00:00')}, ${ts('09 02:30:00')}, 'SUCCESS', 'Pass', false)
) v(eb_uid, array_family, shift_id, start_ts, end_ts, eb_status, qa0_status, is_calibration)`;

/** Loads the fixture's `shift`, `gap` and `execution` into `project` and saves the per-shift metrics recipe. */
export async function loadShiftFixture(ws: Workspace, project: string): Promise<void> {
  for (const [name, select] of [
    ['shift', SHIFTS],
    ['gap', GAPS],
    ['execution', EXECUTIONS],
  ]) {
    const file = ws.tempPath(`-${name}.parquet`);
    await ws.duck.run(`COPY (${select}) TO '${file}' (FORMAT parquet)`);
    await importDataset(ws, LOCAL_ADMIN, project, name, { filePath: file, format: 'parquet' });
    rmSync(file, { force: true });
  }
  const metrics = demoRecipes.find((r) => r.output === 'shift_metrics')!;
  await saveRecipe(ws, LOCAL_ADMIN, project, { type: 'sql', ...metrics });
}
