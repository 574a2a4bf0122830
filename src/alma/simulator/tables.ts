import type { DeviceChangeRow, TruthRow } from './devices.js';
import type { ExecutionRow } from './executions.js';
import type { JobRunRow } from './jobs.js';
import type { MousRow } from './mous.js';
import type { ObscoreRow } from './obscore.js';
import type { ProjectRow } from './project-states.js';
import type { SchedBlockRow } from './sb-states.js';
import type { GapRow, ShiftRow } from './shifts.js';

/** Column names and SQL types of every table the simulator writes (file name = table name). */

export type ColumnType = 'VARCHAR' | 'INTEGER' | 'DOUBLE' | 'BOOLEAN' | 'TIMESTAMP';

export interface RowTableSpec<Row> {
  name: string;
  columns: readonly (readonly [keyof Row & string, ColumnType])[];
}

export interface AntennaRow {
  antennaname: string;
  antenna_type: string;
  array_family: string;
  dish_m: number;
  maker: string;
  executive: string;
}

export interface PadRow {
  pad_name: string;
  array_family: string;
  arm: string;
  x_m: number;
  y_m: number;
}

export interface ArrayFamilyRow {
  array_family: string;
  label: string;
  dsa_kind: string;
  correlator: string;
  n_antennas: number;
}

export interface ConfigurationRow {
  configuration_id: string;
  array_family: string;
  configuration_name: string;
  max_baseline_m: number;
  start_ts: number;
  end_ts: number;
}

export const ANTENNA_TABLE: RowTableSpec<AntennaRow> = {
  name: 'antenna',
  columns: [
    ['antennaname', 'VARCHAR'],
    ['antenna_type', 'VARCHAR'],
    ['array_family', 'VARCHAR'],
    ['dish_m', 'DOUBLE'],
    ['maker', 'VARCHAR'],
    ['executive', 'VARCHAR'],
  ],
};

export const PAD_TABLE: RowTableSpec<PadRow> = {
  name: 'pad',
  columns: [
    ['pad_name', 'VARCHAR'],
    ['array_family', 'VARCHAR'],
    ['arm', 'VARCHAR'],
    ['x_m', 'DOUBLE'],
    ['y_m', 'DOUBLE'],
  ],
};

export const ARRAY_FAMILY_TABLE: RowTableSpec<ArrayFamilyRow> = {
  name: 'array_family',
  columns: [
    ['array_family', 'VARCHAR'],
    ['label', 'VARCHAR'],
    ['dsa_kind', 'VARCHAR'],
    ['correlator', 'VARCHAR'],
    ['n_antennas', 'INTEGER'],
  ],
};

export const CONFIGURATION_TABLE: RowTableSpec<ConfigurationRow> = {
  name: 'configuration',
  columns: [
    ['configuration_id', 'VARCHAR'],
    ['array_family', 'VARCHAR'],
    ['configuration_name', 'VARCHAR'],
    ['max_baseline_m', 'DOUBLE'],
    ['start_ts', 'TIMESTAMP'],
    ['end_ts', 'TIMESTAMP'],
  ],
};

export const SHIFT_TABLE: RowTableSpec<ShiftRow> = {
  name: 'shift',
  columns: [
    ['shift_id', 'VARCHAR'],
    ['array_family', 'VARCHAR'],
    ['shift_date', 'VARCHAR'],
    ['start_ts', 'TIMESTAMP'],
    ['end_ts', 'TIMESTAMP'],
    ['shift_type', 'VARCHAR'],
    ['operator', 'VARCHAR'],
    ['aod', 'VARCHAR'],
    ['activity', 'VARCHAR'],
    ['alma_sw_version', 'VARCHAR'],
    ['handover_subject', 'VARCHAR'],
  ],
};

