import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { badRequest } from '../../common/errors.js';
import { quoteIdent, quoteLiteral } from '../../common/names.js';
import { describeRelation, tempPathNextTo, type DatasetColumn } from '../../engine/parquet-output.js';
import type { OutputFile } from './parquet-transfer.js';
import { SnappyPartsCopy } from './parquet-uncompressed-copy.js';
import type { CodeColumn } from './ts-recipe-entry.js';

/** What a version's file is recorded with (as `copySelectToParquet` answers it). */
export interface AdoptedOutput {
  rowCount: number;
  columns: DatasetColumn[];
  contentHash: string;
}

/** Runs `work` on a connection of the server's DuckDB (as `DuckPool.withConnection`). */
export type WithConnection = <T>(work: (conn: DuckDBConnection) => Promise<T>) => Promise<T>;

/**
 * The code's Parquet output made the version's file without an import. An import (DuckDB's COPY
 * of the output to a new file) decodes and encodes every value again: a quarter to a third of a
 * copy recipe's time. When the harness wrote Parquet part files of exactly the output's types,
 * their pages are instead compressed as they are (snappy, as DuckDB's own files: see
 * `SnappyPartsCopy`) into a file next to `targetPath`, renamed into place once DuckDB has checked
 * the code's files:
 * - their columns read as the output's names and types (else: null, and the import casts);
 * - DuckDB decodes every value of every column (a hash of each), so a damaged page, invalid
 *   UTF-8 or a row group holding fewer values than it claims fails here, not in a later read.
 * The row count is the rows read; the copy's footer counts its row groups' (a lying total is not copied).
 * A failure is a 400 with the reason, and nothing is left at `targetPath`.
 *
 * The harnesses write their output as parts (`<output>.part<k>`, each renamed into place once
 * complete): `watch` adopts each part while the code writes the next, so that once the code is
 * done only the last parts and the footer are left. Adopting while the code runs is a guess: what
 * counts is the list of files the code answers (`finish`), and a part adopted that is not in it
 * (the harness turned its output into CSV…) makes the whole copy void (null: the import reads the
 * files the code answered). A part that fails its check fails the build only if it is one of them.
 *
 * Null too (the caller imports as before) when a file is not directly in `workDir` (the harness
 * names the files; a path elsewhere or a link is never moved), a type is not one the page copy
 * carries, or the page copy finds something it does not copy (other encodings…). Unlike an
 * import, the version's pages keep the harness's encodings: its values are the same, and its
 * footer has each column chunk's min / max and null count, taken by the copy from the pages'
 * bytes (the code's own statistics are not trusted), so DuckDB skips row groups a filter cannot match.
 */
export class OutputAdopter {
  private readonly copy: SnappyPartsCopy;
  private readonly temp: string;
  /** The part files adopted, in order, with their rows and non-null values per column (as DuckDB counted them). */
  private readonly adopted: string[] = [];
  private rows = 0;
  private nonNull: number[] = [];
  private described: { name: string; type: string }[] | null = null;
  /** Set when the copy cannot be the version's file: a file it does not carry, or one that failed (`failure`). */
  private off = false;
  /** A check that failed, with the files it checked: the build's error if they are the code's output. */
  private failure: { files: string[]; error: unknown } | null = null;
  private watching: Promise<void> | null = null;
  private stopWatching = false;
  /**
   * Ends the watcher's wait for the next part at once when the code is done: else up to
   * PART_POLL_MS.most, added to every build's end.
   */
  private readonly wake = new AbortController();

  constructor(
    private readonly withConnection: WithConnection,
    private readonly workDir: string,
    /** The harness's output path: its parts are `<output>.part<k>`. */
    private readonly output: string,
    private readonly targetPath: string,
  ) {
    mkdirSync(path.dirname(targetPath), { recursive: true });
    this.temp = tempPathNextTo(targetPath);
    this.copy = new SnappyPartsCopy(this.temp);
  }

  /** Starts adopting the parts as they appear, until `finish` or `discard`. */
  watch(): void {
    this.watching ??= this.watchParts();
  }

  private async watchParts(): Promise<void> {
    let wait = PART_POLL_MS.first;
    while (!this.stopWatching && !this.off) {
      const ready: string[] = [];
      for (let k = this.adopted.length; existsSync(`${this.output}.part${k}`); k++)
        ready.push(`${this.output}.part${k}`);
      if (ready.length > 0) {
        await this.adopt(ready);
        wait = PART_POLL_MS.first;
        continue;
      }
      // Code that writes no part (CSV, R) is not looked at every few milliseconds for its whole run:
      // the parts left when it ends are adopted then, so a longer wait costs little.
      await sleep(wait, undefined, { signal: this.wake.signal }).catch(() => undefined);
      wait = Math.min(wait * 2, PART_POLL_MS.most);
    }
  }

  /** Checks and copies `files` (the next ones, in order); on a failure, `off` with the failure kept. */
  private async adopt(files: string[]): Promise<void> {
    const snapshots: string[] = [];
    try {
      for (const file of files) {
        const snapshot = this.snapshot(file);
        if (snapshot === null) {
          this.off = true;
          return;
        }
        snapshots.push(snapshot);
      }
      const names = new Map(snapshots.map((s, k) => [s, path.basename(files[k])]));
      if (!this.described) {
        const first = snapshots[0];
        this.described = await this.withConnection((conn) =>
          describeRelation(conn, `read_parquet(${quoteLiteral(first)})`),
        ).catch(damaged(names));
      }
      // The files are checked while their pages are compressed into the copy (the same values' bytes).
      const [counted, copied] = await Promise.allSettled([
        this.withConnection((conn) => readEveryValue(conn, snapshots, this.described ?? [])).catch(damaged(names)),
        this.copy.append(snapshots),
      ]);
      if (counted.status === 'rejected') throw counted.reason;
      if (copied.status === 'rejected') throw copied.reason;
      if (!copied.value) {
        this.off = true;
        return;
      }
      this.adopted.push(...files);
      this.rows += counted.value.rows;
      this.nonNull = counted.value.nonNull.map((n, i) => n + (this.nonNull[i] ?? 0));
    } catch (error) {
      this.off = true;
      this.failure = { files, error };
    } finally {
      for (const snapshot of snapshots) rmSync(snapshot, { force: true });
    }
  }

