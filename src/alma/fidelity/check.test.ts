import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../simulator/index.js';
import { checkFidelityOfFiles, isSourceFact, type FidelityReport } from './check.js';
import { FIDELITY_FACTS } from './facts.js';

/**
 * The simulator against the domain note, on 14 days with the full inventory: every fact that
 * needs no longer period holds. The yearly facts (delivered hours, data volume, delivery
 * times, band mix) run in `npm run bench fidelity` on 365 days.
 */
describe('simulator fidelity (14 days)', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'llano-fidelity-'));
  let report: FidelityReport;

  beforeAll(async () => {
    await simulate({ start: '2024-10-01', days: 14, seed: 7, out: root });
    report = await checkFidelityOfFiles(root);
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('measures every fact of facts.ts, and those a fortnight allows hold', () => {
    expect(report.facts.map((f) => f.id)).toEqual(FIDELITY_FACTS.map((f) => f.id));
    expect(report.days).toBe(14);
    const measured = report.facts.filter((f) => f.ok !== null);
    expect(measured.length).toBeGreaterThanOrEqual(25);
    expect(measured.filter((f) => !f.ok).map((f) => `${f.id}: ${f.measured}`)).toEqual([]);
    expect(report.failedSourceFacts).toEqual([]);
    // SB / project states and the Obscore table are measured on any period.
    const lifeCycle = [
      'sb_state_vocabulary',
      'project_state_vocabulary',
      'sb_states_follow_ebs',
      'project_states_follow_sbs',
    ];
    for (const id of [...lifeCycle, 'obscore_columns', 'obscore_delivered_mous', 'obscore_values'])
      expect(report.facts.find((f) => f.id === id)?.ok, id).toBe(true);
    for (const f of report.facts.filter((x) => x.ok === null)) expect(f.measured).toMatch(/^needs ≥ \d+ days$/);
  });

  it('names the sourced facts that fail, and a fact whose table is missing fails with the reason', async () => {
    const custom = await checkFidelityOfFiles(root, [
      { id: 'always_wrong', source: 'S8', fact: 'x', expected: 'y', sql: `SELECT 'z' AS measured, false AS ok` },
      { id: 'assumption_wrong', source: 'A', fact: 'x', expected: 'y', sql: `SELECT 'z' AS measured, false AS ok` },
      {
        id: 'no_table',
        source: 'S1',
        fact: 'x',
        expected: 'y',
        sql: `SELECT count(*) AS measured, true AS ok FROM alma_tap`,
      },
    ]);
    expect(custom.facts.map((f) => f.ok)).toEqual([false, false, false]);
    expect(custom.facts[2].measured).toMatch(/^missing: .*alma_tap/);
    expect(custom.failedSourceFacts).toEqual(['always_wrong', 'no_table']);
    expect(isSourceFact('S13')).toBe(true);
    expect(isSourceFact('talk')).toBe(false);
  });

  it('refuses a folder without simulator tables', async () => {
    await expect(checkFidelityOfFiles(path.join(root, 'nope'))).rejects.toThrow(/--in: no such folder/);
  });
});

/**
 * The README's tour (`llano alma simulate … --format csv`, then `llano alma fidelity --in sim`): the
 * CSV output measures as its Parquet does. CSV columns would be typed by DuckDB's sniffing (a band
 * "03" as BIGINT, every column of an empty table as VARCHAR); 30 days, so that Obscore has rows.
 */
describe('simulator fidelity on CSV (30 days)', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'llano-fidelity-csv-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('measures the same on the CSV output of a simulation as on its Parquet', async () => {
    const report: Record<string, FidelityReport> = {};
    for (const format of ['csv', 'parquet'] as const) {
      await simulate({ start: '2024-10-01', days: 30, seed: 42, out: path.join(root, format), format });
      report[format] = await checkFidelityOfFiles(path.join(root, format));
    }
    const facts = (r: FidelityReport) => r.facts.map((f) => `${f.id}: ${f.measured} ${f.ok}`);
    expect(facts(report.csv)).toEqual(facts(report.parquet));
    expect(report.csv.failedSourceFacts).toEqual([]);
    expect(report.csv.facts.find((f) => f.id === 'obscore_values')?.measured).toMatch(/^0 of [1-9]\d* rows otherwise$/);
  }, 180_000);
});