export const GAP_TABLE: RowTableSpec<GapRow> = {
  name: 'gap',
  columns: [
    ['gap_id', 'VARCHAR'],
    ['shift_id', 'VARCHAR'],
    ['array_family', 'VARCHAR'],
    ['start_ts', 'TIMESTAMP'],
    ['end_ts', 'TIMESTAMP'],
    ['duration_h', 'DOUBLE'],
    ['class', 'VARCHAR'],
    ['type', 'VARCHAR'],
    ['tag', 'VARCHAR'],
    ['priority', 'VARCHAR'],
    ['related_eb_uid', 'VARCHAR'],
    ['comment', 'VARCHAR'],
    ['ticket', 'VARCHAR'],
    ['engineering_group', 'VARCHAR'],
    ['is_power_cut', 'BOOLEAN'],
  ],
};

export const EXECUTION_TABLE: RowTableSpec<ExecutionRow> = {
  name: 'execution',
  columns: [
    ['eb_uid', 'VARCHAR'],
    ['sb_uid', 'VARCHAR'],
    ['sb_name', 'VARCHAR'],
    ['mous_uid', 'VARCHAR'],
    ['gous_uid', 'VARCHAR'],
    ['project_code', 'VARCHAR'],
    ['cycle', 'INTEGER'],
    ['grade', 'VARCHAR'],
    ['executive', 'VARCHAR'],
    ['array_family', 'VARCHAR'],
    ['array_name', 'VARCHAR'],
    ['configuration', 'VARCHAR'],
    ['n_antennas', 'INTEGER'],
    ['antennas', 'VARCHAR'],
    ['correlator', 'VARCHAR'],
    ['band', 'VARCHAR'],
    ['rep_freq_ghz', 'DOUBLE'],
    ['start_ts', 'TIMESTAMP'],
    ['end_ts', 'TIMESTAMP'],
    ['eb_status', 'VARCHAR'],
    ['qa0_status', 'VARCHAR'],
    ['exec_fraction', 'DOUBLE'],
    ['is_calibration', 'BOOLEAN'],
    ['pwv_mm', 'DOUBLE'],
    ['shift_id', 'VARCHAR'],
  ],
};

export const DEVICE_CHANGE_TABLE: RowTableSpec<DeviceChangeRow> = {
  name: 'device_change',
  columns: [
    ['event_id', 'INTEGER'],
    ['antennaname', 'VARCHAR'],
    ['eventtime', 'TIMESTAMP'],
    ['change_type', 'VARCHAR'],
    ['receiverband', 'VARCHAR'],
    ['old_serial', 'VARCHAR'],
    ['new_serial', 'VARCHAR'],
    ['new_value', 'VARCHAR'],
    ['comment', 'VARCHAR'],
  ],
};

export const TRUTH_TABLE: RowTableSpec<TruthRow> = {
  name: 'ground_truth',
  columns: [
    ['truth_id', 'INTEGER'],
    ['kind', 'VARCHAR'],
    ['antennaname', 'VARCHAR'],
    ['receiverband', 'VARCHAR'],
    ['polarization', 'VARCHAR'],
    ['basebandname', 'VARCHAR'],
    ['start_ts', 'TIMESTAMP'],
    ['end_ts', 'TIMESTAMP'],
    ['magnitude', 'DOUBLE'],
    ['event_id', 'INTEGER'],
    ['eb_uid', 'VARCHAR'],
    ['caldataid', 'INTEGER'],
    ['comment', 'VARCHAR'],
  ],
};

export const JOB_RUN_TABLE: RowTableSpec<JobRunRow> = {
  name: 'job_run',
  columns: [
    ['run_id', 'INTEGER'],
    ['job_name', 'VARCHAR'],
    ['target', 'VARCHAR'],
    ['scheduled_ts', 'TIMESTAMP'],
    ['start_ts', 'TIMESTAMP'],
    ['end_ts', 'TIMESTAMP'],
    ['duration_s', 'INTEGER'],
    ['status', 'VARCHAR'],
    ['volume_gb', 'DOUBLE'],
    ['items', 'INTEGER'],
    ['attempt', 'INTEGER'],
    ['failure_cause', 'VARCHAR'],
    ['eb_uid', 'VARCHAR'],
    ['mous_uid', 'VARCHAR'],
  ],
};

