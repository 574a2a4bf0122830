import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { csvColumnBatches, fieldKind } from './ts-recipe-csv.js';

const dir = mkdtempSync(path.join(tmpdir(), 'llano-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

describe('the column-wise CSV parser of the TypeScript columnar path', () => {
  // DuckDB's dialect: \N unquoted is NULL, "\N" the text; quoted fields may hold commas, quotes and newlines.
  const text = 'id,name,ok,x\n1,plain,true,1.5\n2,"a, ""quoted""\nline",false,\\N\n3,"\\N",\\N,-2\r\n4,,true,1e3\n';
  const kinds = ['BIGINT', 'VARCHAR', 'BOOLEAN', 'DOUBLE'].map(fieldKind);

  it('gives the values of each column, NULLs and quoted text included, in batches of the size asked', async () => {
    const file = path.join(dir, 'a.csv');
    writeFileSync(file, text);
    const batches = await collect(csvColumnBatches(file, kinds, 3));
    expect(batches.map(([n]) => n)).toEqual([3, 1]);
    const columns = kinds.map((_, j) => batches.flatMap(([, arrays]) => arrays[j]));
    expect(columns).toEqual([
      [1, 2, 3, 4],
      ['plain', 'a, "quoted"\nline', '\\N', ''],
      [true, false, null, true],
      [1.5, null, -2, 1000],
    ]);
  });

  it('keeps records whole across the reader’s chunks', async () => {
    const file = path.join(dir, 'big.csv');
    const lines = ['id,name'];
    for (let i = 0; i < 200_000; i++) lines.push(i % 1000 === 0 ? `${i},"x,${i}"` : `${i},n${i}`);
    writeFileSync(file, lines.join('\n') + '\n');
    const batches = await collect(csvColumnBatches(file, ['number', 'text'], 65_536));
    const ids = batches.flatMap(([, a]) => a[0]);
    expect(ids.length).toBe(200_000);
    expect(ids.every((v, i) => v === i)).toBe(true);
    expect(batches.flatMap(([, a]) => a[1])[1000]).toBe('x,1000');
  });
});
