// Simulator fidelity on a full year: every fact of docs/alma-domain.md that the tables allow
// (src/alma/fidelity/facts.ts), measured on 365 days from 2024-10-01, seed 7 — the run the
// issue's figures came from. Prints a Markdown table; exits 1 when a sourced fact fails.
// Run: npm run bench fidelity   (or: node --import tsx bench/fidelity.ts [--days N --seed S --start D])
import { checkFidelity } from '../src/alma/fidelity/check.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const started = performance.now();
const report = await checkFidelity({
  start: arg('start', '2024-10-01'),
  days: Number(arg('days', '365')),
  seed: Number(arg('seed', '7')),
});
const cell = (s: string) => s.replaceAll('|', '\\|');
console.log('| fact | source | expected | measured | ok |');
console.log('| --- | --- | --- | --- | --- |');
for (const f of report.facts)
  console.log(
    `| ${f.id} | ${f.source} | ${cell(f.expected)} | ${cell(f.measured)} | ${f.ok === null ? 'n/a' : f.ok ? 'ok' : '**NOT**'} |`,
  );
const failed = report.facts.filter((f) => f.ok === false);
console.log(
  `\n${report.days} days; ${report.facts.length - failed.length} of ${report.facts.length} facts hold or need a longer run; ` +
    `failed: ${failed.map((f) => f.id).join(', ') || 'none'} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
);
if (report.failedSourceFacts.length > 0) process.exitCode = 1;
