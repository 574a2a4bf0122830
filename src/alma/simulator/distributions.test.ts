import { describe, expect, it } from 'vitest';
import { Simulation } from './generate.js';
import type { ExecutionRow } from './executions.js';
import { BANDS } from './options.js';

/** Long-run shares and per-band value ranges against alma-domain.md (small antenna counts keep it fast). */
describe('simulated distributions', () => {
  const sim = new Simulation({
    out: '/unused',
    start: '2024-03-01',
    days: 150,
    seed: 11,
    antennas: { DA: 6, DV: 6, CM: 4, PM: 2 },
  });
  const executions: ExecutionRow[] = [];
  const trec = new Map<number, number[]>();
  const tsys = new Map<number, number[]>();
  for (const day of sim.days()) {
    executions.push(...day.executions);
    const c = day.trec;
    for (let i = 0; i < day.trec.length; i += 3) {
      const band = c.band[i];
      if (!trec.has(band)) {
        trec.set(band, []);
        tsys.set(band, []);
      }
      trec.get(band)!.push(c.trec_x[i]);
      tsys.get(band)!.push(c.tsys_x[i]);
    }
  }
  const quantile = (values: number[], q: number) => {
    const s = [...values].sort((a, b) => a - b);
    return s[Math.floor(q * (s.length - 1))];
  };
  const share = (rows: ExecutionRow[], pred: (r: ExecutionRow) => boolean) => rows.filter(pred).length / rows.length;

  it('draws 12-m science EB outcomes at the §3.3 rates', () => {
    const science = executions.filter((e) => e.array_family === '12m' && !e.is_calibration);
    expect(science.length).toBeGreaterThan(800);
    expect(share(science, (e) => e.eb_status === 'SUCCESS')).toBeGreaterThan(0.82);
    expect(share(science, (e) => e.eb_status === 'SUCCESS')).toBeLessThan(0.92);
    expect(share(science, (e) => e.eb_status === 'FAIL')).toBeGreaterThan(0.02);
    expect(share(science, (e) => e.eb_status === 'FAIL')).toBeLessThan(0.08);
    expect(share(science, (e) => e.eb_status === 'ABORTED')).toBeGreaterThan(0.02);
    expect(share(science, (e) => e.eb_status === 'ABORTED')).toBeLessThan(0.08);
    expect(share(science, (e) => e.eb_status === 'TIMEOUT')).toBeLessThan(0.02);
  });

  it('splits QA0 of completed EBs at the §3.3 rates and leaves only the last ~48 h Pending', () => {
    const completed = executions.filter(
      (e) => ['SUCCESS', 'PARTIAL', 'TIMEOUT'].includes(e.eb_status) && e.qa0_status !== 'Pending',
    );
    expect(share(completed, (e) => e.qa0_status === 'Pass')).toBeGreaterThan(0.83);
    expect(share(completed, (e) => e.qa0_status === 'Pass')).toBeLessThan(0.91);
    expect(share(completed, (e) => e.qa0_status === 'SemiPass')).toBeGreaterThan(0.05);
    expect(share(completed, (e) => e.qa0_status === 'SemiPass')).toBeLessThan(0.11);
    expect(share(completed, (e) => e.qa0_status === 'Fail')).toBeGreaterThan(0.03);
    expect(share(completed, (e) => e.qa0_status === 'Fail')).toBeLessThan(0.07);
    const pending = executions.filter((e) => e.qa0_status === 'Pending' && e.eb_status !== 'RUNNING');
    expect(pending.length).toBeGreaterThan(0);
    for (const e of pending) expect(sim.endMs - e.end_ts).toBeLessThanOrEqual(48 * 3_600_000);
  });

  it('keeps Trec per band around the §2.1 simulator defaults and Tsys in the §6 ranges', () => {
    for (const band of BANDS) {
      const values = trec.get(band);
      if (!values || values.length < 200) continue;
      const model = sim.options.trec.bands[String(band)];
      const median = quantile(values, 0.5);
      // Median within the unit spread, plus the LO-edge excess (≤ +10 %).
      expect(median).toBeGreaterThan(model.trecMedian - model.trecSd);
      expect(median).toBeLessThan(model.trecMedian * 1.1 + model.trecSd);
      expect(quantile(values, 0.05)).toBeGreaterThan(model.trecMedian - 4 * model.trecSd);
      expect(quantile(values, 0.95)).toBeLessThan(model.trecMedian * 1.1 + 4 * model.trecSd);
    }
    const tsysRange: Record<number, [number, number]> = {
      3: [50, 90],
      6: [70, 130],
      7: [120, 250],
      9: [600, 1500],
      10: [1000, 3000],
    };
    for (const [band, [lo, hi]] of Object.entries(tsysRange)) {
      const values = tsys.get(Number(band));
      if (!values || values.length < 50) continue;
      const median = quantile(values, 0.5);
      expect(median, `band ${band}`).toBeGreaterThan(lo);
      expect(median, `band ${band}`).toBeLessThan(hi);
    }
    expect(trec.get(3)!.length).toBeGreaterThan(1000);
    expect(trec.get(6)!.length).toBeGreaterThan(1000);
  });

  it('observes high bands only in dry weather', () => {
    for (const e of executions.filter((x) => !x.is_calibration)) {
      const band = Number(e.band.slice(-2));
      expect(e.pwv_mm).toBeLessThanOrEqual(sim.options.trec.bands[String(band)].maxPwvMm);
    }
  });

  it('lists every EB antenna as PAD:ANTENNA, within the (scaled-down) inventory', () => {
    for (const e of executions) {
      expect(e.n_antennas).toBe(e.antennas.split(' ').length);
      if (e.array_family === 'TP') expect(e.n_antennas).toBeLessThanOrEqual(2);
      expect(e.antennas).toMatch(/^([A-Z]+\d+:(DA|DV|CM|PM)\d\d ?)+$/);
    }
  });

  it('uses 40–50 antennas per 12-m EB, 8–12 per 7-m EB and 2–4 per TP EB with the full inventory', () => {
    const full = new Simulation({ out: '/unused', start: '2024-10-01', days: 3, seed: 2 });
    const rows = [...full.days()].flatMap((d) => d.executions);
    const range = (family: string) => {
      const n = rows.filter((r) => r.array_family === family).map((r) => r.n_antennas);
      return [Math.min(...n), Math.max(...n)];
    };
    expect(range('12m')[0]).toBeGreaterThanOrEqual(40);
    expect(range('12m')[1]).toBeLessThanOrEqual(51);
    expect(range('7m')[0]).toBeGreaterThanOrEqual(8);
    expect(range('7m')[1]).toBeLessThanOrEqual(12);
    expect(range('TP')[0]).toBeGreaterThanOrEqual(2);
    expect(range('TP')[1]).toBeLessThanOrEqual(4);
  });
});
