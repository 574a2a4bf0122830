import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentVersion } from '../src/datasets/versions.js';
import { ThriftReader, type ThriftStruct } from '../src/recipes/code/ts-recipe-thrift.js';
import type { Job } from './support/api-types.js';
import { llano } from './support/cli.js';
import { parseJson } from './support/http.js';
import { startTestServer, waitForJobEnd, type TestServer } from './support/llano-server.js';

const P = '/api/projects/CODE';

/** 60 rows over four bands; some receiver temperatures and antennas missing, one empty antenna name. */
function fixture(): string {
  const lines = ['id,band,trec,antenna'];
  for (let i = 1; i <= 60; i++) {
    const band = ['B3', 'B6', 'B7', 'B9'][i % 4];
    const trec = i % 7 === 0 ? '' : (30 + ((i * 37) % 23) + 0.1 * (i % 10)).toFixed(2);
    const antenna = i % 5 === 0 ? '' : `DA${40 + (i % 6)}`;
    lines.push(`${i},${band},${trec},${antenna}`);
  }
  return lines.join('\n') + '\n';
}

/** The same transformation in each language: band filter, a derived column, NULLs kept or replaced. */
const SQL = `SELECT id, band, trec * 2 AS t2, coalesce(antenna, 'none') AS label, trec > 40 AS hot
FROM raw WHERE band IN ('B3', 'B6', 'B7')`;

const CODE: Record<string, { type: string; code: string }> = {
  typescript: {
    type: 'typescript',
    code: `export default async function run({ inputs, output, log }) {
  let kept = 0;
  for await (const r of inputs.raw) {
    if (!['B3', 'B6', 'B7'].includes(r.band)) continue;
    kept++;
    await output.write({
      id: r.id,
      band: r.band,
      t2: r.trec === null ? null : r.trec * 2,
      label: r.antenna ?? 'none',
      hot: r.trec === null ? null : r.trec > 40,
    });
  }
  log('kept', kept);
}
`,
  },
  typescript_batches: {
    type: 'typescript',
    code: `export default async function run({ inputs, output }) {
  for await (const b of inputs.raw.batches()) {
    const keep = [];
    for (let i = 0; i < b.numRows; i++) if (['B3', 'B6', 'B7'].includes(b.columns.band[i])) keep.push(i);
    const c = b.columns;
    await output.writeBatch({
      id: keep.map((i) => c.id[i]),
      band: keep.map((i) => c.band[i]),
      t2: keep.map((i) => (c.trec[i] === null ? null : c.trec[i] * 2)),
      label: keep.map((i) => c.antenna[i] ?? 'none'),
      hot: keep.map((i) => (c.trec[i] === null ? null : c.trec[i] > 40)),
    });
  }
}
`,
  },
  python: {
    type: 'python',
    code: `def run(inputs, output, variables, log):
    for r in inputs["raw"]:
        if r["band"] not in ("B3", "B6", "B7"):
            continue
        t = r["trec"]
        output.write({
            "id": r["id"],
            "band": r["band"],
            "t2": None if t is None else t * 2,
            "label": "none" if r["antenna"] is None else r["antenna"],
            "hot": None if t is None else t > 40,
        })
`,
  },
  python_pandas: {
    type: 'python',
    code: `import pandas as pd

def run(inputs, output, variables, log):
    df = inputs["raw"].to_pandas()
    df = df[df["band"].isin(["B3", "B6", "B7"])]
    hot = (df["trec"] > 40).astype("boolean")
    hot[df["trec"].isna()] = pd.NA
    output.write_frame(pd.DataFrame({
        "id": df["id"],
        "band": df["band"],
        "t2": df["trec"] * 2,
        "label": df["antenna"].fillna("none"),
        "hot": hot,
    }))
`,
  },
  r: {
    type: 'r',
    code: `run <- function(inputs, output, variables, log) {
  raw <- inputs$raw
  keep <- raw[raw$band %in% c("B3", "B6", "B7"), ]
  output$write(data.frame(
    id = keep$id,
    band = keep$band,
    t2 = keep$trec * 2,
    label = ifelse(is.na(keep$antenna), "none", keep$antenna),
    hot = keep$trec > 40,
    stringsAsFactors = FALSE
  ))
}
`,
  },
};

interface DatasetInfo {
  columns: { name: string; type: string }[];
  currentVersion: { id: string; number: number } | null;
}

