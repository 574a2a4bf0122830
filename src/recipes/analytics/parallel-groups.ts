import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../common/worker-script.js';
import { sortGroups, type GroupedSeries } from './grouped-series.js';
import { runKernel, type KernelOutput, type KernelSpec, type SeriesBatch } from './series-kernels.js';
import type { SeriesReply, SeriesTask } from './series-worker.js';

/** How the groups are shared out. */
export interface ParallelOptions {
  /** Worker threads; default `os.availableParallelism()`. 1 computes in the calling thread. */
  threads?: number;
  /** Below this many rows in all, the calling thread computes (starting workers costs more). */
  minRows?: number;
  /** Rows per batch handed to a worker (whole groups, so a batch may hold more). */
  batchRows?: number;
}

const MIN_PARALLEL_ROWS = 200_000;
const BATCH_ROWS = 50_000;

/** Where a batch is in the grouped series. */
export interface BatchPlace {
  firstGroup: number;
  groups: number;
  /** Index of the batch's first row in the series' arrays. */
  firstRow: number;
}

/**
 * Runs `spec` over every group of `series` (putting the groups in order first when their sort
 * was deferred, batch by batch), in batches of consecutive groups, and hands each
 * batch's output to `onBatch` in group order. Series are independent, so batches go to worker
 * threads (each batch's columns copied out and transferred, results transferred back); the
 * outputs are put back in order, so the result is the same as one thread's. At most two batches
 * per worker are in flight, which bounds the memory held on top of the series.
 */
export async function computeGroups(
  spec: KernelSpec,
  series: GroupedSeries,
  onBatch: (out: KernelOutput, place: BatchPlace) => void,
  options: ParallelOptions = {},
): Promise<void> {
  const places = batches(series, options.batchRows ?? BATCH_ROWS);
  const threads = Math.min(options.threads ?? availableParallelism(), places.length);
  // A series read with deferSort: each batch's groups are sorted as the batch is handed out.
  const sorted = (place: BatchPlace) => {
    if (series.pendingSort) sortGroups(series, place.firstGroup, place.firstGroup + place.groups);
    return place;
  };
  if (threads <= 1 || series.values.length < (options.minRows ?? MIN_PARALLEL_ROWS)) {
    for (const place of places) onBatch(runKernel(spec, view(series, sorted(place))), place);
    series.pendingSort = false;
    return;
  }
  const pool = Array.from({ length: threads }, () => new BatchWorker());
  try {
    const done = new Map<number, KernelOutput>();
    let sent = 0;
    let emitted = 0;
    const emit = () => {
      for (let out = done.get(emitted); out; out = done.get(emitted)) {
        done.delete(emitted);
        onBatch(out, places[emitted]);
        emitted++;
      }
    };
    // Each worker takes the next batch as soon as it answers one: slow groups do not hold the others up.
    const feed = async (worker: BatchWorker): Promise<void> => {
      const inFlight: Promise<void>[] = [];
      const take = (): Promise<void> | null => {
        if (sent >= places.length) return null;
        const index = sent++;
        const p = worker.run({ id: index, spec, batch: copy(series, sorted(places[index])) }).then((out) => {
          done.set(index, out);
          emit();
        });
        // Awaited in turn below; until then a failure must not count as unhandled.
        p.catch(() => undefined);
        return p;
      };
      for (let k = 0; k < 2; k++) {
        const p = take();
        if (p) inFlight.push(p);
      }
      while (inFlight.length) {
        await inFlight.shift();
        const p = take();
        if (p) inFlight.push(p);
      }
    };
    await Promise.all(pool.map((w) => feed(w)));
    series.pendingSort = false;
    emit();
  } finally {
    await Promise.all(pool.map((w) => w.stop()));
  }
}

/** Consecutive groups of about `rows` rows each. */
function batches(series: GroupedSeries, rows: number): BatchPlace[] {
  const out: BatchPlace[] = [];
  const { starts, groupCount } = series;
  for (let g = 0; g < groupCount;) {
    let end = g + 1;
    while (end < groupCount && starts[end + 1] - starts[g] <= rows) end++;
    out.push({ firstGroup: g, groups: end - g, firstRow: starts[g] });
    g = end;
  }
  return out;
}

function relativeStarts(series: GroupedSeries, place: BatchPlace): Int32Array {
  const starts = series.starts.slice(place.firstGroup, place.firstGroup + place.groups + 1);
  for (let i = 0; i < starts.length; i++) starts[i] -= place.firstRow;
  return starts;
}

/** A batch of views into the series (computed in this thread). */
function view(series: GroupedSeries, place: BatchPlace): SeriesBatch {
  const starts = relativeStarts(series, place);
  const end = place.firstRow + starts[starts.length - 1];
  return {
    firstGroup: place.firstGroup,
    starts,
    values: series.values.subarray(place.firstRow, end),
    order: series.order ? series.order.subarray(place.firstRow, end) : null,
  };
}

/** A batch of its own copies, whose buffers can be transferred to a worker. */
function copy(series: GroupedSeries, place: BatchPlace): SeriesBatch {
  const v = view(series, place);
  return { ...v, values: v.values.slice(), order: v.order ? v.order.slice() : null };
}

type Pending = { resolve: (out: KernelOutput) => void; reject: (error: Error) => void };

class BatchWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | null = null;

  constructor() {
    this.worker = startWorker(import.meta.url, 'series-worker');
    this.worker.on('message', (reply: SeriesReply) => {
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (!p) return;
      if ('error' in reply) {
        const e = new Error(reply.error);
        if (reply.stack) e.stack = reply.stack;
        p.reject(e);
      } else p.resolve({ rows: reply.rows, columns: reply.columns });
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`analysis worker exited (code ${code})`)));
  }

  run(task: SeriesTask): Promise<KernelOutput> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.set(task.id, { resolve, reject });
      const buffers = [task.batch.starts, task.batch.values, ...(task.batch.order ? [task.batch.order] : [])];
      this.worker.postMessage(
        task,
        buffers.map((b) => b.buffer as ArrayBuffer),
      );
    });
  }

  async stop(): Promise<void> {
    this.failure ??= new Error('analysis worker stopped');
    await this.worker.terminate();
  }
}
