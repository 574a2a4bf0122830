import { DAY_MS, HOUR_MS, MINUTE_MS, YEAR_MS } from './calendar.js';
import { bandName } from './identifiers.js';
import { asOf, type MousRow } from './mous.js';
import type { CompletedMous } from './projects.js';
import type { ExecutionRow } from './executions.js';
import type { ResolvedOptions } from './options.js';
import type { Rng } from './rng.js';

/**
 * Daily data-acquisition and processing job runs (§5 job catalogue). Replication moves
 * a backlog through OSF → SCO → ARCs at a bounded rate, so a network cut leaves failed
 * runs and then a backlog that takes days to drain.
 */

export type JobStatus = 'SUCCESS' | 'FAILED' | 'RUNNING' | 'QUEUED' | 'SKIPPED' | 'TIMEOUT' | 'RETRYING';

export interface JobRunRow {
  run_id: number;
  job_name: string;
  target: string | null;
  scheduled_ts: number;
  start_ts: number | null;
  end_ts: number | null;
  duration_s: number | null;
  status: JobStatus;
  volume_gb: number;
  items: number;
  attempt: number;
  failure_cause: string | null;
  eb_uid: string | null;
  mous_uid: string | null;
}

const CAUSES = ['NGAS disk full', 'Oracle lock timeout', 'out of memory', 'network outage to Santiago'];
const PIPELINE_CAUSES = ['pipeline CASA exception', 'missing calibrator', 'out of memory'];
const ARCS = ['eso', 'nrao', 'naoj'];

export class JobSimulator {
  private nextRunId = 1;
  private readonly outages: [number, number][] = [];
  private scoBacklogGb = 0;
  private readonly arcBacklogGb = new Map(ARCS.map((a) => [a, 0]));
  private osfBacklogGb = 0;
  /** Ingested EB volumes not yet in the OSF backlog: [available at, GB]. */
  private arrivals: [number, number][] = [];
  private previousDayTrecRows = 0;
  private mous: MousRow[] = [];

  constructor(
    private readonly options: ResolvedOptions,
    startMs: number,
    private readonly endMs: number,
    private readonly rng: Rng,
  ) {
    const j = options.jobs;
    const n = rng.poisson((j.networkOutagesPerYear * (endMs - startMs)) / YEAR_MS);
    for (let i = 0; i < n; i++) {
      const s = startMs + rng.next() * (endMs - startMs);
      this.outages.push([s, s + rng.uniform(j.networkOutageHours[0], j.networkOutageHours[1]) * HOUR_MS]);
    }
  }

  private networkDown(ms: number): boolean {
    return this.outages.some(([s, e]) => ms >= s && ms < e);
  }

  private failed(job: string): boolean {
    return this.rng.chance(this.options.jobs.failureProbability[job] ?? 0.01);
  }

  private run(
    rows: JobRunRow[],
    job: string,
    scheduledMs: number,
    durationMs: number,
    fields: Partial<JobRunRow> = {},
  ): JobRunRow {
    let status: JobStatus = fields.status ?? 'SUCCESS';
    let start: number | null = scheduledMs + Math.round(this.rng.uniform(0, 60) * 1000);
    let end: number | null = start + Math.round(durationMs);
    if (start >= this.endMs) {
      status = 'QUEUED';
      start = null;
      end = null;
    } else if (end > this.endMs) {
      status = 'RUNNING';
      end = null;
    }
    const row: JobRunRow = {
      run_id: this.nextRunId++,
      job_name: job,
      target: null,
      scheduled_ts: scheduledMs,
      start_ts: start,
      end_ts: end,
      duration_s: start !== null && end !== null ? Math.round((end - start) / 1000) : null,
      volume_gb: 0,
      items: 1,
      attempt: 1,
      failure_cause: null,
      eb_uid: null,
      mous_uid: null,
      ...fields,
      status,
    };
    rows.push(row);
    return row;
  }

  /** A run that may fail once and be retried (the first attempt then shows RETRYING). */
  private runWithRetry(
    rows: JobRunRow[],
    job: string,
    scheduledMs: number,
    durationMs: number,
    fields: Partial<JobRunRow>,
    causes = CAUSES,
  ): void {
    if (this.failed(job)) {
      this.run(rows, job, scheduledMs, durationMs * this.rng.uniform(0.1, 0.9), {
        ...fields,
        status: 'RETRYING',
        failure_cause: this.rng.pick(causes.slice(0, 3)),
      });
      this.run(rows, job, scheduledMs + durationMs + 10 * MINUTE_MS, durationMs, { ...fields, attempt: 2 });
    } else this.run(rows, job, scheduledMs, durationMs, fields);
  }

