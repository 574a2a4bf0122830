import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { badRequest } from '../common/errors.js';
import { quoteLiteral } from '../common/names.js';
import type { ColumnSchema, Lineage } from '../datasets/dataset-types.js';
import {
  getPartitioning,
  manifestOf,
  partitionedDatasets,
  putPartitioning,
  restorePartitionedVersion,
  type PartitionLineage,
} from '../datasets/partition-store.js';
import { PartitioningSchema, type Partitioning } from '../datasets/partitioning.js';
import {
  beginVersion,
  commitVersion,
  currentVersions,
  failVersion,
  PARTITIONED_LOCATION,
  type CommittedVersion,
} from '../datasets/versions.js';
import { sha256File } from '../engine/parquet-output.js';
import type { Workspace } from '../workspace/workspace.js';
import {
  DATA_FOLDER,
  fileNameOf,
  nameOfFile,
  PARTITIONING_FOLDER,
  PARTITIONS_SUFFIX,
  readJson,
  stableJson,
  writeText,
  type DataFacts,
  type PartitionFacts,
} from './project-folder.js';

/**
 * Datasets' data and partitioning in an exported project folder (layout: project-folder.ts):
 * written by an export, read and checked whole by an import before it creates anything, then
 * written into the new project.
 */

/** Writes each partitioned dataset's dimensions to `partitioning/<dataset>.json`. */
export async function exportPartitionings(ws: Workspace, key: string, dir: string): Promise<void> {
  for (const dataset of [...(await partitionedDatasets(ws, key))].sort()) {
    const partitioning = await getPartitioning(ws, key, dataset);
    if (partitioning)
      writeText(path.join(dir, PARTITIONING_FOLDER, `${fileNameOf(dataset)}.json`), stableJson(partitioning));
  }
}

/** What an export could not write of the datasets' current data. */
export interface DataLeftOut {
  /** Datasets with data that `data=false` left out. */
  dataLeftOut: string[];
  /** Datasets whose data lives in a SQL database. */
  dataInDatabase: string[];
}

/**
 * Writes each dataset's current version under `data/` (with `withData`): its Parquet file, or a
 * partitioned version's partition files, and its facts. Answers what it left out.
 */
export async function exportData(ws: Workspace, key: string, dir: string, withData: boolean): Promise<DataLeftOut> {
  const left: DataLeftOut = { dataLeftOut: [], dataInDatabase: [] };
  for (const [dataset, v] of [...(await currentVersions(ws, key))].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!v.location) continue;
    if (!withData) left.dataLeftOut.push(dataset);
    else if (v.location.startsWith('postgres:')) left.dataInDatabase.push(dataset);
    else await exportVersion(ws, dir, dataset, v);
  }
  return left;
}

async function exportVersion(ws: Workspace, dir: string, dataset: string, v: CommittedVersion): Promise<void> {
  const base = path.join(dir, DATA_FOLDER, fileNameOf(dataset));
  const facts: DataFacts = { rowCount: v.rowCount, contentHash: v.contentHash, columns: v.columns, lineage: v.lineage };
  if (v.location.startsWith(PARTITIONED_LOCATION)) {
    const manifest = await manifestOf(ws, v.id);
    mkdirSync(`${base}${PARTITIONS_SUFFIX}`, { recursive: true });
    for (const p of manifest)
      copyFileSync(
        ws.resolve(p.location),
        path.join(`${base}${PARTITIONS_SUFFIX}`, `${fileNameOf(p.partitionId)}.parquet`),
      );
    facts.partitions = manifest.map((p) => ({
      partitionId: p.partitionId,
      rowCount: p.rowCount,
      contentHash: p.contentHash,
      lineage: p.lineage,
      builtAt: p.builtAt,
    }));
  } else {
    mkdirSync(path.dirname(base), { recursive: true });
    copyFileSync(ws.resolve(v.location), `${base}.parquet`);
  }
  writeText(`${base}.json`, stableJson(facts));
}

/** One dataset's data, read and checked from an import folder. */
export type DataToImport =
  | { dataset: string; file: string; parquet: string; facts: DataFacts }
  | { dataset: string; file: string; facts: DataFacts; partitions: (PartitionFacts & { sourcePath: string })[] };

/**
 * Checks a file against the SHA-256 its facts give: a truncated or altered file is refused
 * before anything is imported. A file without a hash (a hand-made folder) is read by DuckDB later.
 */
async function assertIntact(file: string, what: string, contentHash: string | null): Promise<void> {
  if (!existsSync(file)) throw badRequest(`The import is incomplete: ${what} is missing`);
  if (contentHash !== null && (await sha256File(file, statSync(file).size)) !== contentHash)
    throw badRequest(`The import is corrupt: ${what} does not match the SHA-256 its facts give`);
}

const relative = (dir: string, file: string) => path.relative(dir, file).split(path.sep).join('/');

