import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../analytics/common/random.js';
import { DuckDb } from '../../engine/duckdb.js';
import { captureIo as capture } from '../capture-io.js';
import { runCli } from '../main.js';

/** The JSON the commands print, as far as the tests read it. */
interface ChangepointsOut {
  changepoints: number[];
  times: unknown[];
  segments: Record<string, number>[];
}
interface OutliersOut {
  rows: { row: number; score: number; flag: boolean }[];
}
interface TrendOut {
  mannKendall: Record<string, number>;
  theilSen: { slope: number };
}

const NILE = [
  1120, 1160, 963, 1210, 1160, 1160, 813, 1230, 1370, 1140, 995, 935, 1110, 994, 1020, 960, 1180, 799, 958, 1140, 1100,
  1210, 1150, 1250, 1260, 1220, 1030, 1100, 774, 840, 874, 694, 940, 833, 701, 916, 692, 1020, 1050, 969, 831, 726, 456,
  824, 702, 1120, 1100, 832, 764, 821, 768, 845, 864, 862, 698, 845, 744, 796, 1040, 759, 781, 865, 845, 944, 984, 897,
  822, 1010, 771, 676, 649, 846, 812, 742, 801, 1040, 860, 874, 848, 890, 744, 749, 838, 1050, 918, 986, 797, 923, 975,
  815, 1020, 906, 901, 1170, 912, 746, 919, 718, 714, 740,
]; // R datasets::Nile, 1871–1970

