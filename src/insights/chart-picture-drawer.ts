import type { Worker } from 'node:worker_threads';
import { startWorker } from '../common/worker-script.js';
import type { EChartsOption } from './chart-options.js';
import type { ChartPicture } from './chart-picture.js';
import type { DrawReply, DrawRequest } from './chart-picture-worker.js';

/**
 * Draws chart pictures in one worker thread, started on the first picture: loading ECharts and
 * drawing a picture took from 20 ms to a quarter of a second each on a loaded machine, time the
 * server's event loop would not have answered anyone. A worker that fails or exits fails what it
 * was drawing; the next picture starts a new one.
 */
export class ChartPictureDrawer {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve: (p: ChartPicture) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  draw(option: EChartsOption, width: number, height: number): Promise<ChartPicture> {
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise<ChartPicture>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, option, width, height } satisfies DrawRequest);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.failAll(new Error('The chart picture drawer was closed'));
    await worker?.terminate();
  }

  private start(): Worker {
    const worker = startWorker(import.meta.url, 'chart-picture-worker');
    // Idle, it keeps no process alive.
    worker.unref();
    worker.on('message', (reply: DrawReply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if ('error' in reply) waiting?.reject(new Error(reply.error));
      else waiting?.resolve(reply.picture);
    });
    // Only the current worker's failure fails what is pending: a closed one's exit comes later.
    const fail = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.failAll(error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`The chart picture worker stopped (exit code ${code})`)));
    return worker;
  }

  private failAll(error: Error) {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
