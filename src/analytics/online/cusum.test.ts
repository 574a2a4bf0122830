import { describe, expect, it } from 'vitest';
import { createRandom } from '../common/random.js';
import { piecewiseGaussian } from '../common/synthetic.js';
import { createCusum, CusumDetector } from './cusum.js';

describe('CUSUM', () => {
  it('computes the tabular statistics by hand on a small example', () => {
    const detector = createCusum({ target: 10, scale: 2, drift: 0.5, threshold: 4 });
    // z = 1, 2, -1 → S⁺ = 0.5, 2.0, 0.5; S⁻ = 0, 0, 0.5
    const steps = [12, 14, 8].map((x) => detector.update(x));
    expect(steps.map((s) => [s.upper, s.lower])).toEqual([
      [0.5, 0],
      [2, 0],
      [0.5, 0.5],
    ]);
    // z = 3, 3 → S⁺ = 3.0, then 5.5 > 4: alarm upwards and reset.
    detector.update(16);
    const alarm = detector.update(16);
    expect(alarm).toMatchObject({ alarm: true, direction: 'up', upper: 5.5 });
    expect(detector.update(10)).toMatchObject({ upper: 0, lower: 0, alarm: false });
  });

  it('detects a downward 3σ shift within a few points after learning its baseline (20 seeded series)', () => {
    // A stray alarm shortly before the change makes the detector re-learn across it and miss
    // it (seeds 2 and 18 here): a learnt baseline is estimated from 100 points, not known.
    let stray = 0;
    let detected = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const random = createRandom(seed);
      const values = Float64Array.from({ length: 500 }, (_, i) => (i >= 250 ? 97 : 100) + random.normal());
      const { alarms } = createCusum({ warmup: 100, threshold: 8 }).updateBatch(values);
      if (alarms.some((a) => a >= 250 && a <= 262)) detected++;
      stray += alarms.filter((a) => a < 250 || a > 262).length;
    }
    expect(detected).toBeGreaterThanOrEqual(18);
    expect(stray).toBeLessThanOrEqual(5);
  });

  it('has a measured false-alarm rate on stationary noise in line with the two-sided in-control ARL ≈ 465 (Montgomery, k = ½, h = 5)', () => {
    let alarms = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const { values } = piecewiseGaussian({ n: 5000, changes: 0, seed });
      alarms += createCusum({ target: 0, scale: 1 }).updateBatch(values).alarms.length;
    }
    // About 50 000 / 465 ≈ 108 alarms expected; allow for sampling noise.
    expect(alarms).toBeGreaterThan(70);
    expect(alarms).toBeLessThan(160);
  });

  it('resumes from JSON mid-stream with the same outputs, and resets', () => {
    const { values } = piecewiseGaussian({ n: 800, changes: 3, seed: 4 });
    const whole = createCusum().updateBatch(values);
    const part = createCusum();
    const a = part.updateBatch(values.subarray(0, 333));
    const b = CusumDetector.fromJSON(JSON.parse(JSON.stringify(part))).updateBatch(values.subarray(333));
    expect([...a.alarms, ...b.alarms]).toEqual(whole.alarms);
    expect([...a.changeProbability, ...b.changeProbability]).toEqual([...whole.changeProbability]);
    part.reset();
    expect(part.update(5).index).toBe(0);
  });

  it('rejects non-finite values and invalid options', () => {
    expect(() => createCusum().update(Infinity)).toThrow(/finite values/);
    expect(() => createCusum({ warmup: 1 })).toThrow(/warmup/);
    expect(() => CusumDetector.fromJSON({ kind: 'cusum', version: 1, options: {}, index: 'x' })).toThrow(
      /invalid numbers/,
    );
  });
});
