import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryColumnsCarry, exportBinaryColumns } from './column-export.js';
import { PYTHON_RECIPE_ENTRY } from './python-recipe-entry.js';
import { outputRelation } from './run-code.js';
import { binaryColumnBatches } from './ts-recipe-columns.js';

const dir = mkdtempSync(path.join(tmpdir(), 'llano-columns-'));
let conn: DuckDBConnection;
let closeDb: () => void;

// NULLs in every column, text longer than DuckDB's 12 inline bytes, non-ASCII, CSV's special characters.
const SELECT = `SELECT i::BIGINT AS id,
  CASE WHEN i % 3 = 0 THEN NULL WHEN i % 7 = 0 THEN 'a, "q"' || chr(10) || 'x' WHEN i % 11 = 0 THEN '\\N'
       WHEN i % 13 = 0 THEN '' ELSE 'é' || repeat('b', i % 20) END AS s,
  CASE WHEN i % 5 = 0 THEN NULL ELSE i / 7 END::DOUBLE AS d,
  CASE WHEN i % 4 = 0 THEN NULL ELSE i % 2 = 0 END AS ok,
  CASE WHEN i % 6 = 0 THEN NULL ELSE i - 1000 END::INTEGER AS small
FROM range(5000) t(i)`;
const COLUMNS = [
  { name: 'id', type: 'BIGINT' },
  { name: 's', type: 'VARCHAR' },
  { name: 'd', type: 'DOUBLE' },
  { name: 'ok', type: 'BOOLEAN' },
  { name: 'small', type: 'INTEGER' },
];

beforeAll(async () => {
  const db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
  closeDb = () => db.closeSync();
  await conn.run(`CREATE TABLE src AS ${SELECT}`);
  mkdirSync(path.join(dir, 'in', 'raw'), { recursive: true });
  expect(await exportBinaryColumns(conn, 'SELECT * FROM src', COLUMNS, path.join(dir, 'in', 'raw'))).toBe(5000);
});
afterAll(() => {
  conn?.closeSync();
  closeDb?.();
  rmSync(dir, { recursive: true, force: true });
});

describe('the binary column handover of code recipes', () => {
  it('carries numbers, booleans and text, and leaves the other types to CSV', () => {
    expect(binaryColumnsCarry(COLUMNS)).toBe(true);
    expect(binaryColumnsCarry([{ type: 'DATE' }])).toBe(false);
    expect(binaryColumnsCarry([{ type: 'FLOAT' }])).toBe(false);
    expect(binaryColumnsCarry([{ type: 'toString' }])).toBe(false);
  });

  it('gives the TypeScript harness the values DuckDB holds, in batches', async () => {
    const rows = (await conn.runAndReadAll('SELECT * FROM src')).getRowObjectsJS();
    const batches = [
      ...binaryColumnBatches(
        path.join(dir, 'in', 'raw'),
        COLUMNS.map((c) => c.type),
        5000,
        2048,
      ),
    ];
    expect(batches.map(([n]) => n)).toEqual([2048, 2048, 904]);
    const got = batches.flatMap(([n, arrays]) =>
      Array.from({ length: n }, (_, i) => Object.fromEntries(COLUMNS.map((c, j) => [c.name, arrays[j][i]]))),
    );
    expect(got).toEqual(rows.map((r) => ({ ...r, id: Number(r.id) })));
  });

  it('round-trips through Python rows and pandas into the same rows (NULLs, quotes, newlines, \\N as text)', async () => {
    const python = '/usr/bin/python3';
    writeFileSync(path.join(dir, 'recipe_entry.py'), PYTHON_RECIPE_ENTRY);
    const codes = {
      rows: 'def run(inputs, output, variables, log):\n    for r in inputs["raw"]:\n        output.write(r)\n',
      pandas: 'def run(inputs, output, variables, log):\n    output.write_frame(inputs["raw"].to_pandas())\n',
    };
    for (const [label, code] of Object.entries(codes)) {
      writeFileSync(path.join(dir, `code_${label}.py`), code);
      const config = {
        code: path.join(dir, `code_${label}.py`),
        inputs: { raw: { path: path.join(dir, 'in', 'raw'), columns: COLUMNS, format: 'columns', rows: 5000 } },
        output: { path: path.join(dir, `${label}.csv`), columns: COLUMNS },
        variables: {},
        packages: ['pandas'],
      };
      const driver = `import json, sys\nsys.path.insert(0, ${JSON.stringify(dir)})\nimport recipe_entry\nprint(json.dumps(recipe_entry.run_recipe(json.loads(sys.argv[1]))))`;
      const result = JSON.parse(execFileSync(python, ['-c', driver, JSON.stringify(config)], { encoding: 'utf8' })) as {
        rows: number;
      };
      expect(result.rows, label).toBe(5000);
      const relation = outputRelation(config.output.path, {
        rows: 5000,
        columns: COLUMNS,
        environment: {},
        format: 'csv',
      });
      const diff = await conn.runAndReadAll(
        `SELECT (SELECT count(*) FROM (SELECT * FROM src EXCEPT ALL SELECT * FROM ${relation})) +
                (SELECT count(*) FROM (SELECT * FROM ${relation} EXCEPT ALL SELECT * FROM src)) AS n`,
      );
      expect(Number(diff.getRowObjectsJS()[0].n), label).toBe(0);
    }
  });
});
