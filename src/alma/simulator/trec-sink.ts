import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ParquetCompression } from '../../engine/parquet/column-chunk.js';
import { ParquetFileWriter } from '../../engine/parquet/parquet-file-writer.js';
import { TrecPlan } from './trec-batch.js';
import { TREC_MEASUREMENT_COLUMNS, TREC_SPECTRUM_COLUMNS } from './trec-files.js';
import { trecWorkerScript } from './worker-script.js';
import type { TrecLayouts, TrecTask, TrecWorkerData, TrecWorkerReply, TrecWrite } from './trec-worker.js';

/**
 * Streams Trec plans into `trec_measurement` (and `trec_spectrum`) Parquet files. Plan
 * units accumulate into chunks of about `chunkRows` measurement rows; worker threads
 * expand and encode each chunk into one row group per file, this thread places the row
 * groups in chunk order (offsets and footer entries), and each worker writes its bytes at
 * the offsets it is given. Chunk boundaries depend only on the plans (whole days) and the
 * placement only on chunk order, so the bytes never depend on thread timing: same seed,
 * same files, with any number of threads.
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

type Pending<T> = { resolve: (v: T) => void; reject: (e: Error) => void };

class TrecWorker {
  readonly worker: Worker;
  private readonly encoding = new Map<number, Pending<TrecLayouts>>();
  private readonly writing = new Map<number, Pending<void>>();
  sentSerials = 0;
  private failure: Error | null = null;

  constructor(data: TrecWorkerData) {
    // No inherited `--import tsx` etc.: the script is plain JS (or registers tsx itself).
    this.worker = new Worker(trecWorkerScript(), { workerData: data, execArgv: [] });
    this.worker.on('message', (m: TrecWorkerReply) => {
      if (m.type === 'error') {
        const e = new Error(`Trec worker failed: ${m.error}`);
        this.take(this.encoding, m.id)?.reject(e);
        this.take(this.writing, m.id)?.reject(e);
      } else if (m.type === 'encoded') this.take(this.encoding, m.id)?.resolve(m.layouts);
      else this.take(this.writing, m.id)?.resolve();
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      for (const p of [...this.encoding.values(), ...this.writing.values()]) p.reject(e);
      this.encoding.clear();
      this.writing.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`Trec worker exited (code ${code})`)));
  }

  private take<T>(map: Map<number, Pending<T>>, id: number): Pending<T> | undefined {
    const p = map.get(id);
    map.delete(id);
    return p;
  }

  /** Chunks given to this worker and not yet written. */
  get load(): number {
    return this.encoding.size + this.writing.size;
  }

  private request<T>(
    map: Map<number, Pending<T>>,
    message: TrecTask | TrecWrite,
    transfer: ArrayBuffer[] = [],
  ): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const result = new Promise<T>((resolve, reject) => map.set(message.id, { resolve, reject }));
    // Nothing may reject unobserved while it waits in a queue.
    result.catch(() => {});
    this.worker.postMessage(message, transfer);
    return result;
  }

  encode(task: TrecTask): Promise<TrecLayouts> {
    const columns = [...Object.values<Float64Array>(task.eb), ...Object.values<Float64Array>(task.unit)];
    return this.request(
      this.encoding,
      task,
      columns.map((c) => c.buffer as ArrayBuffer),
    );
  }

  write(order: TrecWrite): Promise<void> {
    return this.request(this.writing, order);
  }
}

export class TrecSink {
  private readonly workers: TrecWorker[];
  private readonly trecFile: ParquetFileWriter;
  private readonly spectrumFile: ParquetFileWriter | null;
  private readonly pending = new TrecPlan();
  /** Chunks being encoded, in file order, with the worker that holds each. */
  private readonly queue: { id: number; worker: TrecWorker; layouts: Promise<TrecLayouts> }[] = [];
  /** Placed chunks being written by their workers. */
  private readonly writes: Promise<void>[] = [];
  private nextId = 0;
  trecRows = 0;
  spectrumRows = 0;