  /** Job runs of the day starting at `dayMs`, given the EBs that ended that day. */
  day(
    dayMs: number,
    executions: readonly ExecutionRow[],
    trecRowsByEb: ReadonlyMap<string, number>,
    previousDayRows: number,
    completed: readonly CompletedMous[] = [],
  ): JobRunRow[] {
    const rows: JobRunRow[] = [];
    const rng = this.rng;
    const j = this.options.jobs;
    for (const eb of executions) {
      const hours = (eb.end_ts - eb.start_ts) / HOUR_MS;
      const rate = j.dataTbPerEbHour * (j.dataRateByFamily[eb.array_family as keyof typeof j.dataRateByFamily] ?? 1);
      const volumeGb = rate * 1000 * hours * rng.uniform(0.7, 1.3);
      // Reaches the OSF archive when its ingest is done; replication takes it from then on.
      this.arrivals.push([eb.end_ts + 5 * MINUTE_MS, volumeGb]);
      const fields = { eb_uid: eb.eb_uid, volume_gb: round(volumeGb) };
      this.runWithRetry(
        rows,
        'asdm_ingest_osf',
        eb.end_ts + MINUTE_MS,
        rng.lognormalInRange(3, 1, 10) * MINUTE_MS,
        fields,
      );
      this.runWithRetry(
        rows,
        'telcal_calatmosphere_extract',
        eb.end_ts + 2 * MINUTE_MS,
        rng.lognormalInRange(5, 2, 15) * MINUTE_MS,
        {
          eb_uid: eb.eb_uid,
          items: trecRowsByEb.get(eb.eb_uid) ?? 0,
        },
      );
      if (eb.is_calibration)
        this.run(rows, 'qa0_report_generation', eb.end_ts + 3 * MINUTE_MS, 0, {
          eb_uid: eb.eb_uid,
          status: 'SKIPPED',
          items: 0,
        });
      else
        this.runWithRetry(
          rows,
          'qa0_report_generation',
          eb.end_ts + 3 * MINUTE_MS,
          rng.lognormalInRange(2, 1, 5) * MINUTE_MS,
          { eb_uid: eb.eb_uid },
        );
    }
    for (let q = 0; q < 96; q++) {
      const ms = dayMs + q * 15 * MINUTE_MS;
      if (this.networkDown(ms))
        this.run(rows, 'metadata_db_replication', ms, 30_000, {
          status: 'FAILED',
          failure_cause: 'network outage to Santiago',
          items: 0,
        });
      else
        this.runWithRetry(rows, 'metadata_db_replication', ms, rng.uniform(10, 110) * 1000, {
          volume_gb: round(rng.uniform(0.01, 0.1)),
        });
    }
    // In time order: each replication moves only what has arrived before it runs.
    for (let hour = 0; hour < 24; hour++) {
      const ms = dayMs + hour * HOUR_MS;
      this.runWithRetry(rows, 'monitor_data_archive', ms, rng.lognormalInRange(10, 5, 20) * MINUTE_MS, {
        volume_gb: round(rng.uniform(20, 60) / 24),
      });
      let arrived = 0;
      this.arrivals = this.arrivals.filter(([at, gb]) => (at <= ms ? ((arrived += gb), false) : true));
      this.osfBacklogGb += arrived;
      this.replicate(rows, 'archive_replication_osf_to_sco', null, ms, 1);
      if (hour % 4 === 0) for (const arc of ARCS) this.replicate(rows, 'archive_replication_sco_to_arc', arc, ms, 4);
    }
    // TelCal's nightly batch re-extracts the previous day's atmosphere calibrations (§5).
    this.runWithRetry(
      rows,
      'telcal_calatmosphere_extract',
      dayMs + 6 * HOUR_MS,
      rng.lognormalInRange(8, 2, 15) * MINUTE_MS,
      { target: 'nightly', items: this.previousDayTrecRows },
    );
    this.previousDayTrecRows = 0;
    for (const eb of executions) this.previousDayTrecRows += trecRowsByEb.get(eb.eb_uid) ?? 0;
    this.runWithRetry(rows, 'slt_daily_export', dayMs + 12 * HOUR_MS, rng.lognormalInRange(2, 1, 5) * MINUTE_MS, {
      items: previousDayRows,
    });
    for (const m of completed) this.mous.push(this.lifeCycle(rows, m));
    return rows;
  }

  private replicate(rows: JobRunRow[], job: string, arc: string | null, ms: number, periodHours: number): void {
    const rng = this.rng;
    if (this.networkDown(ms)) {
      this.run(rows, job, ms, rng.uniform(1, 5) * MINUTE_MS, {
        target: arc,
        status: 'FAILED',
        failure_cause: 'network outage to Santiago',
        items: 0,
      });
      return;
    }
    if (this.failed(arc ? job : 'archive_replication_osf_to_sco')) {
      this.run(rows, job, ms, rng.uniform(1, 20) * MINUTE_MS, {
        target: arc,
        status: 'FAILED',
        failure_cause: rng.pick(CAUSES.slice(0, 3)),
        items: 0,
      });
      return;
    }
    const capacityGb = this.options.jobs.replicationTbPerHour * 1000 * periodHours;
    const backlog = arc ? this.arcBacklogGb.get(arc)! : this.osfBacklogGb;
    const moved = Math.min(backlog, capacityGb);
    if (arc) this.arcBacklogGb.set(arc, backlog - moved);
    else {
      this.osfBacklogGb -= moved;
      this.scoBacklogGb += moved;
      for (const a of ARCS) this.arcBacklogGb.set(a, this.arcBacklogGb.get(a)! + moved);
    }
    const base = arc ? 20 : 5;
    const duration = (base + (moved / capacityGb) * (periodHours * 60 - base) * 0.9) * MINUTE_MS;
    this.run(rows, job, ms, duration, { target: arc, volume_gb: round(moved), items: Math.ceil(moved / 50) });
  }