/** A hand-made folder's file without facts: the file itself says how many rows and which columns. */
async function describeParquet(ws: Workspace, file: string, what: string) {
  const source = `read_parquet(${quoteLiteral(file)})`;
  try {
    const described = await ws.duck.query(`DESCRIBE SELECT * FROM ${source}`);
    const counted = await ws.duck.query(`SELECT count(*)::INTEGER FROM ${source}`);
    return {
      columns: described.rows.map((c) => ({ name: String(c[0]), type: String(c[1]) })),
      rowCount: Number(counted.rows[0][0]),
    };
  } catch (e) {
    throw badRequest(`The import is corrupt: ${what} is not a readable Parquet file (${(e as Error).message})`);
  }
}

/** Reads and checks `data/`: every dataset named must be in the import, every file listed present and intact. */
export async function readData(ws: Workspace, dir: string, datasets: Set<string>): Promise<DataToImport[]> {
  const base = path.join(dir, DATA_FOLDER);
  if (!existsSync(base)) return [];
  const out: DataToImport[] = [];
  const files = readdirSync(base).sort();
  const stems = new Set(
    files.filter((f) => f.endsWith('.parquet') || f.endsWith('.json')).map((f) => f.replace(/\.(parquet|json)$/, '')),
  );
  for (const stem of stems) {
    const dataset = nameOfFile(stem);
    const file = `${DATA_FOLDER}/${stem}`;
    if (!datasets.has(dataset)) throw badRequest(`${file}: no dataset ${dataset} in the import`);
    const factsFile = path.join(base, `${stem}.json`);
    const facts: DataFacts = existsSync(factsFile)
      ? readJson<DataFacts>(factsFile, `${file}.json`)
      : { rowCount: null, contentHash: null, columns: null, lineage: null };
    if (facts.partitions !== undefined) {
      out.push({ dataset, file, facts, partitions: await readPartitions(dir, file, facts.partitions) });
      continue;
    }
    const parquet = path.join(base, `${stem}.parquet`);
    await assertIntact(parquet, `${file}.parquet`, typeof facts.contentHash === 'string' ? facts.contentHash : null);
    if (facts.rowCount === null || !Array.isArray(facts.columns))
      Object.assign(facts, await describeParquet(ws, parquet, `${file}.parquet`));
    out.push({ dataset, file, parquet, facts });
  }
  return out;
}

async function readPartitions(dir: string, file: string, listed: unknown) {
  const folder = path.join(dir, `${file}${PARTITIONS_SUFFIX}`);
  if (
    !Array.isArray(listed) ||
    listed.some(
      (p: Partial<PartitionFacts>) =>
        typeof p?.partitionId !== 'string' || typeof p.rowCount !== 'number' || typeof p.builtAt !== 'string',
    )
  )
    throw badRequest(`${file}.json: partitions must list partitionId, rowCount and builtAt of each partition`);
  const out: (PartitionFacts & { sourcePath: string })[] = [];
  for (const p of listed as PartitionFacts[]) {
    const sourcePath = path.join(folder, `${fileNameOf(p.partitionId)}.parquet`);
    await assertIntact(sourcePath, relative(dir, sourcePath), p.contentHash ?? null);
    out.push({ ...p, contentHash: p.contentHash ?? null, sourcePath });
  }
  return out;
}

/** Reads and checks `partitioning/`: each file names a dataset of the import and valid dimensions. */
export function readPartitionings(
  dir: string,
  datasets: Set<string>,
): { dataset: string; partitioning: Partitioning }[] {
  const base = path.join(dir, PARTITIONING_FOLDER);
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const dataset = nameOfFile(f.slice(0, -'.json'.length));
      const what = `${PARTITIONING_FOLDER}/${f}`;
      if (!datasets.has(dataset)) throw badRequest(`${what}: no dataset ${dataset} in the import`);
      const parsed = PartitioningSchema.safeParse(readJson(path.join(base, f), what));
      if (!parsed.success) throw badRequest(`${what}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      return { dataset, partitioning: parsed.data };
    });
}

export async function importPartitionings(
  ws: Workspace,
  key: string,
  list: { dataset: string; partitioning: Partitioning }[],
  author: string,
): Promise<void> {
  for (const p of list) await putPartitioning(ws, key, p.dataset, p.partitioning, author);
}

/** Makes each dataset's data its current version, with its exported facts. */
export async function importData(ws: Workspace, key: string, list: DataToImport[]): Promise<void> {
  for (const d of list) {
    const fileName = 'partitions' in d ? `${d.file}${PARTITIONS_SUFFIX}` : path.basename(d.parquet);
    const lineage = (d.facts.lineage as Lineage | null) ?? { source: 'import', fileName };
    if ('partitions' in d) {
      const columns = Array.isArray(d.facts.columns) ? (d.facts.columns as ColumnSchema[]) : [];
      const parts = d.partitions.map((p) => ({ ...p, lineage: p.lineage as PartitionLineage }));
      await restorePartitionedVersion(ws, { projectKey: key, dataset: d.dataset }, parts, { columns, lineage });
      continue;
    }
    const pending = await beginVersion(ws, key, d.dataset);
    try {
      mkdirSync(path.dirname(pending.path), { recursive: true });
      copyFileSync(d.parquet, pending.path);
      const { rowCount, columns } = d.facts as { rowCount: number; columns: ColumnSchema[] };
      await commitVersion(ws, pending, { rowCount, contentHash: d.facts.contentHash, columns, lineage });
    } catch (e) {
      await failVersion(ws, pending);
      throw e;
    }
  }
}
