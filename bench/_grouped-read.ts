/**
 * Reading grouped series (the first phase of the analysis recipes), timed alone on the simulator's
 * Trec table: `node --import tsx bench/_grouped-read.ts FILE.parquet`. Prints the median of
 * BENCH_RUNS reads and a hash of what was read (to compare two versions of the reader).
 */
import { createHash } from 'node:crypto';
import { DuckDb } from '../src/engine/duckdb.js';
import { orderCodec, readGroupedSeries } from '../src/recipes/analytics/grouped-series.js';

const file = process.argv[2];
const runs = Number(process.env.BENCH_RUNS ?? 3);
const db = await DuckDb.open();
const times: number[] = [];
let digest = '';
await db.withConnection(async (conn) => {
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const s = await readGroupedSeries(conn, {
      relation: `read_parquet('${file}')`,
      groupBy: ['antennaname', 'receiverband', 'basebandname'],
      orderBy: { column: 'startvalidtime', codec: orderCodec('startvalidtime', 'TIMESTAMP') },
      column: 'trec_x',
      rows: 'valid',
    });
    times.push(performance.now() - t0);
    const h = createHash('sha256');
    h.update(new Uint8Array(s.values.buffer));
    h.update(new Uint8Array(s.order!.buffer));
    h.update(new Uint8Array(s.starts.buffer));
    digest = h.digest('hex').slice(0, 16);
  }
});
times.sort((a, b) => a - b);
console.log(
  `read ${times.map((t) => t.toFixed(0)).join(', ')} ms; median ${times[runs >> 1].toFixed(0)} ms; hash ${digest}`,
);
await db.close();
