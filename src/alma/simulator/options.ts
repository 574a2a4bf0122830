import { z } from 'zod';

/**
 * Every [A] assumption of docs alma-domain.md is a parameter here, with the documented
 * default. `simulationOptionsSchema.parse({ out })` gives the full default model.
 */

const range = (min: number, max: number) => z.tuple([z.number(), z.number()]).default([min, max]);
const share = z.number().min(0);
const monthly = (values: number[]) => z.array(z.number().min(0)).length(12).default(values);

/** Receiver bands simulated (Band 2 is not offered). */
export const BANDS = [1, 3, 4, 5, 6, 7, 8, 9, 10] as const;
export type Band = (typeof BANDS)[number];
export type ArrayFamily = '12m' | '7m' | 'TP';
export const ARRAY_FAMILIES: readonly ArrayFamily[] = ['12m', '7m', 'TP'];

const bandModelSchema = z.object({
  /** Median and spread of a cartridge's Trec (K), §2.1 "simulator default". */
  trecMedian: z.number().positive(),
  trecSd: z.number().nonnegative(),
  /** Per-measurement multiplicative noise σ, §2.3. */
  noise: z.number().nonnegative(),
  /** "Spec at any frequency" hard limit (K), §2.1 (unverified [A]). */
  specAnyFrequency: z.number().positive(),
  /** Highest PWV (mm) at which the band is scheduled. */
  maxPwvMm: z.number().positive(),
  /** Zenith opacity model: tau = dry + wet × PWV(mm). */
  tauDry: z.number().nonnegative(),
  tauWet: z.number().nonnegative(),
});
export type BandModel = z.infer<typeof bandModelSchema>;

const defaultBands: Record<string, BandModel> = {
  '1': { trecMedian: 25, trecSd: 3, noise: 0.015, specAnyFrequency: 40, maxPwvMm: 20, tauDry: 0.01, tauWet: 0.005 },
  '3': { trecMedian: 35, trecSd: 5, noise: 0.015, specAnyFrequency: 45, maxPwvMm: 20, tauDry: 0.02, tauWet: 0.012 },
  '4': { trecMedian: 45, trecSd: 6, noise: 0.015, specAnyFrequency: 82, maxPwvMm: 8, tauDry: 0.03, tauWet: 0.02 },
  '5': { trecMedian: 50, trecSd: 6, noise: 0.015, specAnyFrequency: 75, maxPwvMm: 3, tauDry: 0.05, tauWet: 0.15 },
  '6': { trecMedian: 55, trecSd: 8, noise: 0.015, specAnyFrequency: 136, maxPwvMm: 6, tauDry: 0.03, tauWet: 0.04 },
  '7': { trecMedian: 80, trecSd: 12, noise: 0.03, specAnyFrequency: 219, maxPwvMm: 2.0, tauDry: 0.05, tauWet: 0.09 },
  '8': { trecMedian: 140, trecSd: 20, noise: 0.03, specAnyFrequency: 292, maxPwvMm: 1.3, tauDry: 0.1, tauWet: 0.25 },
  '9': { trecMedian: 105, trecSd: 15, noise: 0.05, specAnyFrequency: 261, maxPwvMm: 0.9, tauDry: 0.2, tauWet: 0.45 },
  '10': { trecMedian: 200, trecSd: 25, noise: 0.05, specAnyFrequency: 344, maxPwvMm: 0.7, tauDry: 0.3, tauWet: 0.7 },
};

const familyNumbers = (twelve: number, seven: number, tp: number) =>
  z.object({ '12m': z.number(), '7m': z.number(), TP: z.number() }).default({ '12m': twelve, '7m': seven, TP: tp });
const familyRanges = (twelve: [number, number], seven: [number, number], tp: [number, number]) =>
  z
    .object({
      '12m': z.tuple([z.number(), z.number()]),
      '7m': z.tuple([z.number(), z.number()]),
      TP: z.tuple([z.number(), z.number()]),
    })
    .default({ '12m': twelve, '7m': seven, TP: tp });