export const MOUS_TABLE: RowTableSpec<MousRow> = {
  name: 'mous',
  columns: [
    ['mous_uid', 'VARCHAR'],
    ['gous_uid', 'VARCHAR'],
    ['sb_uid', 'VARCHAR'],
    ['sb_name', 'VARCHAR'],
    ['project_code', 'VARCHAR'],
    ['array_family', 'VARCHAR'],
    ['band', 'VARCHAR'],
    ['executions', 'INTEGER'],
    ['pipelineable', 'BOOLEAN'],
    ['observed_ts', 'TIMESTAMP'],
    ['ready_ts', 'TIMESTAMP'],
    ['processing_start_ts', 'TIMESTAMP'],
    ['processed_ts', 'TIMESTAMP'],
    ['qa2_start_ts', 'TIMESTAMP'],
    ['verified_ts', 'TIMESTAMP'],
    ['ready_to_deliver_ts', 'TIMESTAMP'],
    ['delivered_ts', 'TIMESTAMP'],
    ['qa2_status', 'VARCHAR'],
    ['qa2_attempts', 'INTEGER'],
    ['state', 'VARCHAR'],
  ],
};

export const SCHED_BLOCK_TABLE: RowTableSpec<SchedBlockRow> = {
  name: 'sched_block',
  columns: [
    ['sb_uid', 'VARCHAR'],
    ['sb_name', 'VARCHAR'],
    ['mous_uid', 'VARCHAR'],
    ['gous_uid', 'VARCHAR'],
    ['project_code', 'VARCHAR'],
    ['cycle', 'INTEGER'],
    ['grade', 'VARCHAR'],
    ['array_family', 'VARCHAR'],
    ['band', 'VARCHAR'],
    ['required_executions', 'INTEGER'],
    ['executions', 'INTEGER'],
    ['pass_executions', 'INTEGER'],
    ['first_eb_ts', 'TIMESTAMP'],
    ['last_eb_ts', 'TIMESTAMP'],
    ['fully_observed_ts', 'TIMESTAMP'],
    ['cycle_end_ts', 'TIMESTAMP'],
    ['state', 'VARCHAR'],
  ],
};

export const PROJECT_TABLE: RowTableSpec<ProjectRow> = {
  name: 'project',
  columns: [
    ['project_code', 'VARCHAR'],
    ['cycle', 'INTEGER'],
    ['grade', 'VARCHAR'],
    ['sched_blocks', 'INTEGER'],
    ['sb_started', 'INTEGER'],
    ['sb_fully_observed', 'INTEGER'],
    ['first_eb_ts', 'TIMESTAMP'],
    ['last_eb_ts', 'TIMESTAMP'],
    ['state', 'VARCHAR'],
  ],
};

