import { NON_PHYSICAL_CEILING_K } from '../../simulator/demo-recipes.js';
import { bandName } from '../../simulator/identifiers.js';
import { trecModelSchema } from '../../simulator/options.js';

/**
 * Receiver-temperature QA (issue 21 §3) as a flow: scan values flagged (non-physical, above the
 * band's limit, robust z within the antenna's EB), per-EB medians scored against the antenna's own
 * history (Hampel), the outlying EBs removed before change-point detection, each change point
 * labelled explained or unexplained by the device changes, and a per-EB antenna × band series for
 * the online detector.
 */

/** Thresholds, on log Trec (a ratio scale): the defaults hold on the simulator's families of faults. */
export const TREC_QA_DEFAULTS = {
  /** Robust z of a scan against the antenna's other scans of the EB (same band and polarisation). */
  scanZ: 6,
  /** Hampel: robust z of an EB median against the EBs around it in the series. */
  ebZ: 5,
  /** A device change within this many EBs of a change point explains it. */
  explainEbs: 2,
  /** Shortest level the change-point detector accepts, in EBs of the antenna × band series. */
  changeMinEbs: 4,
  /**
   * Smallest step reported (relative). The per-EB medians are precise to about 1 %, so the
   * detector also finds real shifts of 1–2 % that no receiver engineer would chase.
   */
  minStep: 0.03,
  /**
   * …and the antenna must also move against the EB's other antennas by this much (the median of
   * its array-relative values over `changeMinEbs` EBs on each side): shifts of 3–4 % at the same EB
   * on most antennas of a band (on the simulator's truth: no device behind them) are the array's,
   * not a receiver's.
   */
  minArrayStep: 0.025,
};

/** Trec-affecting device changes (pad moves and band status changes do not change Trec). */
export const TREC_DEVICE_CHANGES = ['CartridgeReplaced', 'WCAReplaced', 'FrontEndSwap', 'SISRetune', 'CryostatWarmup'];

const sqlList = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');

/** The "spec at any frequency" hard limits per band (K), §2.1. */
export function bandLimits(): [string, number][] {
  const bands = trecModelSchema.parse({}).bands;
  return Object.entries(bands).map(([b, m]) => [bandName(Number(b)), m.specAnyFrequency]);
}
const limitsTable = () =>
  `(VALUES ${bandLimits()
    .map(([b, l]) => `('${b}', ${l})`)
    .join(', ')}) AS lim(receiverband, limit_k)`;

const OUTLIER_FACTOR = 1.25;

/** A scan value is an outlier when non-physical, or a robust-z outlier that is also a quarter off. */
export const SCAN_OUTLIER_SQL = `(non_physical OR (is_outlier AND abs(log_ratio) >= ln(${OUTLIER_FACTOR})))`;
const MIN_SCAN_LOG_RATIO = Math.log(OUTLIER_FACTOR);

const physical = (c: string) => `(${c} > 0 AND ${c} <= ${NON_PHYSICAL_CEILING_K})`;

const SCAN_LONG_SQL = (where = '') => `WITH long AS (
  SELECT uid, caldataid, antennaname, receiverband, basebandname, startvalidtime, 'X' AS pol, trec_x AS trec FROM trec_measurement${where}
  UNION ALL
  SELECT uid, caldataid, antennaname, receiverband, basebandname, startvalidtime, 'Y' AS pol, trec_y AS trec FROM trec_measurement${where}
)
SELECT uid AS eb_uid, caldataid, antennaname, long.receiverband, basebandname, pol, startvalidtime, trec,
  NOT ${physical('trec')} AS non_physical,
  ${physical('trec')} AND trec > lim.limit_k AS over_band_limit,
  -- log Trec relative to the same baseband's other scans of the EB (baseband offsets and the LO
  -- U-shape cancel, what is left is noise and faults); with fewer than 3 scans, to all the
  -- antenna's values of the EB in that polarisation (one fault cannot move their median).
  CASE WHEN ${physical('trec')} THEN ln(trec) - CASE
    WHEN count(trec) OVER bb >= 3 THEN median(CASE WHEN ${physical('trec')} THEN ln(trec) END) OVER bb
    ELSE median(CASE WHEN ${physical('trec')} THEN ln(trec) END) OVER eb END END AS log_ratio
FROM long LEFT JOIN ${limitsTable()} ON long.receiverband = lim.receiverband
WINDOW bb AS (PARTITION BY uid, antennaname, long.receiverband, basebandname, pol),
  eb AS (PARTITION BY uid, antennaname, long.receiverband, pol)`;

