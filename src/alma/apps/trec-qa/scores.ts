import { SCAN_OUTLIER_SQL, TREC_QA_DEFAULTS } from './recipes.js';

/**
 * Scores of the Trec QA against the simulator's truth table (`ground_truth`), one row per measure:
 *
 * - scan outliers: a flagged value (robust z or non-physical) is right when the simulator injected a
 *   scan outlier or non-physical value there; recall over the non-physical and ≥ 2× ones.
 * - EB outliers: a flagged per-EB median (any baseband) is right when the antenna had an injected EB
 *   outlier in that EB and band, a scan fault in that EB (an EB with one or two ATM scans has its
 *   median moved by it), or a cryostat excursion at the time; recall over ≥ 2× EB outliers.
 * - change points, per antenna and band in EBs of its series: a detection (distinct EB position) is
 *   right within ±2 EBs of an injected step, excursion start or end, or drift start; recall over steps
 *   of ≥ 5 % with at least 3 EBs of the series on each side (a step at the edge of the data cannot
 *   be seen). Scored on what the QA reports (trec_change_explained: steps of at least
 *   TREC_QA_DEFAULTS.minStep) and, for comparison, on every change the detector found.
 */
const TOL = TREC_QA_DEFAULTS.explainEbs;

/** Change points read from `dataset` (distinct EB positions of each antenna × band series), scored as `measure`. */
const changePointScore = (name: string, dataset: string, measure: string) => `${name}_det AS (
  SELECT DISTINCT c.antennaname, c.receiverband,
    (SELECT count(*) FROM series s WHERE s.antennaname = c.antennaname AND s.receiverband = c.receiverband AND s.eb_start < c.change_at) AS pos
  FROM ${dataset} c
),
${name} AS (
  SELECT '${measure}' AS measure,
    (SELECT count(*) FROM events_pos WHERE kind = 'step' AND abs(magnitude) >= 0.05 AND pos >= 3 AND n - pos >= 3) AS truth,
    (SELECT count(*) FROM ${name}_det) AS detected,
    (SELECT count(*) FROM ${name}_det c WHERE EXISTS (SELECT 1 FROM events_pos e WHERE e.antennaname = c.antennaname
      AND e.receiverband = c.receiverband AND abs(e.pos - c.pos) <= ${TOL})) AS right_detections,
    (SELECT count(*) FROM events_pos e WHERE kind = 'step' AND abs(magnitude) >= 0.05 AND pos >= 3 AND n - pos >= 3
      AND EXISTS (SELECT 1 FROM ${name}_det c WHERE e.antennaname = c.antennaname AND e.receiverband = c.receiverband
      AND abs(e.pos - c.pos) <= ${TOL})) AS found
)`;

const SCORES_SQL = `WITH
truth_scan AS (
  SELECT eb_uid, caldataid, antennaname, receiverband, basebandname, polarization AS pol, kind, magnitude
  FROM ground_truth t WHERE kind IN ('scan_outlier', 'non_physical')
    AND EXISTS (SELECT 1 FROM trec_scan_scored l WHERE l.eb_uid = t.eb_uid AND l.caldataid = t.caldataid
      AND l.antennaname = t.antennaname AND l.basebandname = t.basebandname AND l.pol = t.polarization)
),
det_scan AS (
  SELECT DISTINCT eb_uid, caldataid, antennaname, receiverband, basebandname, pol
  FROM trec_scan_scored WHERE ${SCAN_OUTLIER_SQL}
),
scan AS (
  SELECT 'outliers: scan values' AS measure,
    (SELECT count(*) FROM truth_scan WHERE kind = 'non_physical' OR magnitude >= 2) AS truth,
    (SELECT count(*) FROM det_scan) AS detected,
    (SELECT count(*) FROM det_scan d WHERE EXISTS (SELECT 1 FROM truth_scan t WHERE t.eb_uid = d.eb_uid
      AND t.caldataid = d.caldataid AND t.antennaname = d.antennaname AND t.basebandname = d.basebandname AND t.pol = d.pol)) AS right_detections,
    (SELECT count(*) FROM truth_scan t WHERE (kind = 'non_physical' OR magnitude >= 2) AND EXISTS (SELECT 1 FROM det_scan d
      WHERE t.eb_uid = d.eb_uid AND t.caldataid = d.caldataid AND t.antennaname = d.antennaname
      AND t.basebandname = d.basebandname AND t.pol = d.pol)) AS found
),
truth_eb AS (
  SELECT eb_uid, antennaname, receiverband, polarization AS pol, magnitude FROM ground_truth WHERE kind = 'eb_outlier'
),
excursion AS (SELECT antennaname, start_ts, end_ts FROM ground_truth WHERE kind = 'excursion'),
det_eb AS (
  SELECT eb_uid, antennaname, receiverband, pol, min(eb_start) AS eb_start
  FROM eb_trec_clean WHERE eb_outlier GROUP BY ALL
),
eb AS (
  SELECT 'outliers: EB medians' AS measure,
    (SELECT count(*) FROM truth_eb WHERE magnitude >= 2 AND EXISTS (SELECT 1 FROM eb_trec_clean c
      WHERE c.eb_uid = truth_eb.eb_uid AND c.antennaname = truth_eb.antennaname AND c.pol = truth_eb.pol)) AS truth,
    (SELECT count(*) FROM det_eb) AS detected,
    (SELECT count(*) FROM det_eb d WHERE EXISTS (SELECT 1 FROM truth_eb t WHERE t.eb_uid = d.eb_uid
      AND t.antennaname = d.antennaname AND t.receiverband = d.receiverband AND t.pol = d.pol)
      OR EXISTS (SELECT 1 FROM truth_scan t WHERE t.eb_uid = d.eb_uid AND t.antennaname = d.antennaname AND t.pol = d.pol)
      OR EXISTS (SELECT 1 FROM excursion x WHERE x.antennaname = d.antennaname
      AND d.eb_start BETWEEN x.start_ts - INTERVAL 1 DAY AND coalesce(x.end_ts, x.start_ts) + INTERVAL 1 DAY)) AS right_detections,
    (SELECT count(*) FROM truth_eb t WHERE magnitude >= 2 AND EXISTS (SELECT 1 FROM det_eb d WHERE t.eb_uid = d.eb_uid
      AND t.antennaname = d.antennaname AND t.receiverband = d.receiverband AND t.pol = d.pol)) AS found
),
series AS (SELECT antennaname, receiverband, eb_start FROM eb_trec_antenna_band),
sizes AS (SELECT antennaname, receiverband, count(*) AS n FROM series GROUP BY ALL),
events AS (
  SELECT antennaname, receiverband, kind, start_ts AS at, magnitude FROM ground_truth WHERE kind IN ('step', 'drift', 'excursion')
  UNION ALL
  SELECT antennaname, receiverband, 'excursion_end', end_ts, magnitude FROM ground_truth WHERE kind = 'excursion' AND end_ts IS NOT NULL
),
events_pos AS (
  SELECT e.antennaname, z.receiverband, e.kind, e.magnitude, z.n,
    (SELECT count(*) FROM series s WHERE s.antennaname = e.antennaname AND s.receiverband = z.receiverband AND s.eb_start < e.at) AS pos
  FROM events e JOIN sizes z ON z.antennaname = e.antennaname AND (e.receiverband = z.receiverband OR e.receiverband IS NULL)
),
-- What the QA reports (steps of at least the reported size, labelled) and, for comparison, the
-- detector's every change.
${changePointScore('cp', 'trec_change_explained', 'change points: steps >= 5 %')},
${changePointScore('cp_raw', 'trec_change_points', 'change points (detector, any size): steps >= 5 %')},
scores AS (SELECT * FROM scan UNION ALL SELECT * FROM eb UNION ALL SELECT * FROM cp UNION ALL SELECT * FROM cp_raw)
SELECT measure, truth, detected, right_detections, found,
  round(right_detections / nullif(detected, 0), 3) AS precision,
  round(found / nullif(truth, 0), 3) AS recall
FROM scores
UNION ALL
SELECT 'outliers: all', sum(truth), sum(detected), sum(right_detections), sum(found),
  round(sum(right_detections) / nullif(sum(detected), 0), 3), round(sum(found) / nullif(sum(truth), 0), 3)
FROM scores WHERE measure LIKE 'outliers:%'`;