export const trecModelSchema = z.object({
  bands: z.record(z.string(), bandModelSchema).default(defaultBands),
  basebandOffsetSd: z.number().default(0.04),
  polarisationOffsetSd: z.number().default(0.05),
  /** U-shape across the RF band: +this fraction at the band edges. */
  loEdgeExcess: z.number().default(0.1),
  scanOutlierRate: z.number().min(0).max(1).default(0.003),
  scanOutlierFactor: range(1.5, 5),
  /** Share of rows with a non-physical value (≤ 0 K or > 2000 K), part of the outliers. */
  nonPhysicalRate: z.number().min(0).max(1).default(0.0005),
  ebOutlierRate: z.number().min(0).max(1).default(0.05),
  ebOutlierFactor: range(1.3, 3),
  driftingUnitShare: z.number().min(0).max(1).default(0.2),
  /** Upper bound of the upward drift, fraction per year. */
  maxDriftPerYear: z.number().default(0.05),
  retuneStep: range(-0.15, -0.05),
  /** Trec of a replacement WCA relative to the old one (uniform). */
  wcaStep: range(-0.1, 0.1),
  excursionFactor: range(1.3, 2.0),
  excursionHours: range(6, 72),
  /** ATM-calibration scans per EB: [min, max] and the median. */
  atmScans: familyRanges([3, 10], [3, 8], [4, 12]),
  atmScansMedian: familyNumbers(5, 5, 7),
  spectrumChannels: z.number().int().min(2).max(4096).default(128),
  /** Forward efficiency η of the Tsys formula. */
  forwardEfficiency: z.number().default(0.95),
});

export const devicesModelSchema = z.object({
  cartridgeReplacementsPerCartridgeYear: z.number().min(0).default(0.15),
  wcaReplacementsPerCartridgeYear: z.number().min(0).default(0.05),
  frontEndSwapsPerAntennaYear: z.number().min(0).default(0.25),
  sisRetunesPerCartridgeYear: z.number().min(0).default(0.2),
  cryostatWarmupsPerAntennaYear: z.number().min(0).default(0.3),
  /** Days an antenna stays out of service after a warm-up excursion. */
  outAfterWarmupDays: range(2, 10),
  overhaulsPerYear: z.number().min(0).default(2),
  overhaulDays: range(14, 42),
  spareFrontEnds: z.number().int().min(0).default(4),
  /** 12-m reconfiguration cadence (days) and the share of antennas moved each time. */
  reconfigurationEveryDays: z.number().positive().default(30),
  padMoveShare: range(0.2, 0.6),
  reconfigurationDays: range(3, 7),
});

