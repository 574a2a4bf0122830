import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { tempPathNextTo } from '../../engine/parquet-output.js';

/**
 * The Trec worker's script. Llano runs its TypeScript sources through a loader (tsx for
 * `llano`, Vite in tests), and a worker thread inherits neither: loading the worker through
 * tsx costs each worker ~0.4 s of CPU at start (a loader thread, a round trip per module).
 * So the worker and its imports are bundled once per process into one plain ES module,
 * cached by content under `node_modules/.cache/llano/` (next to the packages it imports,
 * so `snappy` resolves). A manifest of the bundle's inputs (size and modification time)
 * skips the ~0.15 s build while no source changed. When bundling fails (read-only
 * checkout), workers load through tsx. Compiled to dist/, workers load the compiled worker.
 */

const ENTRY = fileURLToPath(new URL('./trec-worker.ts', import.meta.url));
const CACHE = fileURLToPath(new URL('../../../node_modules/.cache/llano/', import.meta.url));
const TSX_ENTRY = new URL('./trec-worker-entry.mjs', import.meta.url);
const MANIFEST = `${CACHE}trec-worker.manifest.json`;

interface Manifest {
  file: string;
  /** Input path → `size:mtimeMs`. */
  inputs: Record<string, string>;
}

const fingerprint = (file: string): string => {
  const st = statSync(file);
  return `${st.size}:${st.mtimeMs}`;
};

/** The cached bundle, when none of its inputs changed since it was built. */
function cached(): URL | null {
  try {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest;
    if (!existsSync(manifest.file)) return null;
    for (const [input, print] of Object.entries(manifest.inputs)) if (fingerprint(input) !== print) return null;
    return pathToFileURL(manifest.file);
  } catch {
    return null;
  }
}

function writeAtomically(file: string, data: string | Uint8Array): void {
  // Write then rename: a concurrent process never reads a half-written file.
  const partial = tempPathNextTo(file);
  writeFileSync(partial, data);
  renameSync(partial, file);
}

let script: URL | null = null;

/** Set when this module runs compiled (dist/, see bin/build.js): the worker is plain JavaScript next to it. */
const COMPILED_WORKER = import.meta.url.endsWith('.js') ? new URL('./trec-worker.js', import.meta.url) : null;

export function trecWorkerScript(): URL {
  script ??= COMPILED_WORKER ?? cached() ?? bundle() ?? TSX_ENTRY;
  return script;
}

function bundle(): URL | null {
  try {
    // Loaded only on a cache miss: a process that finds its bundle never loads esbuild.
    const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    const built = esbuild.buildSync({
      entryPoints: [ENTRY],
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      external: ['snappy'],
      metafile: true,
      logLevel: 'silent',
    });
    const code = built.outputFiles[0].contents;
    const file = `${CACHE}trec-worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`;
    mkdirSync(CACHE, { recursive: true });
    if (!existsSync(file)) writeAtomically(file, code);
    // Metafile inputs are relative to the working directory.
    const inputs = Object.fromEntries(
      Object.keys(built.metafile.inputs).map((i) => [path.resolve(i), fingerprint(path.resolve(i))]),
    );
    writeAtomically(MANIFEST, JSON.stringify({ file, inputs } satisfies Manifest));
    return pathToFileURL(file);
  } catch {
    return null;
  }
}