/** `ivoa.obscore` columns in the archive's order (§7). */
export const OBSCORE_TABLE: RowTableSpec<ObscoreRow> = {
  name: 'obscore',
  columns: [
    ['obs_publisher_did', 'VARCHAR'],
    ['obs_collection', 'VARCHAR'],
    ['facility_name', 'VARCHAR'],
    ['instrument_name', 'VARCHAR'],
    ['obs_id', 'VARCHAR'],
    ['dataproduct_type', 'VARCHAR'],
    ['calib_level', 'INTEGER'],
    ['target_name', 'VARCHAR'],
    ['s_ra', 'DOUBLE'],
    ['s_dec', 'DOUBLE'],
    ['s_fov', 'DOUBLE'],
    ['s_region', 'VARCHAR'],
    ['s_resolution', 'DOUBLE'],
    ['t_min', 'DOUBLE'],
    ['t_max', 'DOUBLE'],
    ['t_exptime', 'DOUBLE'],
    ['t_resolution', 'DOUBLE'],
    ['em_min', 'DOUBLE'],
    ['em_max', 'DOUBLE'],
    ['em_res_power', 'DOUBLE'],
    ['pol_states', 'VARCHAR'],
    ['o_ucd', 'VARCHAR'],
    ['access_url', 'VARCHAR'],
    ['access_format', 'VARCHAR'],
    ['proposal_id', 'VARCHAR'],
    ['data_rights', 'VARCHAR'],
    ['gal_longitude', 'DOUBLE'],
    ['gal_latitude', 'DOUBLE'],
    ['band_list', 'VARCHAR'],
    ['em_resolution', 'DOUBLE'],
    ['bandwidth', 'DOUBLE'],
    ['antenna_arrays', 'VARCHAR'],
    ['is_mosaic', 'VARCHAR'],
    ['obs_release_date', 'TIMESTAMP'],
    ['spatial_resolution', 'DOUBLE'],
    ['frequency_support', 'VARCHAR'],
    ['frequency', 'DOUBLE'],
    ['velocity_resolution', 'DOUBLE'],
    ['obs_creator_name', 'VARCHAR'],
    ['pub_title', 'VARCHAR'],
    ['first_author', 'VARCHAR'],
    ['authors', 'VARCHAR'],
    ['pub_abstract', 'VARCHAR'],
    ['publication_year', 'INTEGER'],
    ['proposal_abstract', 'VARCHAR'],
    ['schedblock_name', 'VARCHAR'],
    ['proposal_authors', 'VARCHAR'],
    ['sensitivity_10kms', 'DOUBLE'],
    ['cont_sensitivity_bandwidth', 'DOUBLE'],
    ['pwv', 'DOUBLE'],
    ['group_ous_uid', 'VARCHAR'],
    ['member_ous_uid', 'VARCHAR'],
    ['asdm_uid', 'VARCHAR'],
    ['obs_title', 'VARCHAR'],
    ['type', 'VARCHAR'],
    ['scan_intent', 'VARCHAR'],
    ['science_observation', 'VARCHAR'],
    ['spatial_scale_max', 'DOUBLE'],
    ['qa2_passed', 'VARCHAR'],
    ['bib_reference', 'VARCHAR'],
    ['science_keyword', 'VARCHAR'],
    ['scientific_category', 'VARCHAR'],
    ['spectral_resolution', 'DOUBLE'],
    ['lastModified', 'TIMESTAMP'],
  ],
};

/** The tables written row by row, with their declared columns (the Trec tables': trec-files.ts). */
export const ROW_TABLES: readonly { name: string; columns: readonly (readonly [string, ColumnType])[] }[] = [
  ANTENNA_TABLE,
  PAD_TABLE,
  ARRAY_FAMILY_TABLE,
  CONFIGURATION_TABLE,
  SHIFT_TABLE,
  GAP_TABLE,
  EXECUTION_TABLE,
  DEVICE_CHANGE_TABLE,
  TRUTH_TABLE,
  JOB_RUN_TABLE,
  MOUS_TABLE,
  OBSCORE_TABLE,
  SCHED_BLOCK_TABLE,
  PROJECT_TABLE,
];

export const TREC_TABLE_NAME = 'trec_measurement';
/** Spectra of a sample of Trec measurements (all of them with `spectra: true`). */
export const TREC_SPECTRUM_TABLE_NAME = 'trec_spectrum';

/** Every table in the order `simulate` writes them. */
export const TABLE_NAMES = [
  'antenna',
  'pad',
  'array_family',
  'configuration',
  'shift',
  'gap',
  'execution',
  'device_change',
  'ground_truth',
  'job_run',
  'mous',
  'obscore',
  'sched_block',
  'project',
  TREC_TABLE_NAME,
  TREC_SPECTRUM_TABLE_NAME,
] as const;