  /**
   * A copy of `file`'s bytes next to the version's file, out of the code's reach, that is both
   * checked and copied: the code runs while its parts are adopted, and could otherwise change a
   * part between its check and its copy. Null unless `file` is a file of the harness's directly in
   * the work folder (never a link, nor a file linked elsewhere: opened without following links).
   */
  private snapshot(file: string): string | null {
    if (path.dirname(path.resolve(file)) !== path.resolve(this.workDir)) return null;
    let fd: number;
    try {
      fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch {
      return null;
    }
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile() || stat.nlink !== 1) return null;
      const snapshot = tempPathNextTo(this.targetPath, '.part');
      writeFileSync(snapshot, readFileSync(fd));
      return snapshot;
    } finally {
      closeSync(fd);
    }
  }

  /**
   * The version's file from the code's output `files` (as the harness answered them) of `columns`:
   * the parts not adopted yet are, then the footer is written and the copy renamed to `targetPath`.
   * Null, leaving nothing, when the copy cannot be the version's file; a damaged file is a 400.
   */
  async finish(files: OutputFile[], columns: CodeColumn[]): Promise<AdoptedOutput | null> {
    try {
      await this.stop();
      const paths = files.map((f) => path.resolve(f.path));
      const fits =
        files.length > 0 &&
        files.every((f) => f.format === 'parquet') &&
        columns.length > 0 &&
        new Set(columns.map((c) => c.name)).size === columns.length &&
        this.adopted.every((f, k) => path.resolve(f) === paths[k]);
      if (!fits) return null;
      if (this.failure) {
        // Thrown only when the files that failed are the code's output (not parts it then took back).
        const at = this.adopted.length;
        if (this.failure.files.every((f, k) => path.resolve(f) === paths[at + k])) throw this.failure.error;
        return null;
      }
      if (this.off) return null;
      const rest = paths.slice(this.adopted.length);
      if (rest.length > 0) await this.adopt(rest);
      if (this.failure) throw (this.failure as { error: unknown }).error;
      const described = this.described;
      const same =
        !this.off &&
        described?.length === columns.length &&
        described.every((c, i) => c.name === columns[i].name && c.type === columns[i].type.toUpperCase());
      if (!same || !described) return null;
      const contentHash = this.copy.finish(columns);
      if (contentHash === null) return null;
      renameSync(this.temp, this.targetPath);
      return {
        rowCount: this.rows,
        columns: columns.map((c, i) => ({
          name: c.name,
          type: described[i].type,
          nullable: this.nonNull[i] < this.rows,
        })),
        contentHash,
      };
    } finally {
      this.copy.discard();
    }
  }

  /** Parts adopted so far (for the job log). */
  get partsAdopted(): number {
    return this.adopted.length;
  }

  private async stop(): Promise<void> {
    this.stopWatching = true;
    this.wake.abort();
    await this.watching;
  }

  /** Stops watching and removes the copy: the run failed. */
  async discard(): Promise<void> {
    await this.stop();
    this.copy.discard();
  }
}

/**
 * How long `watch` waits before looking again for the code's next part: at first, and at most (the
 * wait doubles while none comes). A part is a row group: tens of milliseconds of the code's at the least.
 */
const PART_POLL_MS = { first: 5, most: 40 };

/**
 * Adopts the code's output `files` once the code is done (no parts adopted while it ran): see `OutputAdopter`.
 */
export async function adoptParquetOutput(
  conn: DuckDBConnection,
  files: OutputFile[],
  columns: CodeColumn[],
  workDir: string,
  targetPath: string,
): Promise<AdoptedOutput | null> {
  const adopter = new OutputAdopter((work) => work(conn), workDir, path.join(workDir, 'output'), targetPath);
  return adopter.finish(files, columns);
}

/**
 * A DuckDB error reading copies of the code's files (`names`: each copy's file's own name) as a 400
 * that names them by their own names, never the server's folders.
 */
const damaged =
  (names: Map<string, string>) =>
  (error: unknown): never => {
    let message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    for (const [copy, name] of names) message = message.split(copy).join(name);
    throw badRequest(`The code's output Parquet file is damaged: ${message}`);
  };

/**
 * Rows and non-null values per column of `files`. The hashes make DuckDB decode every value:
 * counts alone may be answered from the footer and its statistics.
 */
async function readEveryValue(
  conn: DuckDBConnection,
  files: string[],
  columns: { name: string }[],
): Promise<{ rows: number; nonNull: number[] }> {
  const each = columns.map((c) => `count(${quoteIdent(c.name)}), bit_xor(hash(${quoteIdent(c.name)}))`);
  const list = `[${files.map(quoteLiteral).join(', ')}]`;
  const sql = `SELECT count(*), ${each.join(', ')} FROM read_parquet(${list})`;
  const row = (await conn.runAndReadAll(sql)).getRows()[0];
  return { rows: Number(row[0]), nonNull: columns.map((_, i) => Number(row[1 + 2 * i])) };
}
