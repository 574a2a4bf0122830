import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDb } from '../../engine/duckdb.js';
import type { RecipeContext } from '../recipe-type.js';
import { trendRecipeType } from '../trend-recipe.js';
import { orderCodec, readGroupedSeries } from './grouped-series.js';
import { MIN_PARALLEL_ROWS } from './parallel-groups.js';
import { KERNEL_COLUMNS, runKernel } from './series-kernels.js';

/**
 * A run over a Parquet input of more than MIN_PARALLEL_ROWS rows starts its worker threads
 * before it reads the series, and they compute a made-up warm-up batch first: the output must
 * be the kernel's, computed here in the calling thread, row for row and bit for bit.
 */
describe('grouped recipes with worker threads started while the series are read', () => {
  let db: DuckDb;
  let dir: string;
  let input: string;
  const SERIES = 60;
  const rows = SERIES * 4_000;

  beforeAll(async () => {
    db = await DuckDb.open();
    dir = mkdtempSync(path.join(tmpdir(), 'llano-workers-ahead-'));
    input = path.join(dir, 'in.parquet');
    // Rows interleaved as a time-ordered file holds them; each series drifts at its own rate.
    await db.run(
      `COPY (SELECT 's' || (i % ${SERIES}) AS site, TIMESTAMP '2024-01-01' + INTERVAL (i // ${SERIES}) HOUR AS at,
         round(sin(i * 0.37) + (i // ${SERIES}) * 0.0001 * (i % ${SERIES} - 30), 3) AS v FROM range(${rows}) t(i))
       TO '${input}' (FORMAT parquet)`,
    );
  });

  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('trend: the same statistics as the kernel in the calling thread', async () => {
    expect(rows).toBeGreaterThan(MIN_PARALLEL_ROWS);
    const ctx: RecipeContext = {
      duck: db,
      inputs: [
        { name: 'obs', source: { kind: 'parquet', paths: [input] }, definition: {} as never, versionToken: null },
      ],
      tempPath: (suffix) => path.join(dir, `tmp${Math.random()}${suffix}`),
      scope: { roots: [dir], scratchDir: dir },
      log: () => undefined,
    };
    const recipe = trendRecipeType.schema.parse({
      name: 'r',
      inputs: ['obs'],
      output: 'o',
      type: 'trend',
      groupBy: ['site'],
      orderBy: 'at',
      column: 'v',
    });
    const out = path.join(dir, 'trend.parquet');
    await trendRecipeType.run(ctx, recipe, { kind: 'parquet', path: out });
    const written = await db.query(`SELECT * FROM read_parquet('${out}') ORDER BY site`);

    const series = await db.withConnection((conn) =>
      readGroupedSeries(conn, {
        relation: `read_parquet('${input}')`,
        groupBy: ['site'],
        orderBy: { column: 'at', codec: orderCodec('at', 'TIMESTAMP') },
        column: 'v',
        rows: 'valid',
      }),
    );
    const kernel = runKernel(
      { kind: 'trend', alpha: 0.05, perDay: 86_400e6 },
      { firstGroup: 0, starts: series.starts, values: series.values, order: series.order },
    );
    expect(kernel.rows).toBe(SERIES);
    const names = KERNEL_COLUMNS.trend;
    const expected = Array.from({ length: kernel.rows }, (_, r) =>
      names.slice(1).map((name) => kernel.columns[names.indexOf(name)][r]),
    );
    const got = written.rows.map((row) => names.slice(1).map((name) => Number(row[written.columns.indexOf(name)])));
    expect(got).toEqual(expected);
    expect(written.rows.map((row) => Number(row[written.columns.indexOf('n')]))).toEqual(Array(SERIES).fill(4_000));
  });
});