export const observingModelSchema = z.object({
  /**
   * Planned SB length in minutes: median, min, max (log-normal). EBs end inside their shift
   * and before bad weather, so near those only shorter SBs fit: the executed EBs come out at
   * the §3.3 medians (12-m 70, 7-m / TP 60 min), ~15 % below these.
   */
  scienceEbMinutes: familyRanges([20, 150], [20, 120], [20, 120]),
  scienceEbMedianMinutes: familyNumbers(84, 70, 70),
  calibrationEbMinutes: range(3, 30),
  calibrationEbMedianMinutes: z.number().default(10),
  interEbOverheadMinutes: range(2, 5),
  ebStatusShares: z
    .object({ SUCCESS: share, PARTIAL: share, FAIL: share, ABORTED: share, TIMEOUT: share })
    .default({ SUCCESS: 0.885, PARTIAL: 0.02, FAIL: 0.05, ABORTED: 0.037, TIMEOUT: 0.008 }),
  /** QA0 split of completed EBs (SUCCESS, PARTIAL, TIMEOUT). */
  qa0Shares: z
    .object({ Pass: share, SemiPass: share, Fail: share })
    .default({ Pass: 0.87, SemiPass: 0.08, Fail: 0.05 }),
  /** An EB cut by the end of its shift is left RUNNING with this probability. */
  runningAtShiftEndProbability: z.number().min(0).max(1).default(0.1),
  /** QA0 review delay: EBs whose review would fall after the end of the simulation stay Pending. */
  qa0ReviewHours: range(0.5, 48),
  antennasPerEb: familyRanges([40, 50], [8, 12], [2, 4]),
  totalPowerJoinsTwelveMeterShare: z.number().min(0).max(1).default(0.02),
  bandMix: z
    .object({ '12m': z.record(z.string(), share), '7m': z.record(z.string(), share), TP: z.record(z.string(), share) })
    .default({
      '12m': { '1': 3, '3': 20, '4': 8, '5': 3, '6': 30, '7': 25, '8': 5, '9': 4, '10': 2 },
      '7m': { '1': 2, '3': 20, '4': 8, '5': 3, '6': 30, '7': 27, '8': 6, '9': 3, '10': 1 },
      TP: { '3': 25, '4': 8, '5': 2, '6': 30, '7': 30, '8': 5 },
    }),
  executiveShares: z
    .object({ NA: share, EU: share, EA: share, CL: share, OTHER: share })
    .default({ NA: 33.75, EU: 33.75, EA: 22.5, CL: 10, OTHER: 0 }),
  /**
   * Long-run shares of the observable time (what weather, handover and unlogged minutes
   * leave: ~85 % of non-February clock time), §3.3. Calibrated to the delivered hours [S8]:
   * the §3.3 table's 58 % science left no room for failed EBs and set-up, so technical,
   * testing and the small gaps give way. `science` is the 12-m value; see `scienceShareByFamily`.
   */
  timeBudget: z
    .object({
      science: share,
      calibration: share,
      technical: share,
      testing: share,
      scheduling: share,
      arrayRecreation: share,
      other: share,
      userError: share,
    })
    .default({
      science: 0.83,
      calibration: 0.06,
      technical: 0.04,
      testing: 0.035,
      scheduling: 0.012,
      arrayRecreation: 0.01,
      other: 0.008,
      userError: 0.005,
    }),
  /**
   * Science share of each array's time (the 12-m value is `timeBudget.science`'s role for
   * that array; the rest of `timeBudget.science` becomes scheduling downtime). Calibrated
   * so the delivered hours match Cycle 11 [S8]: 12-m 4,496 h, 7-m 4,201 h, TP 3,240 h.
   */
  scienceShareByFamily: familyNumbers(0.83, 0.81, 0.61),
  /** Share of shifts run as EOC / Engineering rather than SciOps. */
  nonScienceShiftShare: z.number().min(0).max(1).default(0.1),
  /** Handover time lost per shift (the talk's figure: ~0.6 h per array per week over 21 shifts). */
  handoverMinutes: range(1, 2.5),
  /** Unlogged minutes before each logged entry (the talk's figure: ~1.6 % of shift time). */
  unloggedMinutes: range(0, 1.5),
  februaryShutdown: z.boolean().default(true),
  /** 7-m / TP science still done in February, relative to other months. */
  februaryCompactArrayScience: z.number().min(0).max(1).default(0.05),
  gapPriorityShares: z
    .object({ Blocker: share, High: share, Medium: share, Low: share, None: share })
    .default({ Blocker: 3, High: 12, Medium: 35, Low: 30, None: 20 }),
  /** Projects per cycle and SBs per family per cycle in the pool EBs are drawn from. */
  projectsPerCycle: z.number().int().min(1).default(600),
  /** Enough SBs that each array's queue does not run dry: ~3,600 MOUS complete a year [S12]. */
  schedBlocksPerCycle: familyNumbers(1800, 1700, 1400),
});

export const weatherModelSchema = z.object({
  /** Median PWV (mm) by month, January first (altiplanic winter wet in Jan–Mar). */
  pwvMedianByMonth: monthly([3.5, 4.5, 3.0, 1.8, 1.4, 1.2, 1.1, 1.1, 1.1, 1.2, 1.4, 2.2]),
  /** Log-PWV spread and hour-to-hour persistence of the AR(1) sky process. */
  pwvLogSd: z.number().default(0.55),
  pwvHourlyPersistence: z.number().min(0).max(0.9999).default(0.97),
  /** Night PWV is lower: multiplicative day/night swing. */
  pwvDiurnalSwing: z.number().default(0.15),
  /** Share of time lost to weather by month, January first (§3.3: 25–40 % Jan/Mar, 5–10 % Jun–Oct). */
  weatherDowntimeByMonth: monthly([0.32, 0.4, 0.28, 0.12, 0.1, 0.08, 0.07, 0.07, 0.07, 0.07, 0.09, 0.18]),
});

