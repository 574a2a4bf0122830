/**
 * Where the Arrow path's time goes (ts-recipe-arrow.ts), in process: 1 M rows (id BIGINT, band
 * VARCHAR, trec DOUBLE with NULLs, antenna VARCHAR with NULLs) in batches of 65,536, made into
 * RecordBatches, then written back as columns. CPU ms (user + sys), median of BENCH_RUNS (3).
 */
import { arrowBatches, writeArrow } from '../src/recipes/code/ts-recipe-arrow.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const BATCH = 65_536;
const columns = [
  { name: 'id', type: 'BIGINT' },
  { name: 'band', type: 'VARCHAR' },
  { name: 'trec', type: 'DOUBLE' },
  { name: 'antenna', type: 'VARCHAR' },
];
const batches: { numRows: number; columns: Record<string, unknown[]> }[] = [];
for (let from = 0; from < ROWS; from += BATCH) {
  const n = Math.min(BATCH, ROWS - from);
  const b = { numRows: n, columns: { id: [], band: [], trec: [], antenna: [] } as Record<string, unknown[]> };
  for (let i = from; i < from + n; i++) {
    b.columns.id.push(i);
    b.columns.band.push(`B${3 + (i % 7)}`);
    b.columns.trec.push(i % 20 === 0 ? null : 30 + (i % 2300) / 100);
    b.columns.antenna.push(i % 33 === 0 ? null : `DA${40 + (i % 25)}`);
  }
  batches.push(b);
}
const input = {
  columns,
  batches: () =>
    (async function* () {
      for (const b of batches) yield await Promise.resolve(b);
    })(),
};
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const ins: number[] = [];
const outs: number[] = [];
for (let r = 0; r < Number(process.env.BENCH_RUNS ?? 3); r++) {
  let t = cpu();
  const made = [];
  for await (const b of arrowBatches(input)) made.push(b);
  ins.push(cpu() - t);
  t = cpu();
  // The harness's writeBatch is left out: this times the conversion alone.
  const sink = { writeBatch: () => Promise.resolve() };
  for (const b of made) await writeArrow(sink, b);
  outs.push(cpu() - t);
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`| ${ROWS.toLocaleString('en-US')} rows | arrowBatches CPU ms | writeArrow CPU ms |`);
console.log('| --- | ---: | ---: |');
console.log(`| median of ${ins.length} | ${Math.round(median(ins))} | ${Math.round(median(outs))} |`);
