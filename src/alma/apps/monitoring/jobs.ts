/**
 * The observatory's daily automation (alma-domain §5 and the operations talk's monitoring
 * screen), one scenario per job: when it runs, what it loads from the upstream systems (here
 * the simulator's next increment, staged in `staging_<table>`), what it rebuilds and checks,
 * and which simulated jobs of the `job_run` table are its past runs.
 */

export interface IncrementalLoad {
  table: string;
  timeColumn: string;
  hours: number;
  /** Only these rows of a table several jobs share (`job_run` by `job_name`). */
  match?: { column: string; values: string[] };
}

export interface ObservatoryJob {
  id: string;
  name: string;
  description: string;
  trigger: { dailyAt: string } | { everyMinutes: number } | { cron: string };
  loads: IncrementalLoad[];
  /** Datasets rebuilt after the loads (stale upstream too). */
  builds: string[];
  /** Datasets whose checks run last (a WARNING makes the run WARNING, an ERROR fails it). */
  checks: string[];
  /**
   * Which simulated job runs are this scenario's history: one run per job run, or one run per
   * UTC day at `at` (HH:MM) whose steps are that day's job runs.
   */
  history: { jobs: string[]; per: 'run' } | { jobs: string[]; per: 'day'; at: string } | null;
}

/** The tables loaded incrementally, with their load-cursor column: the demo stages their newest days. */
export const INCREMENTAL_TABLES: Record<string, string> = {
  execution: 'start_ts',
  shift: 'start_ts',
  gap: 'start_ts',
  trec_measurement: 'startvalidtime',
  device_change: 'eventtime',
  job_run: 'scheduled_ts',
  mous: 'observed_ts',
};

const jobRuns = (hours: number, jobs: string[]): IncrementalLoad => ({
  table: 'job_run',
  timeColumn: 'scheduled_ts',
  hours,
  match: { column: 'job_name', values: jobs },
});

