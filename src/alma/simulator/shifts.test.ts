import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, isFebruary, parseDay } from './calendar.js';
import { resolveOptions } from './options.js';
import { Rng } from './rng.js';
import { SHIFT_HOURS, generateFamilyDay, type EbSlot, type GapRow } from './shifts.js';
import { Weather } from './weather.js';

describe('shift timeline', () => {
  const options = resolveOptions({ out: '/unused', start: '2025-01-20', days: 20 });
  const start = parseDay(options.start);
  const weather = new Weather(start, options.days * 24 + 24, options.weather, new Rng(5).fork('weather'));
  const rng = new Rng(5).fork('timeline');
  let n = 0;
  const days = Array.from({ length: options.days }, (_, d) =>
    (['12m', '7m', 'TP'] as const).map((family) => ({
      family,
      dayMs: start + d * DAY_MS,
      ...generateFamilyDay({
        dayMs: start + d * DAY_MS,
        family,
        weather,
        options,
        rng,
        newEbUid: () => `uid://A002/X1/X${(++n).toString(16)}`,
      }),
    })),
  ).flat();

  it('tiles every day with three 8-hour shifts per array family', () => {
    for (const day of days) {
      expect(day.shifts.map((s) => s.shift_type)).toEqual(['night', 'morning', 'afternoon']);
      expect(day.shifts[0].start_ts).toBe(day.dayMs);
      for (let i = 0; i < 3; i++) {
        expect(day.shifts[i].end_ts - day.shifts[i].start_ts).toBe(SHIFT_HOURS * HOUR_MS);
        if (i > 0) expect(day.shifts[i].start_ts).toBe(day.shifts[i - 1].end_ts);
      }
      expect(day.shifts[2].end_ts).toBe(day.dayMs + DAY_MS);
    }
  });

  it('never overlaps buckets: gaps and EBs (other than those their execution gap covers) are disjoint inside their shift', () => {
    for (const day of days) {
      for (const shift of day.shifts) {
        const gaps = day.gaps.filter((g) => g.shift_id === shift.shift_id);
        const ebs = day.ebs.filter((e) => e.shiftId === shift.shift_id);
        const covered = new Set(gaps.map((g) => g.related_eb_uid).filter(Boolean));
        const segments: [number, number][] = [
          ...gaps.map((g: GapRow) => [g.start_ts, g.end_ts] as [number, number]),
          ...ebs.filter((e: EbSlot) => !covered.has(e.ebUid)).map((e) => [e.startMs, e.endMs] as [number, number]),
        ].sort((a, b) => a[0] - b[0]);
        let total = 0;
        for (let i = 0; i < segments.length; i++) {
          const [s, e] = segments[i];
          expect(s).toBeGreaterThanOrEqual(shift.start_ts);
          expect(e).toBeLessThanOrEqual(shift.end_ts);
          expect(e).toBeGreaterThan(s);
          if (i > 0) expect(s).toBeGreaterThanOrEqual(segments[i - 1][1]);
          total += e - s;
        }
        expect(total).toBeLessThanOrEqual(shift.end_ts - shift.start_ts);
        expect(gaps[0].type).toBe('Handover');
        for (const g of gaps) expect(g.duration_h).toBeCloseTo((g.end_ts - g.start_ts) / HOUR_MS, 9);
      }
    }
  });

  it('gives every failed, aborted or running EB an execution gap of the same span', () => {
    for (const day of days) {
      for (const eb of day.ebs.filter((e) => ['FAIL', 'ABORTED', 'RUNNING'].includes(e.status))) {
        const gap = day.gaps.find((g) => g.related_eb_uid === eb.ebUid);
        expect(gap?.type).toBe(
          { FAIL: 'Failed execution gap', ABORTED: 'Aborted execution gap', RUNNING: 'Running execution gap' }[
            eb.status as 'FAIL'
          ],
        );
        expect([gap?.start_ts, gap?.end_ts]).toEqual([eb.startMs, eb.endMs]);
      }
    }
  });

  it('holds the February shutdown: no 12-m science EB in February, science outside it', () => {
    const feb = days.filter((d) => isFebruary(d.dayMs) && d.family === '12m');
    const jan = days.filter((d) => !isFebruary(d.dayMs) && d.family === '12m');
    expect(feb.length).toBeGreaterThan(0);
    expect(feb.flatMap((d) => d.ebs).filter((e) => !e.isCalibration)).toHaveLength(0);
    expect(feb.every((d) => d.shifts.every((s) => s.activity === 'Engineering'))).toBe(true);
    expect(jan.flatMap((d) => d.ebs).filter((e) => !e.isCalibration).length).toBeGreaterThan(10);
  });
});