describe('llano analytics', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'llano-analytics-cli-'));
    // Rows deliberately out of year order: --time must sort them.
    const rows = NILE.map((v, i) => `${1871 + i},${v}`).reverse();
    writeFileSync(path.join(dir, 'nile.csv'), ['year,flow', ...rows].join('\n') + '\n');
    const trec = ['eb,bb,trec_x,trec_y,label'];
    for (let i = 0; i < 40; i++) trec.push(`uid1,BB_${1 + (i % 2)},${40 + (i % 5) * 0.3},${42 + (i % 3) * 0.2},a`);
    trec.push('uid1,BB_1,95,43,a');
    writeFileSync(path.join(dir, 'trec.csv'), trec.join('\n') + '\n');
    writeFileSync(path.join(dir, 'gaps.csv'), 'v\n1\n\n3\n');
    writeFileSync(path.join(dir, 'timegaps.csv'), 't,v\n1,1\n,2\n3,3\n,4\n');
    // A 5-unit level shift at row 100 and a spike of 12 at row 40, on a deterministic wiggle of SD ~0.7.
    const shifted = Array.from({ length: 200 }, (_, i) => (i < 100 ? 0 : 5) + Math.sin(i * 7.1) + (i === 40 ? 12 : 0));
    writeFileSync(path.join(dir, 'shifted.csv'), ['v', ...shifted].join('\n') + '\n');
    const db = await DuckDb.open();
    await db.run(
      `COPY (SELECT range AS t, CASE WHEN range < 300 THEN 0 ELSE 5 END + sin(range * 7.1) AS v FROM range(600)) TO '${path.join(dir, 'steps.parquet')}' (FORMAT parquet)`,
    );
    await db.close();
  });

  it('changepoints: finds the Nile change, sorted by --time, with the year at each change', async () => {
    const io = capture(dir);
    expect(await runCli(['analytics', 'changepoints', 'nile.csv', '--column', 'flow', '--time', 'year'], io)).toBe(0);
    const out = JSON.parse(io.stdout) as ChangepointsOut;
    expect(out.changepoints).toEqual([28]);
    expect(out.times).toEqual([1899]);
    expect(out.segments[0]).toMatchObject({ start: 0, end: 28, n: 28, mean: 1097.75 });
    expect(Object.keys(out.segments[0]).sort()).toEqual(['end', 'mean', 'n', 'start', 'std']);
  });

  it('changepoints: Parquet input, binseg and bocpd methods, manual penalty and min size', async () => {
    for (const args of [
      ['--method', 'binseg'],
      ['--method', 'bocpd'],
      ['--penalty', '20', '--min-size', '10', '--cost', 'meanvar'],
    ]) {
      const io = capture(dir);
      expect(
        await runCli(['analytics', 'changepoints', path.join(dir, 'steps.parquet'), '--column', 'v', ...args], io),
        io.stderr,
      ).toBe(0);
      const out = JSON.parse(io.stdout) as ChangepointsOut;
      expect(out.changepoints.length, args.join(' ')).toBeGreaterThanOrEqual(1);
      expect(
        out.changepoints.some((c) => Math.abs(c - 300) <= 5),
        args.join(' '),
      ).toBe(true);
    }
  });

  it('changepoints --method bocpd: every 3 SD step of 500/500/500 at its first index; cost and penalty refused', async () => {
    const random = createRandom(3);
    const values = Array.from({ length: 1500 }, (_, i) => (i >= 500 && i < 1000 ? 3 : 0) + random.normal());
    writeFileSync(path.join(dir, 'step3.csv'), ['v', ...values].join('\n') + '\n');
    const run = async (...args: string[]) => {
      const io = capture(dir);
      const code = await runCli(
        ['analytics', 'changepoints', 'step3.csv', '--column', 'v', '--method', 'bocpd', ...args],
        io,
      );
      return { code, io };
    };
    const ok = await run();
    expect(ok.code, ok.io.stderr).toBe(0);
    const out = JSON.parse(ok.io.stdout) as ChangepointsOut & { method: string };
    expect(out.method).toBe('bocpd');
    expect(out.changepoints).toHaveLength(2);
    expect(Math.abs(out.changepoints[0] - 500)).toBeLessThanOrEqual(1);
    expect(Math.abs(out.changepoints[1] - 1000)).toBeLessThanOrEqual(1);
    for (const [flags, message] of [
      [['--cost', 'robust'], /cost robust does not apply to method bocpd/],
      [['--penalty', 'bic'], /penalty bic does not apply to method bocpd/],
    ] as const) {
      const refused = await run(...flags);
      expect(refused.code).toBe(1);
      expect(refused.io.stderr).toMatch(message);
    }
  });

  it('changepoints: --method pelt and fpop run what they say, --max-changes, --noise-scale, --noise-model', async () => {
    const run = async (...args: string[]) => {
      const io = capture(dir);
      expect(
        await runCli(['analytics', 'changepoints', 'nile.csv', '--column', 'flow', '--time', 'year', ...args], io),
        io.stderr,
      ).toBe(0);
      return JSON.parse(io.stdout) as ChangepointsOut & Record<string, unknown>;
    };
    for (const method of ['pelt', 'fpop', 'binseg', 'optimal-partitioning']) {
      const out = await run('--method', method);
      expect(out.method).toBe(method);
      expect(out.changepoints).toEqual([28]);
    }
    expect((await run()).method).toBe('fpop');
    // A tiny given noise scale cuts the Nile into many segments; --max-changes caps them.
    expect((await run('--noise-scale', '10')).changepoints.length).toBeGreaterThan(3);
    // The exact searches take the smallest penalty with at most that many (the path may skip 2).
    const capped = await run('--noise-scale', '10', '--max-changes', '2', '--method', 'pelt');
    expect(capped.changepoints.length).toBeLessThanOrEqual(2);
    expect(capped.changepoints).toContain(28);
    expect(capped.noiseScale).toBe(10);
    expect((await run('--noise-scale', '10', '--max-changes', '2', '--method', 'binseg')).changepoints).toHaveLength(2);
    expect((await run('--noise-model', 'white')).autocorrelation).toBe(0);
  });

  it('outliers: robust z within groups, as JSON and CSV', async () => {
    const io = capture(dir);
    expect(
      await runCli(
        ['analytics', 'outliers', 'trec.csv', '--columns', 'trec_x,trec_y', '--group', 'eb,bb', '--threshold', '4'],
        io,
      ),
    ).toBe(0);
    const out = JSON.parse(io.stdout) as OutliersOut;
    expect(out.rows).toHaveLength(41);
    expect(out.rows.filter((r) => r.flag).map((r) => r.row)).toEqual([40]);
    const csv = capture(dir);
    expect(
      await runCli(
        ['analytics', 'outliers', 'trec.csv', '--column', 'trec_x', '--method', 'iqr', '--format', 'csv'],
        csv,
      ),
    ).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('row,score,flag');
    expect(lines[41]).toMatch(/^40,[\d.]+,true$/);
    for (const method of ['iforest', 'lof']) {
      const io2 = capture(dir);
      expect(
        await runCli(['analytics', 'outliers', 'trec.csv', '--columns', 'trec_x,trec_y', '--method', method], io2),
      ).toBe(0);
      const rows = (JSON.parse(io2.stdout) as OutliersOut).rows;
      expect(rows.reduce((a, r) => (r.score > a.score ? r : a)).row, method).toBe(40);
    }
  });

  it('outliers --method local: a spike beside a level shift, against the running median in file order', async () => {
    const flaggedRows = async (method: string) => {
      const io = capture(dir);
      expect(await runCli(['analytics', 'outliers', 'shifted.csv', '--column', 'v', '--method', method], io)).toBe(0);
      return (JSON.parse(io.stdout) as OutliersOut).rows.filter((r) => r.flag).map((r) => r.row);
    };
    expect(await flaggedRows('local')).toEqual([40]);
    // The whole column's robust z: the shift widens the scale and the spike hides.
    expect(await flaggedRows('mad')).toEqual([]);
    // Without --method: local, the default.
    const io = capture(dir);
    expect(await runCli(['analytics', 'outliers', 'shifted.csv', '--column', 'v'], io)).toBe(0);
    expect((JSON.parse(io.stdout) as OutliersOut).rows.filter((r) => r.flag).map((r) => r.row)).toEqual([40]);
  });

  it('outliers --time: rows shuffled in time give the flags of the sorted file, printed in file order', async () => {
    // A level shift at t = 150 and spikes at t = 40 and 171 on a wiggle; two antennas taking turns.
    const stamp = (hours: number) =>
      new Date(Date.UTC(2026, 0, 1) + hours * 3600e3).toISOString().replace('T', ' ').slice(0, 19);
    const sorted = Array.from({ length: 300 }, (_, t) => {
      const v = (t < 150 ? 0 : 6) + Math.sin(t * 7.1) + (t === 40 ? 9 : t === 171 ? -9 : 0);
      return { t, line: `${stamp(t)},${t},${v},DA${41 + (t % 2)}` };
    });
    const random = createRandom(11);
    const shuffled = [...sorted];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = random.integer(i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    const write = (name: string, rows: typeof sorted) =>
      writeFileSync(path.join(dir, name), ['ts,t,v,antenna', ...rows.map((r) => r.line)].join('\n') + '\n');
    write('sorted.csv', sorted);
    write('shuffled.csv', shuffled);
    const scored = async (file: string, ...args: string[]) => {
      const io = capture(dir);
      expect(await runCli(['analytics', 'outliers', file, '--column', 'v', ...args], io), io.stderr).toBe(0);
      const rows = (JSON.parse(io.stdout) as OutliersOut).rows;
      expect(rows.map((r) => r.row)).toEqual(rows.map((_, i) => i));
      return rows;
    };
    // The shuffled file's rows, put back in time through their t: row by row the sorted file's.
    const backInTime = (rows: OutliersOut['rows']) =>
      rows.map((r, i) => ({ ...r, row: shuffled[i].t })).sort((a, b) => a.row - b.row);
    for (const group of [[], ['--group', 'antenna']]) {
      const reference = await scored('sorted.csv', ...group);
      expect(reference.filter((r) => r.flag).map((r) => r.row)).toEqual([40, 171]);
      // A timestamp column and a numeric one.
      for (const time of ['ts', 't'])
        expect(backInTime(await scored('shuffled.csv', '--time', time, ...group)), time).toEqual(reference);
    }
    // In file order the shuffled series is noise around two levels: the spikes are lost in it.
    const unordered = backInTime(await scored('shuffled.csv'));
    expect(unordered.filter((r) => r.flag).map((r) => r.row)).not.toEqual([40, 171]);
  });

  it('trend: Mann–Kendall and Theil–Sen of the Nile against the year', async () => {
    const io = capture(dir);
    expect(await runCli(['analytics', 'trend', 'nile.csv', '--column', 'flow', '--time', 'year'], io)).toBe(0);
    const out = JSON.parse(io.stdout) as TrendOut;
    expect(out.mannKendall.s).toBe(-1387);
    expect(out.mannKendall.pValue).toBeCloseTo(3.658262921664327e-5, 9);
    expect(out.theilSen.slope).toBeCloseTo(-2.6, 10);
    expect(Object.keys(out.mannKendall).sort()).toEqual(['pValue', 's', 'tau', 'variance', 'z']);
  });

  it('bad input: one clear error line and exit code 1', async () => {
    const cases: [string[], RegExp][] = [
      [['analytics', 'changepoints', 'missing.csv', '--column', 'x'], /file not found/],
      [['analytics', 'changepoints', 'nile.csv', '--column', 'nope'], /column "nope" not found/],
      [['analytics', 'outliers', 'trec.csv', '--columns', 'eb'], /"eb" is VARCHAR, not numeric/],
      [['analytics', 'outliers', 'trec.csv'], /--column NAME or --columns A,B/],
      [['analytics', 'outliers', 'nile.csv', '--column', 'flow', '--time', 'when'], /column "when" not found/],
      [
        ['analytics', 'outliers', 'trec.csv', '--column', 'trec_x', '--time', 'eb'],
        /time column "eb" is VARCHAR, not a date/,
      ],
      [
        ['analytics', 'outliers', 'timegaps.csv', '--column', 'v', '--time', 't'],
        /"t" has 2 NULL values \(first at row 1\)/,
      ],
      [['analytics', 'outliers', 'nile.csv', '--column', 'flow', '--time', ''], /--time: must not be empty/],
      [['analytics', 'changepoints', 'gaps.csv', '--column', 'v'], /1 missing or non-finite values \(first at row 1\)/],
      [['analytics', 'changepoints', 'nile.csv', '--column', 'flow', '--min-size', '500'], /larger than the series/],
      [['analytics', 'changepoints', 'nile.csv', '--column', 'flow', '--penalty', 'huge'], /penalty must be/],
      [['analytics', 'changepoints', 'nile.csv', '--column', 'flow', '--method', 'magic'], /--method/],
      [['analytics', 'changepoints', 'nile.csv', '--column', 'flow', '--max-changes', '-1'], /--max-changes/],
      [['analytics', 'changepoints', 'nile.csv', '--column', 'flow', '--noise-scale', '0'], /--noise-scale/],
      [['analytics', 'changepoints', 'nile.csv', '--column', 'flow', '--noise-model', 'pink'], /--noise-model/],
    ];
    for (const [argv, message] of cases) {
      const io = capture(dir);
      expect(await runCli(argv, io), argv.join(' ')).toBe(1);
      expect(io.stderr).toMatch(message);
      expect(io.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
