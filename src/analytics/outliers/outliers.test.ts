import { describe, expect, it } from 'vitest';
import { createRandom } from '../common/random.js';
import { scoreAgainstHistory, scoreRowsWithinGroups, scoreWithinGroups } from './groups.js';
import { hampelFilter } from './hampel.js';
import { iqrOutliers, tukeyFences } from './iqr.js';
import { fitIsolationForest, isolationForestScores, scoreIsolationForest } from './isolation-forest.js';
import { localOutlierFactor } from './lof.js';
import { matrixFromColumns } from './matrix.js';
import { quantileBand, scoreAgainstBand } from './quantile-bands.js';
import { robustScale, robustScaleAndSource, robustZScores } from './robust-z.js';

describe('Tukey IQR fences', () => {
  it('match numpy percentiles (type 7) on a hand-checked sample', () => {
    // numpy.percentile([1,2,3,4,5,6,7,8,9,100], [25, 75]) → [3.25, 7.75]
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 100];
    expect(tukeyFences(values)).toEqual({ q1: 3.25, q3: 7.75, lower: 3.25 - 6.75, upper: 7.75 + 6.75 });
    const { scores, flags } = iqrOutliers(values);
    expect(Array.from(flags)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(scores[9]).toBeCloseTo((100 - 14.5) / 4.5, 12);
  });

  it('skips NaN (score NaN, not flagged) and scores everything 0 in a constant series', () => {
    const r = iqrOutliers([1, NaN, 1, 1]);
    expect(Number.isNaN(r.scores[1])).toBe(true);
    expect(Array.from(r.flags)).toEqual([0, 0, 0, 0]);
  });
});

describe('robust z-score', () => {
  it('is (x − median)/(1.4826·MAD) and flags |z| > 3.5', () => {
    // median 3, |x − 3| = 2,1,0,1,47 → MAD 1
    const { scores, flags } = robustZScores([1, 2, 3, 4, 50]);
    expect(scores[0]).toBeCloseTo(-2 / 1.482602218505602, 12);
    expect(scores[4]).toBeCloseTo(47 / 1.482602218505602, 12);
    expect(Array.from(flags)).toEqual([0, 0, 0, 0, 1]);
  });

  it('falls back to the mean absolute deviation when more than half the values are equal', () => {
    const s = robustScale([5, 5, 5, 5, 9]);
    expect(s.median).toBe(5);
    expect(s.scale).toBeCloseTo((1.2533141373155 * 4) / 5, 12);
    expect(robustZScores([5, 5, 5]).scores).toEqual(new Float64Array([0, 0, 0]));
  });

  it('says when its scale is the fallback, whose sum depends on the order of the values', () => {
    expect(robustScaleAndSource([1, 2, 3, 4, 50])).toEqual({ scale: robustScale([1, 2, 3, 4, 50]), fallback: false });
    const inOrder = robustScaleAndSource([0, 0, 0, 0, 0, 0, 1e16, 1, 1]);
    const reversed = robustScaleAndSource([1, 1, 1e16, 0, 0, 0, 0, 0, 0]);
    expect(inOrder.fallback && reversed.fallback).toBe(true);
    expect(inOrder.scale.scale).not.toBe(reversed.scale.scale);
  });
});

describe('quantile bands', () => {
  it('learn a band from the reference history and score new values by band widths', () => {
    const reference = Array.from({ length: 101 }, (_, i) => i); // 1 % → 1, 99 % → 99
    const band = quantileBand(reference);
    expect(band).toEqual({ low: 1, high: 99, n: 101 });
    const { scores, flags } = scoreAgainstBand([50, 99.5, -97], band);
    expect(Array.from(flags)).toEqual([0, 1, 1]);
    expect(scores[1]).toBeCloseTo(0.5 / 98, 12);
    expect(scores[2]).toBeCloseTo(-1, 12);
    expect(() => quantileBand([NaN])).toThrow(/no finite values/);
  });
});

describe('Hampel filter', () => {
  it('flags an isolated spike, replaces it with the rolling median and leaves a clean ramp alone', () => {
    const values = Array.from({ length: 30 }, (_, i) => i + (i % 2) * 0.1);
    values[12] = 100;
    const { flags, filtered, scores } = hampelFilter(values);
    expect(
      Array.from(flags)
        .map((f, i) => (f ? i : -1))
        .filter((i) => i >= 0),
    ).toEqual([12]);
    // Window 9..15 without the spike: median of {9.1, 10, 11.1, 100, 13.1, 14, 15.1} is 13.1.
    expect(filtered[12]).toBeCloseTo(13.1, 12);
    expect(scores[12]).toBeGreaterThan(3);
  });

  it('matches a brute-force rolling median/MAD on random data with NaN gaps', () => {
    const random = createRandom(4);
    const values = Array.from({ length: 200 }, () => (random.next() < 0.05 ? NaN : random.normal()));
    const { scores } = hampelFilter(values, 4, 3);
    for (let i = 0; i < values.length; i++) {
      if (Number.isNaN(values[i])) {
        expect(Number.isNaN(scores[i])).toBe(true);
        continue;
      }
      const window = values.slice(Math.max(0, i - 4), i + 5).filter((v) => !Number.isNaN(v));
      const { median, scale } = (() => {
        const s = [...window].sort((a, b) => a - b);
        const mid = (s.length - 1) / 2;
        const med = (s[Math.floor(mid)] + s[Math.ceil(mid)]) / 2;
        const dev = window.map((v) => Math.abs(v - med)).sort((a, b) => a - b);
        return { median: med, scale: 1.482602218505602 * ((dev[Math.floor(mid)] + dev[Math.ceil(mid)]) / 2) };
      })();
      expect(scores[i]).toBeCloseTo((values[i] - median) / scale, 9);
    }
  });
});

