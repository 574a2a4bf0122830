import { parentPort } from 'node:worker_threads';
import { runKernel, type KernelSpec, type SeriesBatch } from './series-kernels.js';

/** A batch to compute, and the answer: the batch's result columns (transferred) or the error. */
export interface SeriesTask {
  id: number;
  spec: KernelSpec;
  batch: SeriesBatch;
}
export type SeriesReply =
  { id: number; rows: number; columns: Float64Array[] } | { id: number; error: string; stack?: string };

// Entry of the analysis worker threads (see parallel-groups.ts); a no-op when imported elsewhere.
parentPort?.on('message', (task: SeriesTask) => {
  try {
    const out = runKernel(task.spec, task.batch);
    parentPort?.postMessage(
      { id: task.id, rows: out.rows, columns: out.columns } satisfies SeriesReply,
      out.columns.map((c) => c.buffer as ArrayBuffer),
    );
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    parentPort?.postMessage({ id: task.id, error: e.message, stack: e.stack } satisfies SeriesReply);
  }
});
