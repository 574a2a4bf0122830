// Change-point quality per cost: each non-default cost on the families where it means something
// (level shifts: mean, robust, meanvar; spread changes: meanvar, var; counts: poisson, mean), F1
// (margin 5), Cover, changes found and false changes (found minus those within 5 points of a true
// one) per family and kind. Imported by bench/analytics-quality.ts; alone:
// `node --import tsx bench/_cost-quality.ts` (BENCH_SERIES series per row, default 50; BENCH_BASE=/path
// scores the detectChangePoints of another checkout instead, e.g. a copy of main's src/, for a before/after).
import { pathToFileURL } from 'node:url';
import { detectChangePoints } from '../src/analytics/index.js';
import { costQuality, type CostRow } from '../src/analytics/evaluation/cost-quality.js';

const detect: typeof detectChangePoints = process.env.BENCH_BASE
  ? (
      (await import(`${process.env.BENCH_BASE}/src/analytics/index.ts`)) as {
        detectChangePoints: typeof detectChangePoints;
      }
    ).detectChangePoints
  : detectChangePoints;

/** The rows as a Markdown table. */
export function costQualityTable(rows: CostRow[]): string {
  const lines = [
    '| family | kind | cost | F1 (margin 5) | Cover | changes found (mean) | false changes (mean) | ≤ 1 change found |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows)
    lines.push(
      `| ${r.family} | ${r.withChanges ? 'changes' : 'no change'} | ${r.cost} | ${r.f1.toFixed(3)} | ${r.cover.toFixed(3)} | ${r.found.toFixed(2)} | ${r.falseChanges.toFixed(2)} | ${r.withChanges ? '' : `${(100 * r.quiet).toFixed(0)} %`} |`,
    );
  return lines.join('\n') + '\n';
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  console.log(costQualityTable(costQuality(Number(process.env.BENCH_SERIES ?? 50), detect)));
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