  constructor(private readonly options: TrecSinkOptions) {
    const compression = options.compression ?? 'none';
    const threads = options.threads ?? Math.max(1, availableParallelism());
    this.trecFile = ParquetFileWriter.create(options.trecPath, TREC_MEASUREMENT_COLUMNS, {
      compression,
      createdBy: 'Llano ALMA simulator',
    });
    this.spectrumFile = options.spectrumPath
      ? ParquetFileWriter.create(options.spectrumPath, TREC_SPECTRUM_COLUMNS, {
          compression,
          createdBy: 'Llano ALMA simulator',
        })
      : null;
    const data: TrecWorkerData = {
      antennaNames: [...options.antennaNames],
      frontEndNames: [...options.frontEndNames],
      channels: options.channels,
      compression,
      trecFd: this.trecFile.fd,
      spectrumFd: this.spectrumFile?.fd ?? null,
    };
    this.workers = Array.from({ length: threads }, () => new TrecWorker(data));
  }

  /**
   * Adds one day's plan (consumed before this returns; `ebUids` and `cartridgeSerials`
   * are the simulation's growing name lists the plan's codes index).
   */
  async append(plan: TrecPlan, ebUids: readonly string[], cartridgeSerials: readonly string[]): Promise<void> {
    this.pending.append(plan);
    if (this.pending.rows >= this.options.chunkRows) await this.dispatch(ebUids, cartridgeSerials);
  }

  private async dispatch(ebUids: readonly string[], cartridgeSerials: readonly string[]): Promise<void> {
    const { eb, unit } = this.pending;
    if (unit.length === 0) return;
    const ebBase = eb.columns.eb[0];
    const ebEnd = eb.columns.eb[eb.length - 1] + 1;
    const worker = this.workers.reduce((a, b) => (b.load < a.load ? b : a));
    const task: TrecTask = {
      type: 'encode',
      id: this.nextId++,
      ebs: eb.length,
      eb: eb.sliceColumns(),
      units: unit.length,
      unit: unit.sliceColumns(),
      ebBase,
      ebUids: ebUids.slice(ebBase, ebEnd),
      newCartridgeSerials: cartridgeSerials.slice(worker.sentSerials),
    };
    this.pending.clear();
    worker.sentSerials = cartridgeSerials.length;
    this.queue.push({ id: task.id, worker, layouts: worker.encode(task) });
    // Bounded memory: at most two chunks in flight per worker.
    while (this.queue.length > 2 * this.workers.length) await this.placeNext();
  }

  /** Places the oldest chunk's row groups in the files, in order, and has its worker write them. */
  private async placeNext(): Promise<void> {
    const { id, worker, layouts } = this.queue.shift()!;
    const { trec, spectra } = await layouts;
    const trecAt = this.trecFile.place(trec);
    this.trecRows += trec.rows;
    let spectrumAt: number | null = null;
    if (spectra && this.spectrumFile) {
      spectrumAt = this.spectrumFile.place(spectra);
      this.spectrumRows += spectra.rows;
    }
    this.writes.push(worker.write({ type: 'write', id, trecAt, spectrumAt }));
  }

  /** Flushes the last chunk, writes both footers and stops the workers. */
  async finish(ebUids: readonly string[], cartridgeSerials: readonly string[]): Promise<void> {
    try {
      await this.dispatch(ebUids, cartridgeSerials);
      while (this.queue.length > 0) await this.placeNext();
      // Footers go after the last row group, once every worker has written its bytes.
      await Promise.all(this.writes);
      this.trecFile.close();
      this.spectrumFile?.close();
    } catch (e) {
      await this.abort();
      throw e;
    } finally {
      await this.stopWorkers();
    }
  }

  /**
   * Stops the workers, then closes and deletes the unfinished files (in that order: a
   * worker must never write through a descriptor that was closed, and maybe reused).
   */
  async abort(): Promise<void> {
    await this.stopWorkers();
    this.trecFile.abort();
    this.spectrumFile?.abort();
  }

  private async stopWorkers(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
