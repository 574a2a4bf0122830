import { describe, expect, it } from 'vitest';
import { Rng, hashLabel } from './rng.js';

describe('Rng', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const seqA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
    expect(seqA.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it('forks independent streams that depend only on the parent seed and label', () => {
    const parent = new Rng(7);
    parent.next();
    const f1 = parent.fork('trec');
    const f2 = new Rng(7).fork('trec');
    expect(f1.next()).toBe(f2.next());
    expect(new Rng(7).fork('gaps').next()).not.toBe(new Rng(7).fork('trec').next());
    expect(hashLabel(1, 'a')).not.toBe(hashLabel(2, 'a'));
  });

  it('draws normals with mean 0 and sd 1, and weighted keys in proportion', () => {
    const r = new Rng(1);
    const n = 50_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = r.normal();
      s += v;
      s2 += v * v;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.abs(Math.sqrt(s2 / n) - 1)).toBeLessThan(0.02);
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 20_000; i++) counts[r.weightedKey({ a: 3, b: 1 })]++;
    expect(counts.a / 20_000).toBeGreaterThan(0.72);
    expect(counts.a / 20_000).toBeLessThan(0.78);
  });

  it('draws table-based normals with the right spread and bounded tails', () => {
    const r = new Rng(9);
    const n = 100_000;
    let s2 = 0;
    let beyond2 = 0;
    for (let i = 0; i < n; i++) {
      const v = r.normalFast();
      s2 += v * v;
      if (Math.abs(v) > 2) beyond2++;
      expect(Math.abs(v)).toBeLessThan(4.1);
    }
    expect(Math.abs(Math.sqrt(s2 / n) - 1)).toBeLessThan(0.02);
    expect(beyond2 / n).toBeGreaterThan(0.04);
    expect(beyond2 / n).toBeLessThan(0.051);
  });

  it('keeps log-normal draws inside their range and samples distinct items in order', () => {
    const r = new Rng(3);
    for (let i = 0; i < 1000; i++) {
      const v = r.lognormalInRange(70, 20, 150);
      expect(v).toBeGreaterThanOrEqual(20);
      expect(v).toBeLessThanOrEqual(150);
    }
    const picked = r.sample([1, 2, 3, 4, 5, 6, 7, 8], 4);
    expect(new Set(picked).size).toBe(4);
    expect([...picked].sort((x, y) => x - y)).toEqual(picked);
  });
});
