// Where the default change-point path's time goes (used by bench/analytics.ts; the leading
// underscore keeps `npm run bench` from running it on its own). Replays, phase by phase, what
// `detectChangePoints(values, { method: 'pelt' })` does on a clean staircase (one search, no trend
// taken, the scale settled at once; src/analytics/changepoint/detect.ts is the reference), and
// times each phase as the median CPU time of several calls.
import { medianInPlace } from '../src/analytics/common/order-statistics.js';
import { createCost } from '../src/analytics/changepoint/costs.js';
import { describeSegments, detectChangePoints } from '../src/analytics/changepoint/detect.js';
import {
  blockMeanScale,
  clipToRollingMedian,
  commonTrend,
  residualNoise,
} from '../src/analytics/changepoint/noise-model.js';
import { robustNoiseScale } from '../src/analytics/changepoint/noise-scale.js';
import { pelt } from '../src/analytics/changepoint/pelt.js';
import { penaltyValue } from '../src/analytics/changepoint/penalties.js';
import { pruneWanderingChanges } from '../src/analytics/changepoint/random-walk.js';
import { ChangePointWorkspace } from '../src/analytics/changepoint/workspace.js';

/** Median CPU milliseconds per call of each phase, and of the whole call, over `rounds` rounds. */
export function changePointPhases(values: Float64Array, rounds: number): [string, number][] {
  const n = values.length;
  const minSize = 5;
  const repeat = n >= 1e5 ? 1 : 10;
  const times = new Map<string, number[]>();
  const phase = (name: string, fn: () => void) => {
    const start = process.cpuUsage();
    for (let k = 0; k < repeat; k++) fn();
    const used = process.cpuUsage(start);
    const list = times.get(name) ?? [];
    list.push((used.user + used.system) / 1000 / repeat);
    times.set(name, list);
  };
  const ws = new ChangePointWorkspace();
  const whole = new ChangePointWorkspace();
  const seen = new Float64Array(n);
  const scratch = new Float64Array(n);
  const normalised = new Float64Array(n);
  const buffers = { residuals: new Float64Array(n), absolute: new Float64Array(n) };
  const penalty = penaltyValue('mbic', n, 1);
  for (let round = 0; round < rounds + 1; round++) {
    let scale = 0;
    let centre = 0;
    let changes: number[] = [];
    phase('noise scale (MAD of differences)', () => {
      scale = robustNoiseScale(values, scratch);
    });
    phase('outlier clipping (rolling median)', () => {
      clipToRollingMedian(values, minSize - 1, 3 * scale, seen);
    });
    phase('centre and block-mean scale', () => {
      scratch.set(seen);
      centre = medianInPlace(scratch, n);
      scale = Math.max(scale, blockMeanScale(seen, Math.max(2 * minSize, Math.floor(Math.sqrt(n))), scratch));
    });
    phase('PELT search (normalise + search)', () => {
      for (let i = 0; i < n; i++) normalised[i] = (seen[i] - centre) / scale;
      changes = pelt({ cost: createCost('mean', normalised), penalty, minSize, workspace: ws }).changes;
    });
    phase('common trend and residual noise', () => {
      commonTrend(seen, changes);
      commonTrend(seen, []);
      residualNoise(seen, changes, buffers);
    });
    phase('wandering-level check', () => {
      pruneWanderingChanges(seen, changes, penalty, ws);
    });
    phase('segment summaries', () => {
      describeSegments(values, changes);
    });
    phase('total: detectChangePoints', () => {
      detectChangePoints(values, { method: 'pelt', penalty: 'mbic', workspace: whole });
    });
  }
  const median = (xs: number[]) => xs.slice(1).sort((a, b) => a - b)[rounds >> 1];
  return [...times].map(([name, xs]) => [name, median(xs)]);
}
