// The worker thread that draws chart pictures (chart-picture-drawer.ts): ECharts loads and draws
// here, so the server's event loop never waits for it.
import { parentPort } from 'node:worker_threads';
import type { EChartsOption } from './chart-options.js';
import { renderChartPicture } from './chart-picture.js';

export interface DrawRequest {
  id: number;
  option: EChartsOption;
  width: number;
  height: number;
}
export type DrawReply =
  { id: number; picture: Awaited<ReturnType<typeof renderChartPicture>> } | { id: number; error: string };

// ECharts as the web UI's production build runs it: without its development checks and their
// console messages (this thread's environment is its own copy; ECharts loads on the first picture).
process.env.NODE_ENV = 'production';

parentPort?.on('message', (request: DrawRequest) => {
  renderChartPicture(request.option, request.width, request.height).then(
    (picture) => parentPort?.postMessage({ id: request.id, picture } satisfies DrawReply),
    (error: unknown) =>
      parentPort?.postMessage({
        id: request.id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies DrawReply),
  );
});