/**
 * Online early warning: alarms with no injected event of their antenna and band within ±2 EBs
 * (step, excursion, drift start) are false; per antenna-year of data.
 */
const ONLINE_SQL = `WITH
series AS (SELECT antennaname, receiverband, eb_start FROM eb_trec_antenna_band),
events AS (
  SELECT antennaname, receiverband, start_ts AS at FROM ground_truth WHERE kind IN ('step', 'drift', 'excursion')
  UNION ALL SELECT antennaname, receiverband, end_ts FROM ground_truth WHERE kind = 'excursion' AND end_ts IS NOT NULL
),
alarms AS (
  SELECT a.antennaname, a.receiverband, a.eb_start,
    (SELECT count(*) FROM series s WHERE s.antennaname = a.antennaname AND s.receiverband = a.receiverband AND s.eb_start < a.eb_start) AS pos
  FROM trec_online_alarms a
  -- Late rows are written too, alarm or not.
  WHERE a.alarm
),
judged AS (
  SELECT a.*, EXISTS (SELECT 1 FROM events e WHERE e.antennaname = a.antennaname
    AND (e.receiverband = a.receiverband OR e.receiverband IS NULL)
    AND abs((SELECT count(*) FROM series s WHERE s.antennaname = a.antennaname AND s.receiverband = a.receiverband
      AND s.eb_start < e.at) - a.pos) <= ${TOL}) AS explained
  FROM alarms a
),
span AS (
  SELECT count(DISTINCT antennaname) AS antennas, epoch(max(eb_start) - min(eb_start)) / (365.25 * 86400) AS years FROM series
)
SELECT count(*) AS alarms, count(*) FILTER (WHERE explained) AS alarms_at_events,
  count(*) FILTER (WHERE NOT explained) AS false_alarms, (SELECT antennas FROM span) AS antennas,
  round((SELECT years FROM span), 4) AS years,
  round(count(*) FILTER (WHERE NOT explained) / nullif((SELECT antennas * years FROM span), 0), 3) AS false_alarms_per_antenna_year
FROM judged`;

export function trecScoreRecipes() {
  return [
    {
      name: 'score_trec_qa',
      type: 'sql',
      inputs: [
        'ground_truth',
        'trec_scan_scored',
        'eb_trec_clean',
        'trec_change_points',
        'trec_change_explained',
        'eb_trec_antenna_band',
      ],
      output: 'trec_qa_scores',
      sql: SCORES_SQL,
      description: 'Precision and recall of the Trec outliers and change points against the simulator’s truth.',
    },
  ];
}

/** Saved once the online detector has written its alarms dataset (its first run). */
export const onlineScoreRecipe = {
  name: 'score_trec_online',
  type: 'sql',
  inputs: ['ground_truth', 'trec_online_alarms', 'eb_trec_antenna_band'],
  output: 'trec_online_scores',
  sql: ONLINE_SQL,
  description: 'False alarms of the online early warning per antenna-year, against the simulator’s truth.',
};