export const OBSERVATORY_JOBS: ObservatoryJob[] = [
  {
    id: 'ql_event_etl',
    name: 'QL Event - ALMARELETL',
    description:
      'Event ingestion: the execution blocks reported since the last run (quick-look events), every 15 minutes.',
    trigger: { everyMinutes: 15 },
    loads: [{ table: 'execution', timeColumn: 'start_ts', hours: 0.25 }, jobRuns(0.25, ['metadata_db_replication'])],
    builds: [],
    checks: [],
    history: { jobs: ['metadata_db_replication'], per: 'run' },
  },
  {
    id: 'apdm_daily_refresh',
    name: 'Daily APDM refresh - APDMETL',
    description: 'Daily archive-metadata refresh: the MOUS observed the previous day, and their QA0 reports.',
    trigger: { dailyAt: '03:00' },
    loads: [{ table: 'mous', timeColumn: 'observed_ts', hours: 24 }, jobRuns(24, ['qa0_report_generation'])],
    builds: [],
    checks: [],
    history: { jobs: ['qa0_report_generation'], per: 'day', at: '03:00' },
  },
  {
    id: 'dmg_kpi_refresh',
    name: 'Daily refresh - DMGKPIETL',
    description: 'KPI refresh: product ingest and delivery records, then the data-delivery KPI (30 days).',
    trigger: { dailyAt: '09:02' },
    loads: [jobRuns(24, ['qa2_product_ingest', 'delivery_notification'])],
    builds: ['delivery_kpi'],
    checks: ['delivery_kpi'],
    history: { jobs: ['qa2_product_ingest', 'delivery_notification'], per: 'day', at: '09:02' },
  },
  {
    id: 'sandbox_maintenance',
    name: 'Daily Maintenance - ELTSANDBOX',
    description:
      'Sandbox maintenance: rebuilds the derived tables that went stale (shift metrics, Trec medians, KPI, replication backlog). The simulator has no such job, so it has no imported history.',
    trigger: { dailyAt: '01:09' },
    loads: [],
    builds: ['shift_metrics', 'eb_trec_median', 'delivery_kpi', 'replication_backlog'],
    checks: ['shift_metrics'],
    history: null,
  },
  {
    id: 'elt_asdm_monitoring',
    name: 'Execute ELT ASDM and Monitoring - ELT',
    description: 'ASDM and monitoring ELT: the day’s ASDM ingests and TelCal extracts, and the device changes.',
    trigger: { dailyAt: '22:08' },
    loads: [
      jobRuns(24, ['asdm_ingest_osf', 'telcal_calatmosphere_extract']),
      { table: 'device_change', timeColumn: 'eventtime', hours: 24 },
    ],
    builds: [],
    checks: [],
    history: { jobs: ['asdm_ingest_osf'], per: 'day', at: '22:08' },
  },
  {
    id: 'scan_table_refresh',
    name: 'Refresh Scan Table - ELTSANDBOX',
    description:
      'Scan-table refresh: TelCal’s nightly batch of atmosphere calibrations (receiver temperatures), then the receiver QA (scan and EB outliers, change points and their labels, scores) and the raw-data checks.',
    trigger: { dailyAt: '06:00' },
    loads: [{ table: 'trec_measurement', timeColumn: 'startvalidtime', hours: 24 }],
    builds: ['trec_change_explained', 'trec_qa_scores'],
    checks: ['trec_measurement'],
    history: { jobs: ['telcal_calatmosphere_extract:nightly'], per: 'run' },
  },
  {
    id: 'upload_monitoring_s3',
    name: 'Upload Monitoring to S3 - ELTSANDBOX',
    description: 'Uploads of the monitor data to object storage, hourly.',
    trigger: { cron: '50 * * * *' },
    loads: [jobRuns(1, ['monitor_data_archive'])],
    builds: [],
    checks: [],
    history: { jobs: ['monitor_data_archive'], per: 'run' },
  },
  {
    id: 'upload_asdm_s3',
    name: 'Upload ASDM to S3 - ELTSANDBOX',
    description:
      'Uploads of ASDM data: replication OSF → SCO hourly and SCO → ARCs every 4 hours, then the replication backlog.',
    trigger: { cron: '20 * * * *' },
    loads: [jobRuns(1, ['archive_replication_osf_to_sco', 'archive_replication_sco_to_arc'])],
    builds: ['replication_backlog'],
    checks: [],
    history: { jobs: ['archive_replication_osf_to_sco', 'archive_replication_sco_to_arc'], per: 'run' },
  },
  {
    id: 'grid_update',
    name: 'UpdateGrid - GRIDMONITORING',
    description: 'Grid update: the processing grid’s pipeline calibration and imaging runs.',
    trigger: { cron: '6 * * * *' },
    loads: [jobRuns(1, ['pipeline_calibration', 'pipeline_imaging'])],
    builds: [],
    checks: [],
    history: { jobs: ['pipeline_calibration', 'pipeline_imaging'], per: 'run' },
  },
  {
    id: 'shiftlog_etl',
    name: 'ETL Daily - SHIFTLOGSCHEMAETL',
    description:
      'Shift-log ETL: the previous day’s shifts and shift-log gaps, then the shift metrics and their checks.',
    trigger: { dailyAt: '12:00' },
    loads: [
      { table: 'shift', timeColumn: 'start_ts', hours: 24 },
      { table: 'gap', timeColumn: 'start_ts', hours: 24 },
      jobRuns(24, ['slt_daily_export']),
    ],
    builds: ['shift_metrics'],
    checks: ['shift_metrics'],
    history: { jobs: ['slt_daily_export'], per: 'run' },
  },
];

/** The expected gap between two runs (h): a job whose last success is older than 1.5 × this is late. */
export function periodHours(job: ObservatoryJob): number {
  const t = job.trigger;
  if ('everyMinutes' in t) return t.everyMinutes / 60;
  if ('dailyAt' in t) return 24;
  return t.cron.startsWith('*') || /^\d+ \* /.test(t.cron) ? 1 : 24;
}