/**
 * The scan flags of one EB (`$1`, its uid), as score_trec_scans computes them for every EB: the
 * robust z of log Trec within the antenna's scans of the EB (1.4826·MAD, or 1.2533·mean absolute
 * deviation when the MAD is 0), written out in SQL so the explorer can show any EB at once, before
 * the nightly scan-level build has run. Without the SQL comments: the client takes one statement
 * and refuses any ';'.
 */
export const ebScanFlagsSql = () => `WITH scans AS (
${SCAN_LONG_SQL(' WHERE uid = $1').replace(/--[^\n]*\n/g, '\n')}
),
centred AS (
  SELECT *, median(log_ratio) OVER g AS centre FROM scans WINDOW g AS (PARTITION BY antennaname, receiverband, pol)
),
scaled AS (
  SELECT *, median(abs(log_ratio - centre)) OVER g AS mad, avg(abs(log_ratio - centre)) OVER g AS mean_dev
  FROM centred WINDOW g AS (PARTITION BY antennaname, receiverband, pol)
)
SELECT antennaname, receiverband, basebandname, pol, caldataid, trec, non_physical, over_band_limit, log_ratio,
  non_physical OR (abs(log_ratio) >= ${MIN_SCAN_LOG_RATIO} AND CASE
    WHEN mad > 0 THEN abs(log_ratio - centre) / (1.4826 * mad)
    WHEN mean_dev > 0 THEN abs(log_ratio - centre) / (1.2533141373155 * mean_dev)
    WHEN log_ratio <> centre THEN 'Infinity'::DOUBLE ELSE 0 END > ${TREC_QA_DEFAULTS.scanZ}) AS outlier
FROM scaled
ORDER BY antennaname, basebandname, pol, caldataid`;

/**
 * log Trec of each per-EB median against the antenna's own history (a rolling median of the
 * series, ±10 EBs) and against the other antennas of the EB (same band, baseband and
 * polarisation: the tuning's LO U-shape, common to all, cancels).
 */
const RELATE_EB_SQL = `WITH m AS (
  SELECT *, CASE WHEN trec_median > 0 THEN ln(trec_median) END AS lt FROM eb_trec_median
)
SELECT *,
  lt - median(lt) OVER (PARTITION BY antennaname, receiverband, basebandname, pol ORDER BY eb_start
    ROWS BETWEEN 10 PRECEDING AND 10 FOLLOWING) AS log_ratio_history,
  lt - median(lt) OVER (PARTITION BY eb_uid, receiverband, basebandname, pol) AS log_ratio_array,
  count(lt) OVER (PARTITION BY eb_uid, receiverband, basebandname, pol) AS antennas_in_eb
FROM m`;

/** A flag needs a real effect too: a quarter above or below (a robust z alone flags tiny deviations of quiet series). */
export const MIN_OUTLIER_LOG_RATIO = Math.log(OUTLIER_FACTOR);

/**
 * EB outliers: a quarter or more off the antenna's own history, and an outlier among the EB's
 * antennas (robust z) when the EB has enough of them to tell. The cleaned series (outliers removed,
 * on the array-relative scale) is what change points are looked for in.
 */
const CLEAN_EB_SQL = () => `WITH f AS (
  SELECT *, abs(log_ratio_history) >= ${MIN_OUTLIER_LOG_RATIO}
    AND (is_outlier OR antennas_in_eb < 5 OR outlier_score IS NULL) AS flagged
  FROM eb_trec_scored
)
SELECT eb_uid, antennaname, array_family, receiverband, basebandname, pol, eb_start, trec_median,
  n_scans, n_non_physical, cartridge_serial, log_ratio_history, log_ratio_array, outlier_score AS array_z,
  coalesce(flagged, false) AS eb_outlier,
  CASE WHEN coalesce(flagged, false) THEN NULL ELSE trec_median END AS trec_clean,
  CASE WHEN coalesce(flagged, false) THEN NULL ELSE log_ratio_array END AS trec_norm
FROM f`;

/**
 * One value per EB, antenna and band (the median over basebands and polarisations, outlying EBs
 * left out): `trec` (log of the ratio to the EB's other antennas) for change-point labels,
 * `log_trec` (log K) for change points, `trec_k` the measured Trec in K, and `trec_k_norm`, what
 * the online early warning watches and its alarms report: Trec in K on the array-relative scale,
 * the antenna's ratio to the EB's other antennas times the band's median Trec. The ratio takes
 * out what all antennas of an EB share (the LO tuning's U-shape, ±10 %), which would hide a 5 %
 * step; the band median (in K, over the whole history, so a day's load barely moves it) makes
 * the value read as a temperature: DA41 at 52 K where the band's antennas sit at 45 K.
 * A cartridge's steps move all its basebands and polarisations together, so one series per
 * antenna × band holds the same steps with less noise than eight series per chain, and eight
 * chains tested separately would give eight chances of a false change for each real one.
 */