  /** The MOUS rows of the day's completed MOUS, as of the end of the simulation (then emptied). */
  drainMous(): MousRow[] {
    return this.mous.splice(0);
  }

  /**
   * A completed MOUS through processing, QA2 and delivery: its job runs (pipeline stages
   * that may fail and be re-run, product ingest, notification) and its `mous` row. Runs
   * after the end of the simulation are not emitted, except the first, as QUEUED.
   */
  private lifeCycle(rows: JobRunRow[], m: CompletedMous): MousRow {
    const rng = this.rng;
    const j = this.options.jobs;
    const mous = m.sb.mousUid;
    const days = ([median, min, max]: readonly number[]) => rng.lognormalInRange(median, min, max) * DAY_MS;
    let queued = false;
    const emit = (job: string, at: number, durationMs: number, fields: Partial<JobRunRow>) => {
      if (at >= this.endMs) {
        if (!queued) this.run(rows, job, at, durationMs, { mous_uid: mous, ...fields });
        queued = true;
        return;
      }
      this.run(rows, job, at, durationMs, { mous_uid: mous, ...fields });
    };
    // A pipeline stage: a failure or timeout is followed by a second, successful attempt.
    const stage = (job: string, at: number, median: number, min: number, max: number): number => {
      const duration = rng.lognormalInRange(median, min, max) * HOUR_MS;
      if (this.failed(job)) {
        emit(job, at, duration * rng.uniform(0.05, 0.8), {
          status: 'FAILED',
          failure_cause: rng.pick(PIPELINE_CAUSES),
        });
        at += duration + rng.uniform(2, 24) * HOUR_MS;
        emit(job, at, duration, { attempt: 2 });
      } else if (rng.chance(0.02)) {
        emit(job, at, max * HOUR_MS, { status: 'TIMEOUT', failure_cause: 'maximum runtime exceeded' });
        at += max * HOUR_MS + rng.uniform(2, 24) * HOUR_MS;
        emit(job, at, duration, { attempt: 2 });
      } else emit(job, at, duration, {});
      return at + duration;
    };
    const pipelineable = rng.chance(j.pipelineableShare);
    const process = (start: number): number =>
      pipelineable
        ? stage(
            'pipeline_imaging',
            stage('pipeline_calibration', start, 6, 2, 24) + rng.uniform(0.1, 2) * HOUR_MS,
            10,
            2,
            48,
          )
        : start + rng.uniform(2, 10) * DAY_MS; // reduced by hand, no pipeline runs
    const ready = m.observedMs + rng.uniform(0.5, 2) * DAY_MS;
    const processingStart = ready + days(j.processingWaitDays) * (pipelineable ? 1 : 1.5);
    let processed = process(processingStart);
    let qa2Start = processed + days(j.qa2WaitDays);
    let verdict = rng.weightedKey(j.qa2Shares);
    let attempts = 1;
    if (verdict === 'Fail') {
      // QA2 Fail: reprocessed (by hand, with the reducer's fixes), then reviewed again.
      attempts = 2;
      processed = process(qa2Start + rng.uniform(1, 5) * DAY_MS + days([7, 1, 60]));
      qa2Start = processed + rng.uniform(1, 7) * DAY_MS;
      verdict = rng.chance(0.9) ? 'Pass' : 'SemiPass';
    }
    const verified = qa2Start + rng.uniform(0.5, 5) * DAY_MS;
    const readyToDeliver = verified + rng.uniform(0.2, 3) * DAY_MS;
    const ingestHours = rng.lognormalInRange(0.4, 10 / 60, 1);
    emit('qa2_product_ingest', readyToDeliver, ingestHours * HOUR_MS, {
      volume_gb: round(rng.lognormalInRange(20, 1, 200)),
    });
    const delivered = readyToDeliver + ingestHours * HOUR_MS + rng.uniform(0.5, 24) * HOUR_MS;
    emit('delivery_notification', delivered, rng.uniform(0.06, 1) * MINUTE_MS, {});
    return asOf(
      {
        mous_uid: mous,
        gous_uid: m.sb.gousUid,
        sb_uid: m.sb.sbUid,
        sb_name: m.sb.sbName,
        project_code: m.sb.projectCode,
        array_family: m.sb.family,
        band: bandName(m.sb.band),
        executions: m.sb.requiredExecutions,
        pipelineable,
        observed_ts: m.observedMs,
        ready_ts: ready,
        processing_start_ts: processingStart,
        processed_ts: processed,
        qa2_start_ts: qa2Start,
        verified_ts: verified,
        ready_to_deliver_ts: readyToDeliver,
        delivered_ts: delivered,
        qa2_status: verdict,
        qa2_attempts: attempts,
        state: 'FullyObserved',
      },
      this.endMs,
    );
  }
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
