import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../analytics/common/random.js';
import { captureIo as capture } from '../capture-io.js';
import { runCli } from '../main.js';

interface Line {
  row: number;
  time?: number;
  value: number | null;
  score: number | null;
  alarm: boolean;
  cause?: { row: number; time?: number; value: number };
}

describe('llano analytics anomalies', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'llano-anomalies-cli-'));
    const random = createRandom(5);
    const rows = Array.from({ length: 1200 }, (_, t) => `${t},${(t === 900 ? 12 : 0) + random.normal()}`);
    // Rows out of time order: --time must sort them. A missing value at t = 10.
    rows[10] = '10,';
    writeFileSync(path.join(dir, 'series.csv'), ['t,v', ...rows.slice().reverse()].join('\n') + '\n');
    writeFileSync(path.join(dir, 'prefix.csv'), ['t,v', ...rows.slice(0, 950)].join('\n') + '\n');
    const short = Array.from({ length: 300 }, (_, t) => `${t},${(t === 250 ? 30 : 0) + random.normal()}`);
    writeFileSync(path.join(dir, 'short.csv'), ['t,v', ...short].join('\n') + '\n');
    // A daily cycle of 24 rows, 4 noise SDs each side, and a step of 3 SDs at t = 1000.
    const cycle = Array.from(
      { length: 1400 },
      (_, t) => `${t},${4 * Math.sin((2 * Math.PI * t) / 24) + (t >= 1000 ? 3 : 0) + random.normal()}`,
    );
    writeFileSync(path.join(dir, 'cycle.csv'), ['t,v', ...cycle].join('\n') + '\n');
  });

  const run = async (argv: string[]) => {
    const io = capture(dir);
    const code = await runCli(['analytics', 'anomalies', ...argv], io);
    return { code, io };
  };

  it('prints one JSON line per row in time order, scores in [0, 1], and the alarm at the spike', async () => {
    const { code, io } = await run(['series.csv', '--column', 'v', '--time', 't', '--format', 'json']);
    expect(code, io.stderr).toBe(0);
    const lines = io.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    expect(lines).toHaveLength(1200);
    expect(lines.map((l) => l.time)).toEqual(Array.from({ length: 1200 }, (_, t) => t));
    // `row` is the position in the file (written newest first), not the rank in time.
    expect(lines[10]).toEqual({ row: 1189, time: 10, value: null, score: null, alarm: false });
    expect(lines.map((l) => l.row)).toEqual(Array.from({ length: 1200 }, (_, t) => 1199 - t));
    expect(lines.filter((l) => l.score !== null).every((l) => l.score! >= 0 && l.score! <= 1)).toBe(true);
    const alarms = lines.filter((l) => l.alarm);
    expect(alarms.map((l) => l.time)).toEqual([900]);
    // The spike alarms on its own row, which it names as the cause.
    expect(alarms[0].cause).toEqual({ row: 299, time: 900, value: alarms[0].value });
  });

  it('is causal: the rows of a prefix of the file get the same scores as in the whole file (CSV)', async () => {
    const whole = await run(['series.csv', '--column', 'v', '--time', 't']);
    const prefix = await run(['prefix.csv', '--column', 'v']);
    expect(whole.code, whole.io.stderr).toBe(0);
    expect(prefix.code, prefix.io.stderr).toBe(0);
    const wholeLines = whole.io.stdout.trim().split('\n');
    const prefixLines = prefix.io.stdout.trim().split('\n');
    expect(wholeLines[0]).toBe('row,t,value,score,alarm,cause_row,cause_t,cause_value');
    expect(prefixLines[0]).toBe('row,value,score,alarm,cause_row,cause_value');
    expect(prefixLines).toHaveLength(951);
    // Same values and scores; the whole file lists its rows newest first, so their `row` differs.
    const scores = (line: string, timed: boolean) => line.split(',').slice(timed ? 2 : 1, timed ? 5 : 4);
    expect(wholeLines.slice(1, 951).map((l) => scores(l, true))).toEqual(
      prefixLines.slice(1).map((l) => scores(l, false)),
    );
    expect(prefixLines[11]).toBe('10,,,false,,');
    expect(wholeLines[901]).toMatch(/^299,900,([\d.]+),[\d.]+,true,299,900,\1$/);
    expect(prefixLines[901]).toMatch(/^900,([\d.]+),[\d.]+,true,900,\1$/);
  });

  it('a higher false-alarm rate raises more alarms; bad flags get one clear error line', async () => {
    const loose = await run(['series.csv', '--column', 'v', '--false-alarm-rate', '0.05', '--time', 't']);
    expect(loose.io.stdout.match(/,true,/g)!.length).toBeGreaterThan(1);
    const cases: [string[], RegExp][] = [
      [['series.csv', '--column', 'v', '--false-alarm-rate', '2'], /--false-alarm-rate: expected a number in/],
      [['series.csv', '--column', 'v', '--format', 'xml'], /--format: expected one of csv, json/],
      [['series.csv', '--column', 'nope'], /column "nope" not found/],
      [['missing.csv', '--column', 'v'], /file not found/],
    ];
    for (const [argv, message] of cases) {
      const { code, io } = await run(argv);
      expect(code, argv.join(' ')).toBe(1);
      expect(io.stderr).toMatch(message);
      expect(io.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('--period: a given cycle is allowed for, so a step through it alarms; auto finds it; bad values are refused', async () => {
    const alarms = async (period: string) => {
      const { code, io } = await run(['cycle.csv', '--column', 'v', '--period', period, '--format', 'json']);
      expect(code, io.stderr).toBe(0);
      const lines = io.stdout.trim().split('\n');
      return lines.map((l) => JSON.parse(l) as Line).filter((l) => l.alarm);
    };
    for (const period of ['24', 'auto']) {
      const found = await alarms(period);
      // The step is caught within a few rows, and nothing before it (the cycle alone is normal).
      expect(found.length, period).toBeGreaterThan(0);
      expect(found[0].row, period).toBeGreaterThanOrEqual(1000);
      expect(found[0].row, period).toBeLessThan(1030);
    }
    for (const [bad, message] of [
      ['1', /--period: expected auto, 0 \(no cycle\) or a whole number of rows from 2 to 100000, not "1"/],
      ['daily', /--period: expected auto, 0 .*not "daily"/],
    ] as const) {
      const { code, io } = await run(['cycle.csv', '--column', 'v', '--period', bad]);
      expect(code).toBe(1);
      expect(io.stderr).toMatch(message);
    }
  });

  it('says when a short file is all probation, and --probation lets it alarm', async () => {
    const plain = await run(['short.csv', '--column', 'v']);
    expect(plain.code, plain.io.stderr).toBe(0);
    expect(plain.io.stdout).not.toMatch(/,true,/);
    expect(plain.io.stderr).toMatch(/all 300 scored rows are in the probation .* --probation 75/);
    const shorter = await run(['short.csv', '--column', 'v', '--time', 't', '--probation', '50', '--format', 'json']);
    expect(shorter.code, shorter.io.stderr).toBe(0);
    expect(shorter.io.stderr).toBe('');
    const alarms = shorter.io.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line)
      .filter((l) => l.alarm);
    expect(alarms.map((l) => l.time)).toEqual([250]);
    const bad = await run(['short.csv', '--column', 'v', '--probation', 'many']);
    expect(bad.code).not.toBe(0);
    expect(bad.io.stderr).toMatch(/--probation: expected a whole number of rows, not "many"/);
  });
});
