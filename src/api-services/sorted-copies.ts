import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { sha256 } from '../common/ids.js';
import { quoteIdent, quoteLiteral } from '../common/names.js';
import type { TableSource } from '../engine/table-source.js';
import type { Workspace } from '../workspace/workspace.js';

/** Below this size a scan is already cheap: no copy. */
const MIN_BYTES = 4 * 1024 * 1024;
/** Small row groups, so the min/max of each lets a filter on the sort columns skip almost all of them. */
const ROW_GROUP_ROWS = 16_384;
/** Copies of older data versions are deleted this long after a newer one is ready (calls may still read them). */
const SUPERSEDED_GRACE_MS = 60_000;

/**
 * The columns an endpoint's SQL compares with its parameters (`antenna = :antenna`,
 * `ts >= :since`), equality comparisons first: the order a copy is sorted in.
 */
export function filterColumnsOf(sql: string): string[] {
  const equal: string[] = [];
  const range: string[] = [];
  const comparison = /(?:"((?:[^"]|"")+)"|([A-Za-z_][\w]*))\s*(=|>=|<=|>|<)\s*:[A-Za-z_]\w*/g;
  for (const m of sql.matchAll(comparison)) {
    const column = m[1]?.replaceAll('""', '"') ?? m[2];
    (m[3] === '=' ? equal : range).push(column);
  }
  return [...new Set([...equal, ...range])];
}

/**
 * Copies of a SQL endpoint's input datasets sorted by the columns its parameters filter, so
 * DuckDB reads only the row groups a call needs (a filter on an unsorted Parquet file reads
 * every row group: ~40 ms for 1 M rows against ~5 ms sorted). A copy is made in the background
 * the first time a data version is called, in the project's data folder (so the endpoint's
 * sandbox may read it and every process serving the service shares it: its name is derived
 * from the data files and the columns); calls meanwhile read the dataset itself.
 */
export class SortedCopies {
  private readonly copies = new Map<string, Promise<string | null>>();
  private readonly ready = new Map<string, string | null>();

  constructor(
    private readonly ws: Workspace,
    private readonly options: { minBytes?: number } = {},
  ) {}

  /** Where the call should read `source`: its sorted copy when one is ready, else `source` itself. */
  source(projectKey: string, dataset: string, source: TableSource, columns: string[]): TableSource {
    if (source.kind !== 'parquet' || !source.paths.length || !columns.length) return source;
    const id = JSON.stringify([projectKey, dataset, source.paths, columns]);
    const copy = this.ready.get(id);
    if (copy) return { kind: 'parquet', paths: [copy] };
    if (copy === undefined && !this.copies.has(id)) {
      const making = this.make(projectKey, dataset, source.paths, columns).catch(() => null);
      this.copies.set(id, making);
      void making.then((file) => {
        this.copies.delete(id);
        if (this.ready.size > 1_000) this.ready.clear();
        this.ready.set(id, file);
      });
    }
    return source;
  }

  /** Waits for the copies being made (tests, benchmarks). */
  async settle(): Promise<void> {
    await Promise.all(this.copies.values());
  }

  private async make(projectKey: string, dataset: string, paths: string[], wanted: string[]): Promise<string | null> {
    if (paths.reduce((sum, p) => sum + statSync(p).size, 0) < (this.options.minBytes ?? MIN_BYTES)) return null;
    const files = `read_parquet([${paths.map(quoteLiteral).join(', ')}])`;
    const described = await this.ws.duck.query(`DESCRIBE SELECT * FROM ${files}`);
    const nameAt = described.columns.indexOf('column_name');
    const present = new Set(described.rows.map((r) => String(r[nameAt])));
    const columns = wanted.filter((c) => present.has(c));
    if (!columns.length) return null;
    const dir = path.join(this.ws.config.home, 'data', projectKey, '.api-sorted');
    const stem = `${sha256(JSON.stringify([dataset, columns])).slice(0, 16)}-`;
    const file = path.join(dir, `${stem}${sha256(JSON.stringify(paths)).slice(0, 16)}.parquet`);
    if (existsSync(file)) return file;
    await mkdir(dir, { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    try {
      await this.ws.duck.run(
        `COPY (SELECT * FROM ${files} ORDER BY ${columns.map(quoteIdent).join(', ')}) TO ${quoteLiteral(partial)} (FORMAT parquet, ROW_GROUP_SIZE ${ROW_GROUP_ROWS})`,
      );
      renameSync(partial, file);
    } finally {
      rmSync(partial, { force: true });
    }
    const superseded = readdirSync(dir).filter((f) => f.startsWith(stem) && path.join(dir, f) !== file);
    setTimeout(
      () => superseded.forEach((f) => rmSync(path.join(dir, f), { force: true })),
      SUPERSEDED_GRACE_MS,
    ).unref();
    return file;
  }
}
