import { workerScriptUrl } from '../../common/worker-script.js';

/**
 * The Trec worker's script: bundled once and cached (see src/common/worker-script.ts), or the
 * compiled worker in dist/. When bundling fails (read-only checkout), the worker loads through
 * tsx from trec-worker-entry.mjs.
 */
const TSX_ENTRY = new URL('./trec-worker-entry.mjs', import.meta.url);

export function trecWorkerScript(): URL {
  return workerScriptUrl(import.meta.url, 'trec-worker') ?? TSX_ENTRY;
}
