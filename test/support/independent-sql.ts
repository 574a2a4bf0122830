import { expect } from 'vitest';
import { resolveSource } from '../../src/datasets/datasets.js';
import type { Workspace } from '../../src/workspace/workspace.js';

/**
 * An independent aggregation of a managed dataset's current version, written by hand in DuckDB
 * SQL (`{t}` stands for the dataset), to check a chart's rows against.
 */
export async function datasetSql(
  ws: Workspace,
  projectKey: string,
  dataset: string,
  text: string,
): Promise<unknown[][]> {
  const { source } = await resolveSource(ws, projectKey, dataset);
  if (source.kind !== 'parquet') throw new Error('expected a managed dataset');
  const rel = `read_parquet([${source.paths.map((p) => `'${p}'`).join(', ')}])`;
  return (await ws.duck.query(text.replaceAll('{t}', rel))).rows;
}

/** Rows equal, numbers to 9 decimals (the engine's avg and an independent one may differ in the last bits). */
export function expectCloseRows(a: unknown[][], b: unknown[][]): void {
  expect(a.length).toBe(b.length);
  a.forEach((row, i) =>
    row.forEach((v, j) => {
      const other = b[i][j];
      if (typeof v === 'number' && typeof other === 'number') expect(v).toBeCloseTo(other, 9);
      else expect(v).toEqual(other);
    }),
  );
}