const ANTENNA_BAND_SQL = `WITH per_eb AS (
  SELECT eb_uid, antennaname, receiverband, min(eb_start) AS eb_start, median(trec_norm) AS trec,
    median(ln(trec_clean)) AS log_trec, exp(median(ln(trec_clean))) AS trec_k
  FROM eb_trec_clean WHERE trec_norm IS NOT NULL
  GROUP BY eb_uid, antennaname, receiverband
)
SELECT *, exp(trec) * median(trec_k) OVER (PARTITION BY receiverband) AS trec_k_norm
FROM per_eb
ORDER BY eb_start, antennaname, receiverband`;

/** Trec-affecting device changes per antenna and band (an antenna-wide change, e.g. a front-end swap, for every band). */
const DEVICE_RESETS_SQL =
  () => `SELECT DISTINCT d.antennaname, coalesce(d.receiverband, b.receiverband) AS receiverband,
  d.eventtime AS eb_start, d.change_type
FROM device_change d
LEFT JOIN (SELECT DISTINCT receiverband FROM eb_trec_antenna_band) b ON d.receiverband IS NULL
WHERE d.change_type IN (${sqlList(TREC_DEVICE_CHANGES)})
ORDER BY eb_start`;

/**
 * Each change point of at least the smallest step worth an engineer's look (against its own
 * history and against the EB's other antennas), with the nearest Trec-affecting device change of
 * its antenna (same band, or an antenna-wide change), in EBs of its antenna × band series:
 * explained when it is within ±N EBs. The detector works on log Trec, so a step is
 * exp(after − before) − 1 and the levels are back in K.
 */
const LABEL_CHANGES_SQL = () => {
  const d = TREC_QA_DEFAULTS;
  return `WITH series AS (
  SELECT antennaname, receiverband, eb_start, trec,
    row_number() OVER (PARTITION BY antennaname, receiverband ORDER BY eb_start) - 1 AS pos
  FROM eb_trec_antenna_band
),
cp AS (
  SELECT c.*, (SELECT count(*) FROM series s WHERE s.antennaname = c.antennaname AND s.receiverband = c.receiverband
      AND s.eb_start < c.change_at) AS cp_pos
  FROM trec_change_points c WHERE abs(c.mean_after - c.mean_before) >= ln(1 + ${d.minStep})
),
shift AS (
  SELECT cp.antennaname, cp.receiverband, cp.change_at,
    median(s.trec) FILTER (WHERE s.pos >= cp.cp_pos) - median(s.trec) FILTER (WHERE s.pos < cp.cp_pos) AS array_shift
  FROM cp JOIN series s ON s.antennaname = cp.antennaname AND s.receiverband = cp.receiverband
    AND s.pos BETWEEN cp.cp_pos - ${d.changeMinEbs} AND cp.cp_pos + ${d.changeMinEbs - 1}
  GROUP BY ALL
),
kept AS (
  SELECT cp.*, shift.array_shift FROM cp JOIN shift USING (antennaname, receiverband, change_at)
  WHERE abs(shift.array_shift) >= ln(1 + ${d.minArrayStep})
),
dc AS (
  SELECT k.antennaname, k.receiverband, k.change_at, dev.event_id, dev.change_type, dev.eventtime,
    (SELECT count(*) FROM series s WHERE s.antennaname = k.antennaname AND s.receiverband = k.receiverband
      AND s.eb_start < dev.eventtime) - k.cp_pos AS eb_distance
  FROM kept k JOIN device_change dev ON dev.antennaname = k.antennaname
    AND (dev.receiverband = k.receiverband OR dev.receiverband IS NULL)
    AND dev.change_type IN (${sqlList(TREC_DEVICE_CHANGES)})
),
nearest AS (
  SELECT antennaname, receiverband, change_at,
    arg_min(event_id, abs(eb_distance)) AS event_id, arg_min(change_type, abs(eb_distance)) AS change_type,
    arg_min(eventtime, abs(eb_distance)) AS eventtime, arg_min(eb_distance, abs(eb_distance)) AS eb_distance
  FROM dc GROUP BY ALL
)
SELECT k.antennaname, k.receiverband, k.change_at, exp(k.mean_before) AS trec_before, exp(k.mean_after) AS trec_after,
  exp(k.mean_after - k.mean_before) - 1 AS relative_magnitude, exp(k.array_shift) - 1 AS relative_to_array,
  n.change_type AS device_change, n.eventtime AS device_change_at, n.eb_distance,
  CASE WHEN n.eb_distance IS NOT NULL AND abs(n.eb_distance) <= ${d.explainEbs} THEN 'explained' ELSE 'unexplained' END AS label
FROM kept k LEFT JOIN nearest n USING (antennaname, receiverband, change_at)
ORDER BY k.change_at, k.antennaname, k.receiverband`;
};