export const jobsModelSchema = z.object({
  /** Per-run failure probability by job (§5 catalogue). */
  failureProbability: z.record(z.string(), z.number().min(0).max(1)).default({
    asdm_ingest_osf: 0.01,
    archive_replication_osf_to_sco: 0.02,
    archive_replication_sco_to_arc: 0.03,
    metadata_db_replication: 0.01,
    monitor_data_archive: 0.02,
    telcal_calatmosphere_extract: 0.02,
    qa0_report_generation: 0.01,
    slt_daily_export: 0.005,
    pipeline_calibration: 0.065,
    pipeline_imaging: 0.075,
    qa2_product_ingest: 0.02,
    delivery_notification: 0.005,
  }),
  networkOutagesPerYear: z.number().min(0).default(6),
  networkOutageHours: range(6, 72),
  /**
   * Science data rate of a 12-m EB (TB per EB hour), the other arrays' relative to it (fewer
   * baselines), and the replication capacity (TB/h). Together ~200 TB/yr, ~0.5 TB/day [S13].
   */
  dataTbPerEbHour: z.number().default(0.025),
  dataRateByFamily: familyNumbers(1, 0.25, 0.08),
  replicationTbPerHour: z.number().default(0.08),
  /** Unused since MOUS complete from their SBs' executions (kept so old option files still parse). */
  mousPerDay: z.number().default(10),
  /**
   * MOUS queues [S12]: days waiting for processing and for the QA2 review (median, min,
   * max of a clamped log-normal), giving the historical ~9.5-week median delivery.
   */
  processingWaitDays: z.tuple([z.number(), z.number(), z.number()]).default([32, 7, 150]),
  qa2WaitDays: z.tuple([z.number(), z.number(), z.number()]).default([17, 3, 80]),
  pipelineableShare: z.number().min(0).max(1).default(0.9),
  qa2Shares: z.object({ Pass: share, SemiPass: share, Fail: share }).default({ Pass: 85, SemiPass: 8, Fail: 7 }),
});

export const simulationOptionsSchema = z
  .object({
    start: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'start must be a date YYYY-MM-DD')
      .refine((s) => {
        const ms = Date.parse(`${s}T00:00:00Z`);
        return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === s;
      }, 'start must be a valid date')
      .default('2024-10-01'),
    /** Days to simulate; defaults to 30, or to `fullScale.days` with scale 'full'. */
    days: z.number().int().min(1).max(20000).optional(),
    seed: z.number().int().default(42),
    out: z.string().min(1),
    format: z.enum(['parquet', 'csv']).default('parquet'),
    /** Spectra on every Trec row (scale 'full' puts them on a sample, see fullScale). */
    spectra: z.boolean().default(false),
    scale: z.enum(['default', 'full']).default('default'),
    fullScale: z
      .object({ days: z.number().int().min(1).default(1385), spectraRows: z.number().int().min(0).default(715_000) })
      .prefault({}),
    /** Antenna inventory (§1.1); fewer antennas make small test data. */
    antennas: z
      .object({
        DA: z.number().int().min(0).max(25).default(25),
        DV: z.number().int().min(0).max(25).default(25),
        CM: z.number().int().min(0).max(12).default(12),
        PM: z.number().int().min(0).max(4).default(4),
      })
      .prefault({}),
    trec: trecModelSchema.prefault({}),
    devices: devicesModelSchema.prefault({}),
    observing: observingModelSchema.prefault({}),
    weather: weatherModelSchema.prefault({}),
    jobs: jobsModelSchema.prefault({}),
    /** Worker threads expanding and encoding the Trec files (default: one per CPU). */
    threads: z.number().int().min(1).max(64).optional(),
    /** DuckDB memory limit while converting finished tables to CSV (`format: 'csv'`). */
    memoryLimit: z.string().default('640MB'),
  })
  .strict();

export type SimulationOptionsInput = z.input<typeof simulationOptionsSchema>;
export type SimulationOptions = z.output<typeof simulationOptionsSchema>;

/** Options with the scale preset applied: what the generators read. */
export interface ResolvedOptions extends SimulationOptions {
  days: number;
  /** Share of EBs whose Trec rows carry spectra (0 = none). */
  spectraShare: number;
}

export function resolveOptions(input: SimulationOptionsInput): ResolvedOptions {
  const o = simulationOptionsSchema.parse(input);
  const full = o.scale === 'full';
  const days = o.days ?? (full ? o.fullScale.days : 30);
  // Full scale reproduces the observatory's spectra table size: about 715 000 measurements
  // out of ~17.5 M carry spectra, so only a matching share of EBs gets them.
  const spectraShare = full
    ? Math.min(1, (o.fullScale.spectraRows / 17_500_000) * (o.fullScale.days / days))
    : o.spectra
      ? 1
      : 0;
  return { ...o, days, spectraShare };
}