function cluster(rows: number, seed: number): { x: Float64Array; y: Float64Array; z: Float64Array } {
  const random = createRandom(seed);
  const x = new Float64Array(rows);
  const y = new Float64Array(rows);
  const z = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    x[i] = 40 + random.normal();
    y[i] = 42 + random.normal();
    z[i] = 80 + 2 * random.normal();
  }
  return { x, y, z };
}

describe('Isolation Forest', () => {
  it('gives planted anomalies the highest scores, reproducibly from the seed', () => {
    const { x, y, z } = cluster(500, 1);
    for (const i of [10, 200, 333]) {
      x[i] += 12;
      z[i] -= 20;
    }
    const m = matrixFromColumns([x, y, z]);
    const a = isolationForestScores(m, { seed: 7 });
    const b = isolationForestScores(m, { seed: 7 });
    expect(a.scores).toEqual(b.scores);
    const top = Array.from(a.scores.keys())
      .sort((i, j) => a.scores[j] - a.scores[i])
      .slice(0, 3);
    expect(top.sort((i, j) => i - j)).toEqual([10, 200, 333]);
    expect(Array.from(a.flags).filter(Boolean).length).toBeLessThan(15);
    expect(isolationForestScores(m, { seed: 8 }).scores).not.toEqual(a.scores);
  });

  it('scores new rows with a fitted forest, gives NaN to rows with missing values, and checks widths', () => {
    const { x, y } = cluster(300, 2);
    const forest = fitIsolationForest(matrixFromColumns([x, y]), { trees: 50 });
    const scored = scoreIsolationForest(
      forest,
      matrixFromColumns([
        [40, 100, NaN],
        [42, 100, 1],
      ]),
    );
    expect(scored.scores[1]).toBeGreaterThan(scored.scores[0]);
    expect(Number.isNaN(scored.scores[2])).toBe(true);
    expect(() => scoreIsolationForest(forest, matrixFromColumns([[1]]))).toThrow(/2 columns/);
    expect(() => fitIsolationForest(matrixFromColumns([[1]]))).toThrow(/at least two rows/);
  });
});

describe('Local Outlier Factor', () => {
  it('matches a hand-computed LOF on a tiny 1-D example (k = 2)', () => {
    // Points 0, 1, 2, 10. k-distances: 0→2, 1→1, 2→2, 10→9.
    // lrd: 0: 2/(1+2)=2/3; 1: 2/(2+2)=1/2; 2: 2/(1+2)=2/3; 10: 2/(9+8)... neighbours of 10 are 2 (reach max(2,8)=8) and 1 (max(1,9)=9) → 2/17.
    // LOF(10) = ((2/3 + 1/2)/2) / (2/17) = 119/24.
    const { scores } = localOutlierFactor(matrixFromColumns([[0, 1, 2, 10]]), { k: 2, standardise: false });
    expect(scores[3]).toBeCloseTo(119 / 24, 6);
    expect(scores[1]).toBeCloseTo((2 / 3 + 2 / 3) / 2 / (1 / 2), 6);
  });

  it('flags a row that is unusual in the combination of trec_x, trec_y and tsys', () => {
    const { x, y, z } = cluster(300, 3);
    x[50] = 44; // each column alone is within 4σ; together the row is far from the cloud
    y[50] = 38;
    z[50] = 88;
    const r = localOutlierFactor(matrixFromColumns([x, y, z]));
    expect(r.flags[50]).toBe(1);
    expect(Array.from(r.scores.keys()).reduce((a, i) => (r.scores[i] > r.scores[a] ? i : a), 0)).toBe(50);
  });
});

describe('group helpers', () => {
  it('score each row within its group (EB × band × baseband × pol)', () => {
    const values = [100, 101, 99, 100, 140, 50, 51, 49, 50, 50];
    const keys = [
      'eb1|B6|BB_1|X',
      ...Array<string>(4).fill('eb1|B6|BB_1|X'),
      ...Array<string>(5).fill('eb1|B3|BB_1|X'),
    ];
    const { flags } = scoreWithinGroups(values, keys);
    // 140 is an outlier in its own group; pooled with the B3 values nothing would stand out as much.
    expect(Array.from(flags)).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    expect(() => scoreWithinGroups([1, 2], ['a'])).toThrow(/2 rows/);
  });

  it('score multi-column rows within groups', () => {
    const { x, y } = cluster(200, 5);
    x[3] = 60;
    const keys = Array.from({ length: 200 }, (_, i) => (i % 2 ? 'a' : 'b'));
    const r = scoreRowsWithinGroups(matrixFromColumns([x, y]), keys, (m) => localOutlierFactor(m, { k: 10 }));
    expect(r.flags[3]).toBe(1);
  });

  it('score values against the same key’s own history; keys without history stay unscored', () => {
    const history = [10, 11, 9, 10, 10.5, 30, 31, 29, 30, 30.5];
    const historyKeys = [...Array<string>(5).fill('DA41'), ...Array<string>(5).fill('DV02')];
    const r = scoreAgainstHistory([10.2, 40, 30.1, 5], ['DA41', 'DV02', 'DV02', 'PM01'], history, historyKeys, 4);
    expect(Array.from(r.flags)).toEqual([0, 1, 0, 0]);
    expect(r.scores[0]).toBeCloseTo(0.2 / (1.482602218505602 * 0.5), 9);
    expect(Number.isNaN(r.scores[3])).toBe(true);
  });
});