export function trecQaRecipes() {
  const d = TREC_QA_DEFAULTS;
  return [
    {
      name: 'flag_trec_scans',
      type: 'sql',
      inputs: ['trec_measurement'],
      output: 'trec_scan_long',
      sql: SCAN_LONG_SQL(),
      description: 'Every Trec value (per polarisation) flagged non-physical or above its band’s limit.',
    },
    {
      name: 'score_trec_scans',
      type: 'outliers',
      inputs: ['trec_scan_long'],
      output: 'trec_scan_scored',
      groupBy: ['eb_uid', 'antennaname', 'receiverband', 'pol'],
      column: 'log_ratio',
      method: 'robust-z',
      threshold: d.scanZ,
      description: `Scan outliers: robust z of log Trec within the antenna’s scans of the EB (a scan is an outlier when also ${OUTLIER_FACTOR}× off).`,
    },
    {
      name: 'relate_eb_trec',
      type: 'sql',
      inputs: ['eb_trec_median'],
      output: 'eb_trec_relative',
      sql: RELATE_EB_SQL,
      description: 'Each per-EB median against the antenna’s own history and against the EB’s other antennas.',
    },
    {
      name: 'score_eb_trec',
      type: 'outliers',
      inputs: ['eb_trec_relative'],
      output: 'eb_trec_scored',
      groupBy: ['eb_uid', 'receiverband', 'basebandname', 'pol'],
      column: 'log_ratio_history',
      method: 'robust-z',
      threshold: d.ebZ,
      description: 'EB outliers: robust z among the EB’s antennas of each median’s ratio to its own history.',
    },
    {
      name: 'clean_eb_trec',
      type: 'sql',
      inputs: ['eb_trec_scored'],
      output: 'eb_trec_clean',
      sql: CLEAN_EB_SQL(),
      description: 'Per-EB medians with outlying EBs removed: the series change points are looked for in.',
    },
    {
      name: 'label_trec_changes',
      type: 'sql',
      inputs: ['trec_change_points', 'eb_trec_antenna_band', 'device_change'],
      output: 'trec_change_explained',
      sql: LABEL_CHANGES_SQL(),
      description: `Change points of at least ${100 * d.minStep} % (and ${100 * d.minArrayStep} % against the array), explained by a device change within ±${d.explainEbs} EBs, or unexplained: the engineering candidates.`,
    },
    {
      name: 'trec_per_antenna_band',
      type: 'sql',
      inputs: ['eb_trec_clean'],
      output: 'eb_trec_antenna_band',
      sql: ANTENNA_BAND_SQL,
      description: 'One Trec per EB, antenna and band: what the online early warning watches.',
    },
    {
      name: 'trec_device_resets',
      type: 'sql',
      inputs: ['device_change', 'eb_trec_antenna_band'],
      output: 'trec_resets',
      sql: DEVICE_RESETS_SQL(),
      description: 'Device changes per antenna and band at which the online detector starts over.',
    },
  ];
}

/** Raw-data checks of the Trec ingest, on the newest day loaded: a WARNING warns the ingest scenario. */
export function trecQuality() {
  const newest = `startvalidtime >= (SELECT max(startvalidtime) FROM trec_measurement) - INTERVAL 1 DAY`;
  const nonPhysical = `SELECT count(*) FROM trec_measurement WHERE ${newest} AND (NOT ${physical('trec_x')} OR NOT ${physical('trec_y')})`;
  const overLimit = `SELECT count(*) FROM trec_measurement t JOIN ${limitsTable()} ON t.receiverband = lim.receiverband
    WHERE ${newest} AND ((${physical('trec_x')} AND trec_x > lim.limit_k) OR (${physical('trec_y')} AND trec_y > lim.limit_k))`;
  return {
    dataset: 'trec_measurement',
    metrics: {
      afterBuild: true,
      timeColumns: ['startvalidtime'],
      sql: [
        { name: 'non_physical_last_day', sql: nonPhysical },
        { name: 'over_band_limit_last_day', sql: overLimit },
      ],
    },
    checks: [
      {
        type: 'metric-bounds',
        name: 'no non-physical Trec (last day)',
        metric: 'sql.non_physical_last_day',
        warning: { max: 0 },
      },
      {
        type: 'metric-bounds',
        name: 'no Trec above the band limit (last day)',
        metric: 'sql.over_band_limit_last_day',
        warning: { max: 0 },
      },
    ],
  };
}