describe('code recipes: TypeScript, Python and R in the sandbox', () => {
  let s: TestServer;

  const build = async (output: string): Promise<Job> => {
    const r = await s.call<{ jobId: string }>('POST', `${P}/builds`, {
      token: s.adminToken,
      body: { targets: [output], mode: 'only' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    return waitForJobEnd(s, 'CODE', r.body.jobId);
  };
  const jobLog = async (job: Job) =>
    (await s.call<string>('GET', `${P}/jobs/${job.id}/log`, { token: s.adminToken })).body;
  const save = async (recipe: Record<string, unknown>) => {
    const name = String(recipe.name);
    const exists = (await s.call('GET', `${P}/recipes/${name}`, { token: s.adminToken })).status === 200;
    const r = await s.call(exists ? 'PUT' : 'POST', exists ? `${P}/recipes/${name}` : `${P}/recipes`, {
      token: s.adminToken,
      body: recipe,
    });
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  };
  const rowsOf = async (dataset: string, sort = 'id') => {
    const info = (await s.call<DatasetInfo>('GET', `${P}/datasets/${dataset}`, { token: s.adminToken })).body;
    const data = await s.call<{ columns: string[]; rows: unknown[][] }>(
      'GET',
      `${P}/datasets/${dataset}/data?limit=1000&sort=${sort}`,
      { token: s.adminToken },
    );
    return { info, rows: data.body.rows };
  };
  const codeRecipe = (name: string, type: string, code: string, extra: Record<string, unknown> = {}) =>
    save({ name, type, inputs: ['raw'], output: `${name}_out`, code, ...extra });
  const failedBuild = async (name: string) => {
    const job = await build(`${name}_out`);
    expect(job.status).toBe('failed');
    return { job, error: job.activities?.[0]?.error ?? '', log: await jobLog(job) };
  };
  const healthy = async () => expect((await s.call('GET', '/api/health')).status).toBe(200);

  beforeAll(async () => {
    s = await startTestServer();
    expect((await s.call('POST', '/api/projects', { token: s.adminToken, body: { key: 'CODE' } })).status).toBe(201);
    expect((await s.upload(`${P}/datasets/raw/upload`, fixture(), 'raw.csv')).status).toBe(201);
  }, 60_000);
  afterAll(async () => s?.stop());

  it('gives the same output dataset in SQL, TypeScript (rows, batches), Python (rows, pandas) and R: columns, types, NULLs', async () => {
    await save({ name: 'band_sql', type: 'sql', inputs: ['raw'], output: 'band_sql_out', sql: SQL });
    expect((await build('band_sql_out')).status).toBe('succeeded');
    const expected = await rowsOf('band_sql_out');
    expect(expected.rows.length).toBeGreaterThan(30);
    expect(expected.rows.some((r) => r[2] === null && r[4] === null)).toBe(true);
    expect(expected.rows.some((r) => r[3] === 'none')).toBe(true);
    for (const [name, { type, code }] of Object.entries(CODE)) {
      await codeRecipe(`band_${name}`, type, code);
      const job = await build(`band_${name}_out`);
      const log = await jobLog(job);
      expect(job.status, `${name}: ${job.activities?.[0]?.error} ${log}`).toBe('succeeded');
      // TypeScript, and Python using pandas, read the dataset's own Parquet file (uncompressed), not an
      // export: in parts, one per row group, written while the code reads them.
      const ownFile = type === 'typescript' || name === 'python_pandas';
      expect(/handed to the code as Parquet \(its own file, uncompressed in \d+ parts/.test(log), name).toBe(ownFile);
      // Parquet the code wrote with the output's types becomes the version's file; CSV is imported.
      expect(log.includes("Kept the code's Parquet output"), name).toBe(
        type === 'typescript' || name === 'python_pandas',
      );
      const got = await rowsOf(`band_${name}_out`);
      expect(
        got.info.columns.map((c) => [c.name, c.type]),
        name,
      ).toEqual(expected.info.columns.map((c) => [c.name, c.type]));
      for (let col = 0; col < expected.info.columns.length; col++)
        expect(
          got.rows.map((r) => r[col]),
          `${name}: column ${expected.info.columns[col].name}`,
        ).toEqual(expected.rows.map((r) => r[col]));
    }
  }, 240_000);

  it('keeps the text backslash-N apart from NULL in every writer (TypeScript rows, Python rows and frames)', async () => {
    const writers = {
      ts_rows:
        "export default async function run({ inputs, output }) {\n  for await (const r of inputs.raw) if (r.id <= 2) await output.write({ id: r.id, s: r.id === 1 ? '\\\\N' : null });\n}\n",
      py_rows:
        'def run(inputs, output, variables, log):\n    for r in inputs["raw"]:\n        if r["id"] <= 2:\n            output.write({"id": r["id"], "s": "\\\\N" if r["id"] == 1 else None})\n',
      py_frame:
        'import pandas as pd\n\ndef run(inputs, output, variables, log):\n    output.write_frame(pd.DataFrame({"id": [1, 2], "s": ["\\\\N", None]}))\n',
    };
    for (const [name, code] of Object.entries(writers)) {
      await codeRecipe(`nul_${name}`, name.startsWith('ts') ? 'typescript' : 'python', code);
      const job = await build(`nul_${name}_out`);
      expect(job.status, `${name}: ${await jobLog(job)}`).toBe('succeeded');
      expect((await rowsOf(`nul_${name}_out`)).rows, name).toEqual([
        [1, '\\N'],
        [2, null],
      ]);
    }
  }, 120_000);

  it('copies every column type exactly through Python frames (Parquet both ways) and rows, and through CSV for other types (Python and R keep the text \\N apart from NULL)', async () => {
    const typed = `SELECT id, band, trec, antenna, id % 3 = 0 AS flag, CASE WHEN id % 5 = 0 THEN NULL ELSE id % 2 = 0 END AS maybe,
      DATE '2024-01-01' + id::INTEGER AS day, CASE WHEN id % 4 = 0 THEN NULL ELSE TIMESTAMP '2024-03-01 10:00:00' + INTERVAL (id * 1001) MILLISECOND END AS at,
      CASE WHEN id % 6 = 0 THEN NULL ELSE (id * 7)::INTEGER END AS n32, id::UINTEGER AS u,
      CASE id % 5 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN '\\N' WHEN 3 THEN 'é€😀 "q", x' ELSE 'plain' END AS txt FROM raw`;
    await save({ name: 'typed', type: 'sql', inputs: ['raw'], output: 'typed', sql: typed });
    // A DECIMAL column: this input goes to the code as CSV.
    await save({
      name: 'typed_dec',
      type: 'sql',
      inputs: ['typed'],
      output: 'typed_dec',
      sql: 'SELECT *, (id / 8)::DECIMAL(9, 3) AS dec FROM typed',
    });
    for (const dataset of ['typed', 'typed_dec']) {
      const job = await build(dataset);
      expect(job.status, await jobLog(job)).toBe('succeeded');
    }
    const expected = await rowsOf('typed');
    const outputSchema = expected.info.columns.map((c) => ({ name: c.name, type: c.type }));
    const copies: Record<string, [string, string]> = {
      frame: ['typed', 'output.write_frame(inputs["typed"].to_pandas())'],
      rows: ['typed', 'for r in inputs["typed"]:\n        output.write(r)'],
      frame_then_rows: [
        'typed',
        'output.write_frame(inputs["typed"].to_pandas().iloc[:30])\n    for r in list(inputs["typed"])[30:]:\n        output.write(r)',
      ],
      csv_frame: ['typed_dec', 'output.write_frame(inputs["typed_dec"].to_pandas().drop(columns=["dec"]))'],
      csv_rows: ['typed_dec', 'for r in inputs["typed_dec"]:\n        del r["dec"]\n        output.write(r)'],
    };
    for (const [name, [input, body]] of Object.entries(copies)) {
      const code = `def run(inputs, output, variables, log):\n    ${body}\n`;
      await save({
        name: `copy_${name}`,
        type: 'python',
        inputs: [input],
        output: `copy_${name}_out`,
        code,
        outputSchema,
      });
      const job = await build(`copy_${name}_out`);
      const log = await jobLog(job);
      expect(job.status, `${name}: ${log}`).toBe('succeeded');
      // Code using pandas gets Parquet when the input's types allow; row code keeps CSV.
      const parquetIn = input === 'typed' && body.includes('to_pandas');
      expect(log.includes('exported for the code as Parquet'), name).toBe(parquetIn);
      const from = { rows: 'CSV', frame_then_rows: 'Parquet and CSV', csv_rows: 'CSV' }[name] ?? 'Parquet';
      expect(log, name).toMatch(new RegExp(`importing them from ${from}(?! and)`));
      const got = await rowsOf(`copy_${name}_out`);
      expect(got.info.columns, name).toEqual(expected.info.columns);
      // Exactly, the text \\N included: pandas reading CSV (types Parquet does not carry) takes a
      // quoted marker for NULL too, so its file's marker is one no value holds.
      expect(got.rows, name).toEqual(expected.rows);
    }
    // R reads CSV too, and its read.csv also takes a quoted marker for NULL.
    await save({
      name: 'copy_r_text',
      type: 'r',
      inputs: ['typed'],
      output: 'copy_r_text_out',
      code: 'run <- function(inputs, output, variables, log) {\n  output$write(data.frame(id = inputs$typed$id, txt = inputs$typed$txt, stringsAsFactors = FALSE))\n}\n',
      outputSchema: [
        { name: 'id', type: 'BIGINT' },
        { name: 'txt', type: 'VARCHAR' },
      ],
    });
    const rJob = await build('copy_r_text_out');
    expect(rJob.status, await jobLog(rJob)).toBe('succeeded');
    const [id, txt] = ['id', 'txt'].map((n) => expected.info.columns.findIndex((c) => c.name === n));
    expect((await rowsOf('copy_r_text_out')).rows).toEqual(expected.rows.map((r) => [r[id], r[txt]]));
  }, 240_000);

  it('streams what the code prints into the job log and records its environment in the version lineage', async () => {
    expect(
      (
        await s.call('POST', `${P}/code-environments`, {
          token: s.adminToken,
          body: { name: 'py_pandas', language: 'python', packages: ['pandas'] },
        })
      ).status,
    ).toBe(201);
    await codeRecipe(
      'printing',
      'python',
      'def run(inputs, output, variables, log):\n    print("hello from python")\n    log("rows seen", sum(1 for _ in inputs["raw"]))\n    output.write({"n": 1})\n',
      { environment: 'py_pandas' },
    );
    const job = await build('printing_out');
    expect(job.status).toBe('succeeded');
    const log = await jobLog(job);
    expect(log).toContain('hello from python');
    expect(log).toContain('rows seen 60');
    const versions = await s.call<{ lineage: { environment?: Record<string, unknown> } }[]>(
      'GET',
      `${P}/datasets/printing_out/versions`,
      { token: s.adminToken },
    );
    const env = versions.body[0].lineage.environment as {
      name: string;
      version: string;
      packages: Record<string, string>;
    };
    expect(env.name).toBe('py_pandas');
    expect(env.version).toMatch(/^3\./);
    expect(env.packages.pandas).toMatch(/^\d+\.\d+/);
    // A TypeScript environment cannot be used by a Python recipe.
    await s.call('POST', `${P}/code-environments`, {
      token: s.adminToken,
      body: { name: 'ts_env', language: 'typescript' },
    });
    const wrong = await s.call('POST', `${P}/recipes/preview`, {
      token: s.adminToken,
      body: { type: 'python', inputs: ['raw'], code: 'def run(i, o, v, l):\n    pass\n', environment: 'ts_env' },
    });
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.body)).toContain('typescript environment');
  }, 120_000);

  it('fails the activity on an exception with the traceback in the log and keeps the previous version', async () => {
    await codeRecipe('fragile', 'python', 'def run(inputs, output, variables, log):\n    output.write({"ok": 1})\n');
    expect((await build('fragile_out')).status).toBe('succeeded');
    const before = (await s.call<DatasetInfo>('GET', `${P}/datasets/fragile_out`, { token: s.adminToken })).body;
    await codeRecipe(
      'fragile',
      'python',
      'def check(band):\n    raise ValueError("bad band " + band)\n\ndef run(inputs, output, variables, log):\n    for r in inputs["raw"]:\n        check(r["band"])\n',
    );
    const failed = await failedBuild('fragile');
    expect(failed.error).toMatch(/Python recipe failed/);
    expect(failed.log).toContain('Traceback');
    expect(failed.log).toMatch(/ValueError: bad band B\d/);
    expect(failed.log).toMatch(/recipe\.py", line 2, in check/);
    const after = (await s.call<DatasetInfo>('GET', `${P}/datasets/fragile_out`, { token: s.adminToken })).body;
    expect(after.currentVersion?.id).toBe(before.currentVersion?.id);
    expect((await rowsOf('fragile_out', 'ok')).rows).toEqual([[1]]);

    for (const [type, code, pattern] of [
      [
        'typescript',
        'export default async function run() {\n  throw new TypeError("no such band");\n}\n',
        /TypeError: no such band/,
      ],
      ['r', 'run <- function(inputs, output, variables, log) {\n  stop("no such band")\n}\n', /no such band/],
    ] as const) {
      await codeRecipe(`fragile_${type}`, type, code);
      const f = await failedBuild(`fragile_${type}`);
      expect(f.log, type).toMatch(pattern);
      // The bundle's source map (without the sources' text) still names the user's file and line.
      if (type === 'typescript') expect(f.log).toMatch(/recipe\.ts:2:\d+/);
    }
  }, 120_000);

  it("keeps the code's Parquet output as the version's file; a damaged one fails clearly and keeps the previous version", async () => {
    const copy = 'def run(inputs, output, variables, log):\n    output.write_frame(inputs["raw"].to_pandas())\n';
    await codeRecipe('kept', 'python', copy);
    const job = await build('kept_out');
    expect(job.status).toBe('succeeded');
    expect(await jobLog(job)).toMatch(/Kept the code's Parquet output of 60 rows as the version's file/);
    const before = await rowsOf('kept_out');
    const raw = await rowsOf('raw');
    expect(before.info.columns).toEqual(raw.info.columns);
    expect(before.rows).toEqual(raw.rows);

    // Code that damages its own output after the harness wrote it: the version must not take it.
    const damaging = `import llano_parquet

_close = llano_parquet.Writer.close

def _cut(self):
    _close(self)
    with open(self._file.name, 'r+b') as f:
        f.truncate(300)

llano_parquet.Writer.close = _cut

${copy}`;
    await codeRecipe('kept', 'python', damaging);
    const failed = await failedBuild('kept');
    expect(failed.error).toMatch(/^The code's output Parquet file is damaged: .*output\.part0/);
    // Named by its own name: users never see the server's folders.
    expect(failed.error).not.toMatch(/\/[\w.-]+\//);
    const after = await rowsOf('kept_out');
    expect(after.info.currentVersion?.id).toBe(before.info.currentVersion?.id);
    expect(after.rows).toEqual(before.rows);
  }, 120_000);

  it('fails code that throws after some of its Parquet parts were adopted: the previous version and its files stay, nothing else', async () => {
    // Four parts of 20,000 rows (a batch that large is a row group, a part, of its own), a pause after each.
    const code = (fail: boolean) => `export default async function run({ output }) {
  for (let k = 0; k < 4; k++) {
    await output.writeBatch({ id: Array.from({ length: 20000 }, (_, i) => k * 20000 + i) });
    // Time for the server to adopt the part just written.
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  ${fail ? 'throw new Error("stopped after four parts");' : ''}
}
`;
    await codeRecipe('parted', 'typescript', code(false));
    const job = await build('parted_out');
    expect(job.status).toBe('succeeded');
    expect(await jobLog(job)).toMatch(
      /Kept the code's Parquet output of 80000 rows as the version's file .* of 4 parts/,
    );
    const before = await rowsOf('parted_out');
    const folder = path.join(s.home, 'data', 'CODE', 'parted_out');
    const files = readdirSync(folder).sort();
    expect(files.filter((f) => f.startsWith('.'))).toEqual([]);

    await codeRecipe('parted', 'typescript', code(true));
    const failed = await failedBuild('parted');
    expect(failed.log).toMatch(/stopped after four parts/);
    const after = await rowsOf('parted_out');
    expect(after.info.currentVersion?.id).toBe(before.info.currentVersion?.id);
    expect(after.rows).toEqual(before.rows);
    expect(readdirSync(folder).sort()).toEqual(files);
  }, 120_000);

  it('fails a copy whose input file is damaged in a later row group (read in parts while the code runs), and keeps the previous version', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'llano-code-parts-'));
    const source = path.join(dir, 'wide.parquet');
    await s.ws.duck.run(
      `COPY (SELECT i::BIGINT AS id, 'v' || (i % 3) AS v FROM range(300000) t(i)) TO '${source}' (FORMAT parquet, ROW_GROUP_SIZE 122880)`,
    );
    expect((await s.upload(`${P}/datasets/wide/upload`, readFileSync(source), 'wide.parquet')).status).toBe(201);
    rmSync(dir, { recursive: true, force: true });
    const copies = {
      typescript:
        'export default async function run({ inputs, output }) {\n  for await (const batch of inputs.wide.batches()) await output.writeBatch(batch);\n}\n',
      python: 'def run(inputs, output, variables, log):\n    output.write_frame(inputs["wide"].to_pandas())\n',
    };
    const before: Record<string, string | undefined> = {};
    for (const [type, code] of Object.entries(copies)) {
      await save({ name: `parts_${type}`, type, inputs: ['wide'], output: `parts_${type}_out`, code });
      const job = await build(`parts_${type}_out`);
      expect(job.status, type).toBe('succeeded');
      expect(await jobLog(job), type).toMatch(/uncompressed in 3 parts while the code reads them/);
      before[type] = (await rowsOf(`parts_${type}_out`)).info.currentVersion?.id;
    }

    // The first page of the second row group: its snappy length made absurd (the page headers stay valid).
    const version = await currentVersion(s.ws, 'CODE', 'wide');
    const file = s.ws.resolve(version!.location);
    const bytes = readFileSync(file);
    const meta = new ThriftReader(bytes, bytes.length - 8 - bytes.readUInt32LE(bytes.length - 8)).struct();
    const chunk = ((meta[4] as ThriftStruct[])[1][1] as ThriftStruct[])[0][3] as ThriftStruct;
    const header = new ThriftReader(bytes, (chunk[11] as number) > 0 ? (chunk[11] as number) : (chunk[9] as number));
    header.struct();
    bytes.fill(0xff, header.pos, header.pos + 6);
    writeFileSync(file, bytes);

    for (const type of Object.keys(copies)) {
      const failed = await failedBuild(`parts_${type}`);
      expect(failed.error, type).toMatch(
        /^The input's Parquet file [\w.-]+ is damaged: a page (does not decompress|holds)/,
      );
      const after = await rowsOf(`parts_${type}_out`);
      expect(after.info.currentVersion?.id, type).toBe(before[type]);
    }
    await healthy();
  }, 180_000);

  it('stops running code when its build is aborted, and keeps none of its output', async () => {
    await codeRecipe(
      'sleepy',
      'python',
      'import time\n\ndef run(inputs, output, variables, log):\n    output.write({"ok": 1})\n    time.sleep(600)\n',
    );
    const started = await s.call<{ jobId: string }>('POST', `${P}/builds`, {
      token: s.adminToken,
      body: { targets: ['sleepy_out'], mode: 'only' },
    });
    const jobId = started.body.jobId;
    const log = async () => (await s.call<string>('GET', `${P}/jobs/${jobId}/log`, { token: s.adminToken })).body;
    await expect.poll(log, { timeout: 60_000 }).toMatch(/Running Python code/);
    const aborted = await s.call<Job>('POST', `${P}/jobs/${jobId}/abort`, { token: s.adminToken });
    expect(aborted.body.status).toBe('aborted');
    expect(aborted.body.activities?.[0]?.status).toBe('aborted');
    expect(
      (await s.call<DatasetInfo>('GET', `${P}/datasets/sleepy_out`, { token: s.adminToken })).body.currentVersion,
    ).toBeNull();
    await healthy();
  }, 120_000);

  it('stops code that exceeds its limits or ends its process, and the server stays up', async () => {
    const cases: [string, string, string, Record<string, unknown>, RegExp][] = [
      [
        'loop_ts',
        'typescript',
        'export default async function run() {\n  for (;;) {}\n}\n',
        { wallSeconds: 2 },
        /wall-time limit of 2 s/,
      ],
      [
        'loop_py',
        'python',
        'def run(inputs, output, variables, log):\n    while True:\n        pass\n',
        { wallSeconds: 2 },
        /wall-time limit of 2 s/,
      ],
      [
        'bomb_py',
        'python',
        'def run(inputs, output, variables, log):\n    hog = []\n    while True:\n        hog.append(bytearray(50 * 1024 * 1024))\n',
        { memoryMb: 256 },
        /memory limit of 256 MB/,
      ],
      [
        'bomb_ts',
        'typescript',
        'export default async function run() {\n  const hog = [];\n  for (;;) hog.push(new Array(1e6).fill(Math.random()));\n}\n',
        { memoryMb: 256 },
        /memory limit of 256 MB/,
      ],
      [
        'exit_ts',
        'typescript',
        'export default async function run() {\n  process.exit(3);\n}\n',
        {},
        /ended its process/,
      ],
      [
        'exit_py',
        'python',
        'import sys\n\ndef run(inputs, output, variables, log):\n    sys.exit(3)\n',
        {},
        /ended its process/,
      ],
      [
        'exit_r',
        'r',
        'run <- function(inputs, output, variables, log) {\n  quit(status = 3)\n}\n',
        {},
        /ended its process/,
      ],
    ];
    for (const [name, type, code, limits, message] of cases) {
      await codeRecipe(name, type, code, { limits });
      const started = Date.now();
      const f = await failedBuild(name);
      expect(f.error, `${name}: ${f.log}`).toMatch(message);
      expect(Date.now() - started, name).toBeLessThan(60_000);
      await healthy();
    }
  }, 300_000);

  it('refuses writes outside the project from TypeScript and Python', async () => {
    const outside = path.join(tmpdir(), `llano-escape-${process.pid}-${Date.now()}`);
    await codeRecipe(
      'escape_ts',
      'typescript',
      `import { writeFileSync } from 'node:fs';\nexport default async function run() {\n  writeFileSync(${JSON.stringify(outside + '-ts')}, 'x');\n}\n`,
    );
    await codeRecipe(
      'escape_py',
      'python',
      `def run(inputs, output, variables, log):\n    with open(${JSON.stringify(outside + '-py')}, "w") as f:\n        f.write("x")\n`,
    );
    for (const name of ['escape_ts', 'escape_py']) {
      const f = await failedBuild(name);
      expect(f.error, name).toMatch(/recipe failed/);
    }
    expect(existsSync(outside + '-ts')).toBe(false);
    expect(existsSync(outside + '-py')).toBe(false);
    await healthy();
  }, 120_000);

  it('confines R code to its folder: writes, reads and listings outside and other programs fail the build, the previous version stays', async () => {
    const outside = path.join(tmpdir(), `llano-escape-${process.pid}-${Date.now()}-r`);
    // A file of the workspace outside the run's folder (another project's data, the catalog…).
    const secret = path.join(s.home, `SECRET-${process.pid}.txt`);
    writeFileSync(secret, 'not for recipes\n');
    await codeRecipe(
      'escape_r',
      'r',
      'run <- function(inputs, output, variables, log) {\n  output$write(data.frame(id = c(1, 2, 3)))\n}\n',
    );
    const first = await build('escape_r_out');
    expect(first.status, await jobLog(first)).toBe('succeeded');
    const q = JSON.stringify;
    const escapes: [string, RegExp][] = [
      [`writeLines("x", ${q(outside)})`, /cannot open file .*Permission denied/],
      [`system(${q(`echo x > ${outside}`)})`, /system\(\): R code may not run other programs/],
      [`system2("touch", ${q(outside)})`, /system2\(\): R code may not run other programs/],
      [`print(readLines(${q(secret)}))`, /cannot open file .*Permission denied/],
      [`print(list.files(${q(s.home)}, recursive = TRUE))`, /list\.files\(\): R code may read only its own folder/],
    ];
    for (const [line, message] of escapes) {
      await codeRecipe(
        'escape_r',
        'r',
        `run <- function(inputs, output, variables, log) {\n  ${line}\n  output$write(data.frame(id = 9))\n}\n`,
      );
      const f = await failedBuild('escape_r');
      expect(f.error, line).toMatch(/recipe failed/);
      expect(f.log, line).toMatch(message);
      expect(existsSync(outside), line).toBe(false);
      expect((await rowsOf('escape_r_out')).rows, line).toEqual([[1], [2], [3]]);
    }
    rmSync(secret);
    await healthy();
  }, 180_000);

  it('imports project library files in each language', async () => {
    const files = {
      'bands.py': 'KEEP = ["B3", "B6"]\n',
      'bands.ts': "export const KEEP = ['B3', 'B6'];\n",
      'bands.R': 'KEEP <- c("B3", "B6")\n',
    };
    for (const [name, content] of Object.entries(files)) {
      const r = await s.call('POST', `${P}/libraries`, { token: s.adminToken, body: { name, content } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const bad = await s.call('POST', `${P}/libraries`, {
      token: s.adminToken,
      body: { name: '../up.py', content: '' },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('name');
    await codeRecipe(
      'lib_py',
      'python',
      'import bands\n\ndef run(inputs, output, variables, log):\n    for r in inputs["raw"]:\n        if r["band"] in bands.KEEP:\n            output.write({"id": r["id"]})\n',
    );
    await codeRecipe(
      'lib_ts',
      'typescript',
      "import { KEEP } from './lib/bands.ts';\nexport default async function run({ inputs, output }) {\n  for await (const r of inputs.raw) if (KEEP.includes(r.band)) await output.write({ id: r.id });\n}\n",
    );
    await codeRecipe(
      'lib_r',
      'r',
      'source("lib/bands.R")\nrun <- function(inputs, output, variables, log) {\n  raw <- inputs$raw\n  output$write(data.frame(id = raw$id[raw$band %in% KEEP]))\n}\n',
    );
    const counts: number[] = [];
    for (const name of ['lib_py', 'lib_ts', 'lib_r']) {
      const job = await build(`${name}_out`);
      expect(job.status, `${name}: ${await jobLog(job)}`).toBe('succeeded');
      counts.push((await rowsOf(`${name}_out`)).rows.length);
    }
    expect(counts).toEqual([30, 30, 30]);
  }, 120_000);

  it('previews a recipe on a sample of its inputs with what the code printed; a failing preview answers its log', async () => {
    const ok = await s.call<{ rows: unknown[][]; truncated: boolean; log: string[] }>('POST', `${P}/recipes/preview`, {
      token: s.adminToken,
      body: {
        type: 'python',
        inputs: ['raw'],
        limit: 5,
        code: 'def run(inputs, output, variables, log):\n    log("sampling")\n    for r in inputs["raw"]:\n        output.write({"id": r["id"], "band": r["band"]})\n',
      },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.rows).toEqual([
      [1, 'B6'],
      [2, 'B7'],
      [3, 'B9'],
      [4, 'B3'],
      [5, 'B6'],
    ]);
    expect(ok.body.truncated).toBe(true);
    expect(ok.body.log).toContain('sampling');
    const bad = await s.call<{ error: { message: string; details: { log: string[] } } }>(
      'POST',
      `${P}/recipes/preview`,
      {
        token: s.adminToken,
        body: { type: 'python', inputs: ['raw'], code: 'def run(inputs, output, variables, log):\n    1 / 0\n' },
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.log.join('\n')).toContain('ZeroDivisionError');
    // A batch given to write() (meant for writeBatch) is refused with the call to use, not written as one JSON row.
    const batchAsRow = await s.call<{ error: { message: string; details: { log: string[] } } }>(
      'POST',
      `${P}/recipes/preview`,
      {
        token: s.adminToken,
        body: {
          type: 'typescript',
          inputs: ['raw'],
          code: 'export default async function run({ inputs, output }) {\n  for await (const b of inputs.raw.batches()) await output.write(b);\n}\n',
        },
      },
    );
    expect(batchAsRow.status).toBe(400);
    expect(batchAsRow.body.error.details.log.join('\n')).toContain(
      'output.write takes one row; this is a batch of columns: write it with output.writeBatch(batch)',
    );
    // Nothing was saved or built by the previews.
    expect((await s.call('GET', `${P}/datasets/preview`, { token: s.adminToken })).status).toBe(404);
  }, 60_000);

  it('refuses bad parameters with a 400 naming the field', async () => {
    const r = await s.call('POST', `${P}/recipes`, {
      token: s.adminToken,
      body: {
        name: 'bad_limits',
        type: 'python',
        inputs: ['raw'],
        output: 'bad_limits_out',
        code: 'x',
        limits: { memoryMb: 1 },
      },
    });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('limits.memoryMb');
    const t = await s.call('POST', `${P}/recipes`, {
      token: s.adminToken,
      body: {
        name: 'bad_schema',
        type: 'typescript',
        inputs: ['raw'],
        output: 'bad_schema_out',
        code: 'x',
        outputSchema: [{ name: 'a', type: "VARCHAR'); DROP TABLE x; --" }],
      },
    });
    expect(t.status).toBe(400);
    expect(JSON.stringify(t.body)).toContain('outputSchema');
  });
});

describe('code recipes from the CLI', () => {
  let dir: string;
  let home: string[];
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'llano-cli-code-'));
    home = ['--home', path.join(dir, 'ws'), '-p', 'CLI'];
    writeFileSync(path.join(dir, 'raw.csv'), fixture());
    expect((await llano(['--home', path.join(dir, 'ws'), 'project', 'create', 'CLI'])).code).toBe(0);
    expect((await llano([...home, 'dataset', 'import', 'raw', path.join(dir, 'raw.csv')])).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('puts a library file, creates a Python recipe from --code-file, builds it, lists and removes the file', async () => {
    writeFileSync(path.join(dir, 'factor.py'), 'FACTOR = 3\n');
    const put = await llano([...home, 'library', 'put', path.join(dir, 'factor.py')]);
    expect(put.code, put.err).toBe(0);
    expect(put.out).toMatch(/Added library file factor\.py/);
    writeFileSync(
      path.join(dir, 'run.py'),
      'import factor\n\ndef run(inputs, output, variables, log):\n    for r in inputs["raw"]:\n        output.write({"id": r["id"], "x": r["id"] * factor.FACTOR})\n',
    );
    const create = await llano([
      ...home,
      'recipe',
      'create',
      'triple',
      '--type',
      'python',
      '--code-file',
      path.join(dir, 'run.py'),
      '--input',
      'raw',
      '--output',
      'tripled',
    ]);
    expect(create.code, create.err).toBe(0);
    const built = await llano([...home, 'build', 'tripled']);
    expect(built.code, built.err + built.out).toBe(0);
    const head = await llano([...home, '--json', 'dataset', 'head', 'tripled']);
    const page = parseJson<{ columns: string[]; rows: unknown[][] }>(head.out);
    expect(page.columns).toEqual(['id', 'x']);
    expect(page.rows[0]).toEqual([1, 3]);
    const list = await llano([...home, 'library', 'list']);
    expect(list.out).toContain('factor.py');
    expect((await llano([...home, 'library', 'rm', 'factor.py'])).code).toBe(0);
    expect((await llano([...home, 'library', 'list'])).out).not.toContain('factor.py');
  }, 120_000);
});
