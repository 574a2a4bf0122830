/**
 * Llano analytics: change points (offline and online), non-parametric outliers and trends.
 * Pure numerics on typed arrays; no I/O and no import from the rest of Llano.
 * See README.md in this folder for the methods, defaults and their reasoning.
 */
export { AnalyticsInputError } from './common/errors.js';
export { createRandom, type Random } from './common/random.js';
export { median, medianAndMad, quantileSorted, MAD_TO_SD } from './common/order-statistics.js';

export { COST_KINDS, COST_SHAPES, createCost, type CostKind, type SegmentCost } from './changepoint/costs.js';
export { ChangePointWorkspace } from './changepoint/workspace.js';
export { PENALTY_KINDS, parsePenalty, penaltyValue, type PenaltyKind } from './changepoint/penalties.js';
export { robustNoiseScale } from './changepoint/noise-scale.js';
export {
  blockMeanScale,
  clipToRollingMedian,
  commonTrend,
  residualNoise,
  type CommonTrend,
  type ResidualNoise,
} from './changepoint/noise-model.js';
export { cover, coverSingle, DEFAULT_F1_MARGIN, f1Score, truePositives, type F1Score } from './evaluation/metrics.js';
export { SERIES_FAMILIES, type LabelledSeries, type SeriesFamily } from './evaluation/families.js';
export { pelt, type PeltParameters } from './changepoint/pelt.js';
export { fpop, type FpopParameters } from './changepoint/fpop.js';
export { binarySegmentation, type BinarySegmentationParameters } from './changepoint/binseg.js';
export { optimalPartitioning } from './changepoint/optimal-partitioning.js';
export { segmentationCost, type SearchParameters, type SearchResult } from './changepoint/search.js';
export {
  CHANGE_POINT_METHODS,
  NOISE_MODELS,
  describeSegments,
  detectChangePoints,
  type NoiseModel,
  type ChangePointMethod,
  type ChangePointOptions,
  type ChangePointResult,
  type Segment,
} from './changepoint/detect.js';

export type { BatchResult, OnlineDetector, OnlineStep } from './online/detector.js';
export {
  BocpdDetector,
  createBocpd,
  type BocpdOptions,
  type BocpdState,
  type NormalGammaPrior,
  type RunLengthPosterior,
} from './online/bocpd.js';
export { bocpdChangePoints, type BocpdSegmentationOptions } from './online/bocpd-segmentation.js';
export { CusumDetector, createCusum, type CusumOptions, type CusumState, type CusumStep } from './online/cusum.js';
export {
  AnomalyLikelihoodDetector,
  createAnomalyLikelihood,
  type AnomalyBatch,
  type AnomalyLikelihoodOptions,
  type AnomalyLikelihoodState,
  type AnomalyStep,
} from './online/anomaly-likelihood.js';

export type { OutlierScores } from './outliers/scores.js';
export { iqrOutliers, tukeyFences, type TukeyFences } from './outliers/iqr.js';
export { robustScale, robustScaleAndSource, robustZScores, type RobustScale } from './outliers/robust-z.js';
export { quantileBand, scoreAgainstBand, type QuantileBand } from './outliers/quantile-bands.js';
export { hampelFilter, type HampelResult } from './outliers/hampel.js';
export { localOutlierScores, LOCAL_HALF_WINDOW, type LocalOutlierResult } from './outliers/local.js';
export {
  fitIsolationForest,
  isolationForestScores,
  scoreIsolationForest,
  type IsolationForest,
  type IsolationForestOptions,
} from './outliers/isolation-forest.js';
export { localOutlierFactor, type LofOptions } from './outliers/lof.js';
export { matrixFromColumns, type Matrix } from './outliers/matrix.js';
export {
  groupRows,
  scoreAgainstHistory,
  scoreRowsWithinGroups,
  scoreWithinGroups,
  type MatrixScorer,
  type SeriesScorer,
} from './outliers/groups.js';

export { mannKendall, type MannKendallResult } from './trend/mann-kendall.js';
export { theilSen, type TheilSenOptions, type TheilSenResult } from './trend/theil-sen.js';
export { trendTest, type TrendTestResult } from './trend/trend-test.js';
export { ewma, rollingMean, rollingMedian, rollingQuantile, type RollingOptions } from './trend/smoothing.js';
export { changePointF1, piecewiseGaussian, type PiecewiseOptions, type SyntheticSeries } from './common/synthetic.js';
