import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ParquetCompression } from '../../engine/parquet/column-chunk.js';
import { ParquetFileWriter } from '../../engine/parquet/parquet-file-writer.js';
import { ColumnTable, TREC_PLAN_COLUMNS, type TrecPlan, type TrecPlanColumn } from './trec-batch.js';
import { TREC_MEASUREMENT_COLUMNS, TREC_SPECTRUM_COLUMNS, type EncodedTrecChunk } from './trec-files.js';
import type { TrecTask, TrecTaskResult, TrecWorkerData } from './trec-worker.js';

/**
 * Streams Trec plans into `trec_measurement` (and `trec_spectrum`) Parquet files. Plan
 * units accumulate into chunks of about `chunkRows` measurement rows; worker threads
 * expand and encode each chunk into one row group per file, and this thread appends the
 * row groups in chunk order. Chunk boundaries depend only on the plans (whole days), so
 * the bytes never depend on thread timing: same seed, same files.
 */

export interface TrecSinkOptions {
  trecPath: string;
  /** Null: no spectra file. */
  spectrumPath: string | null;
  channels: number | null;
  antennaNames: readonly string[];
  frontEndNames: readonly string[];
  /** Measurement rows per row group (a chunk closes at the first day boundary past it). */
  chunkRows: number;
  threads?: number;
  /** Default none: the encodings already shrink what repeats, and the measured values are noise. */
  compression?: ParquetCompression;
}

class TrecWorker {
  readonly worker: Worker;
  readonly pending = new Map<number, { resolve: (c: EncodedTrecChunk) => void; reject: (e: Error) => void }>();
  sentSerials = 0;
  private failure: Error | null = null;

  constructor(data: TrecWorkerData) {
    this.worker = new Worker(new URL('./trec-worker-entry.mjs', import.meta.url), { workerData: data });
    this.worker.on('message', (m: TrecTaskResult) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if ('error' in m) p.reject(new Error(`Trec worker failed: ${m.error}`));
      else p.resolve(m.chunk);
    });
    const fail = (e: Error) => {
      this.failure = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`Trec worker exited (code ${code})`)));
  }

  run(task: TrecTask): Promise<EncodedTrecChunk> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.set(task.id, { resolve, reject });
      this.worker.postMessage(
        task,
        Object.values<Float64Array>(task.columns).map((c) => c.buffer as ArrayBuffer),
      );
    });
  }
}

export class TrecSink {
  private readonly workers: TrecWorker[];
  private readonly trecFile: ParquetFileWriter;
  private readonly spectrumFile: ParquetFileWriter | null;
  private readonly pending = new ColumnTable<TrecPlanColumn>(TREC_PLAN_COLUMNS, 8192);
  private pendingRows = 0;
  private readonly queue: Promise<EncodedTrecChunk>[] = [];
  private nextId = 0;
  trecRows = 0;
  spectrumRows = 0;

  constructor(private readonly options: TrecSinkOptions) {
    const compression = options.compression ?? 'none';
    const threads = options.threads ?? Math.max(1, availableParallelism());
    const data: TrecWorkerData = { antennaNames: [...options.antennaNames], frontEndNames: [...options.frontEndNames], channels: options.channels, compression };
    this.workers = Array.from({ length: threads }, () => new TrecWorker(data));
    this.trecFile = ParquetFileWriter.create(options.trecPath, TREC_MEASUREMENT_COLUMNS, { compression, createdBy: 'Llano ALMA simulator' });
    this.spectrumFile = options.spectrumPath ? ParquetFileWriter.create(options.spectrumPath, TREC_SPECTRUM_COLUMNS, { compression, createdBy: 'Llano ALMA simulator' }) : null;
  }

  /**
   * Adds one day's plan (consumed before this returns; `ebUids` and `cartridgeSerials`
   * are the simulation's growing name lists the plan's codes index).
   */
  async append(plan: TrecPlan, ebUids: readonly string[], cartridgeSerials: readonly string[]): Promise<void> {
    plan.appendJoinedTo(this.pending);
    this.pendingRows += plan.rows;
    if (this.pendingRows >= this.options.chunkRows) await this.dispatch(ebUids, cartridgeSerials);
  }

  private async dispatch(ebUids: readonly string[], cartridgeSerials: readonly string[]): Promise<void> {
    const units = this.pending.length;
    if (units === 0) return;
    const P = this.pending.columns;
    const ebBase = P.eb[0];
    const ebEnd = P.eb[units - 1] + 1;
    const columns = Object.fromEntries(TREC_PLAN_COLUMNS.map((c) => [c, P[c].slice(0, units)])) as Record<TrecPlanColumn, Float64Array>;
    this.pending.clear();
    this.pendingRows = 0;
    const worker = this.workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const task: TrecTask = { id: this.nextId++, units, columns, ebBase, ebUids: ebUids.slice(ebBase, ebEnd), newCartridgeSerials: cartridgeSerials.slice(worker.sentSerials) };
    worker.sentSerials = cartridgeSerials.length;
    const result = worker.run(task);
    // Nothing may reject unobserved while it waits in the queue.
    result.catch(() => {});
    this.queue.push(result);
    // Bounded memory: at most two chunks in flight per worker.
    while (this.queue.length > 2 * this.workers.length) await this.writeNext();
  }

  private async writeNext(): Promise<void> {
    const chunk = await this.queue.shift()!;
    this.trecFile.writeRowGroup(chunk.trec);
    this.trecRows += chunk.trec.rows;
    if (chunk.spectra && this.spectrumFile) {
      this.spectrumFile.writeRowGroup(chunk.spectra);
      this.spectrumRows += chunk.spectra.rows;
    }
  }

  /** Flushes the last chunk, writes both footers and stops the workers. */
  async finish(ebUids: readonly string[], cartridgeSerials: readonly string[]): Promise<void> {
    try {
      await this.dispatch(ebUids, cartridgeSerials);
      while (this.queue.length > 0) await this.writeNext();
      this.trecFile.close();
      this.spectrumFile?.close();
    } catch (e) {
      this.abort();
      throw e;
    } finally {
      await this.stopWorkers();
    }
  }

  /** Deletes the unfinished files and stops the workers. */
  abort(): void {
    this.trecFile.abort();
    this.spectrumFile?.abort();
    void this.stopWorkers();
  }

  private async stopWorkers(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
