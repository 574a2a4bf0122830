import { createRandom, type Random } from '../common/random.js';

/** A synthetic stream and the indices where its anomalies start (empty for a no-change stream). */
export interface LabelledStream {
  values: Float64Array;
  anomalies: number[];
}

/** A family of streams for the online detectors' tests and benchmark. */
export interface StreamFamily {
  name: string;
  /** `no-change`: every alarm is false; otherwise each anomaly should be found soon after it starts. */
  kind: 'no-change' | 'step' | 'spike';
  make(seed: number, n: number): LabelledStream;
}

const studentT3 = (r: Random) => {
  const chi = r.normal() ** 2 + r.normal() ** 2 + r.normal() ** 2;
  return r.normal() / Math.sqrt(chi / 3);
};

/** Knuth's multiplication method (fine for small rates). */
const poisson = (r: Random, rate: number) => {
  const limit = Math.exp(-rate);
  let k = 0;
  let p = r.next();
  while (p > limit) {
    k++;
    p *= r.next();
  }
  return k;
};

function noChange(name: string, next: (r: Random, i: number, previous: number) => number): StreamFamily {
  return {
    name,
    kind: 'no-change',
    make(seed, n) {
      const r = createRandom(seed);
      const values = new Float64Array(n);
      let previous = 0;
      for (let i = 0; i < n; i++) previous = values[i] = next(r, i, previous);
      return { values, anomalies: [] };
    },
  };
}

/** A cycle of `period` points and this amplitude (in noise SDs) plus Gaussian noise. */
const cycle = (period: number, amplitude: number) => (r: Random, i: number) =>
  amplitude * Math.sin((2 * Math.PI * i) / period) + r.normal();
/** AR(1) noise of unit marginal variance (steps and spikes are in marginal SDs). */
const ar1 = (phi: number) => (r: Random, _i: number, previous: number) =>
  phi * previous + Math.sqrt(1 - phi * phi) * r.normal();

/** Effects of the anomalous families: a level shift from `at` on, or a single point at `at`. */
const step = (size: number) => (i: number, at: number) => (i >= at ? size : 0);
const spike = (size: number) => (i: number, at: number) => (i === at ? size : 0);

/**
 * Families that imitate real sensor series. The no-change ones have no anomaly by construction:
 * a random walk, a trend or a seasonal cycle is the series' normal behaviour, not an anomaly.
 * The anomalous ones put one step (3 SD) or one spike (8 SD) at a random place in the second half
 * of a Gaussian, seasonal, trending or AR(1) series. Cycles of 24 and 168 points are a day and a
 * week of hourly values.
 */
export const STREAM_FAMILIES: readonly StreamFamily[] = [
  noChange('gaussian', (r) => r.normal()),
  noChange('ar1 φ=0.9', (r, _i, previous) => 0.9 * previous + Math.sqrt(1 - 0.81) * r.normal()),
  noChange('random walk', (r, _i, previous) => previous + r.normal()),
  noChange('trend', (r, i) => 0.01 * i + r.normal()),
  noChange('seasonal', (r, i) => 3 * Math.sin((2 * Math.PI * i) / 48) + r.normal()),
  noChange('heavy-tailed t3', (r) => studentT3(r)),
  noChange('counts poisson(3)', (r) => poisson(r, 3)),
  anomalous('step 3σ', 'step', (r) => r.normal(), step(3)),
  anomalous('spike 8σ', 'spike', (r) => r.normal(), spike(8)),
  anomalous('seasonal step 3σ', 'step', (r, i) => 3 * Math.sin((2 * Math.PI * i) / 48) + r.normal(), step(3)),
  anomalous('seasonal spike 8σ', 'spike', (r, i) => 3 * Math.sin((2 * Math.PI * i) / 48) + r.normal(), spike(8)),
  anomalous('trend step 3σ', 'step', (r, i) => 0.01 * i + r.normal(), step(3)),
  // AR(1) with unit marginal variance: the step and spike are in marginal SDs.
  anomalous(
    'ar1 φ=0.9 step 3σ',
    'step',
    (r, _i, previous) => 0.9 * previous + Math.sqrt(1 - 0.81) * r.normal(),
    step(3),
  ),
  anomalous(
    'ar1 φ=0.9 spike 8σ',
    'spike',
    (r, _i, previous) => 0.9 * previous + Math.sqrt(1 - 0.81) * r.normal(),
    spike(8),
  ),
  noChange('seasonal p=24', cycle(24, 3)),
  noChange('seasonal p=168', cycle(168, 3)),
  noChange('ar1 φ=0.7', ar1(0.7)),
  // Heavy-tailed innovations: single large ones must not pass for the start of a step.
  noChange('ar1 φ=0.9, t3 innovations', (r, _i, previous) => 0.9 * previous + Math.sqrt(0.19 / 3) * studentT3(r)),
  anomalous('seasonal p=24 step 3σ', 'step', cycle(24, 3), step(3)),
  anomalous('seasonal p=168 step 3σ', 'step', cycle(168, 3), step(3)),
  anomalous('ar1 φ=0.7 step 3σ', 'step', ar1(0.7), step(3)),
];

/** A stream of `noise` (given its previous value) plus `effect` from a random `at` in the second half. */
function anomalous(
  name: string,
  kind: 'step' | 'spike',
  noise: (r: Random, i: number, previous: number) => number,
  effect: (i: number, at: number) => number,
): StreamFamily {
  return {
    name,
    kind,
    make(seed, n) {
      const r = createRandom(seed);
      const at = Math.floor(n / 2) + r.integer(Math.floor(n / 2) - 50);
      const values = new Float64Array(n);
      let previous = 0;
      for (let i = 0; i < n; i++) {
        previous = noise(r, i, previous);
        values[i] = previous + effect(i, at);
      }
      return { values, anomalies: [at] };
    },
  };
}

/** Alarms on a stream, scored: false alarms, and the delay to the first alarm within `horizon` of each anomaly. */
export function scoreAlarms(
  alarms: ArrayLike<number>,
  anomalies: readonly number[],
  horizon = 50,
): { falseAlarms: number; delays: (number | null)[] } {
  const delays: (number | null)[] = anomalies.map(() => null);
  let falseAlarms = 0;
  for (let k = 0; k < alarms.length; k++) {
    const at = alarms[k];
    const j = anomalies.findIndex((a) => at >= a && at < a + horizon);
    if (j < 0) falseAlarms++;
    else if (delays[j] === null) delays[j] = at - anomalies[j];
  }
  return { falseAlarms, delays };
}
