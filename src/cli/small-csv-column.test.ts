import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { readNumericColumns } from '../engine/column-reader.js';
import { DuckDb } from '../engine/duckdb.js';
import { readSmallCsvColumn, SMALL_CSV_BYTES } from './small-csv-column.js';

const dir = mkdtempSync(path.join(tmpdir(), 'llano-small-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

it('reads what DuckDB reads from a plain CSV', async () => {
  const series = Array.from({ length: 100 }, (_, i) => `${i},${(i < 50 ? 10 : 14) + Math.sin(i * 7.3)},DA${i}`);
  const cases = [
    file('series.csv', 't,value,antenna\n' + series.join('\n') + '\n'),
    file('crlf.csv', 't,value,antenna\r\n' + series.join('\r\n')),
    file('mixed.csv', 'a,value\nx,1\ny,-2.5\nz,3e-7\nw,0.125\nv,12345678901234567\n'),
  ];
  const db = await DuckDb.open();
  try {
    for (const p of cases) {
      const fast = readSmallCsvColumn(p, 'value');
      expect(fast, p).not.toBeNull();
      const engine = await readNumericColumns(db, p, ['value']);
      expect(Array.from(fast!), p).toEqual(Array.from(engine.values.value));
    }
  } finally {
    await db.close();
  }
});

it('leaves every file that needs interpreting to DuckDB', () => {
  const leftToDuckDb = {
    'quoted.csv': 'a,value\n"x",1\n',
    'ragged.csv': 'a,value\nx,1\ny\n',
    'text.csv': 'a,value\nx,1\ny,NA\n',
    'empty-value.csv': 'a,value\nx,1\ny,\n',
    'numeric-header.csv': '1,2\n3,4\n',
    'duplicate-header.csv': 'value,value\n1,2\n',
    'semicolons.csv': 'a;value\nx;1\n',
    'leading-zero.csv': 'a,value\nx,007\n',
    'plus.csv': 'a,value\nx,+7\n',
    'blank-line.csv': 'a,value\nx,1\n\ny,2\n',
    'spaced-header.csv': 'a, value\nx,1\n',
    'data.tsv': 'a,value\nx,1\n',
  };
  for (const [name, text] of Object.entries(leftToDuckDb))
    expect(readSmallCsvColumn(file(name, text), name === 'spaced-header.csv' ? ' value' : 'value'), name).toBeNull();
  expect(readSmallCsvColumn(file('other.csv', 'a,b\n1,2\n'), 'value')).toBeNull();
  expect(readSmallCsvColumn(path.join(dir, 'missing.csv'), 'value')).toBeNull();
  const big = file('big.csv', 'a,value\n' + 'x,1\n'.repeat(SMALL_CSV_BYTES / 4 + 1));
  expect(readSmallCsvColumn(big, 'value')).toBeNull();
});
