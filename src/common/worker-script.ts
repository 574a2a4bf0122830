import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Worker threads on TypeScript modules of src/. A worker inherits neither tsx (`llano` from
 * sources) nor Vite (tests), and loading it through tsx costs each worker ~0.4 s of CPU; so the
 * module and its imports are bundled once into one plain ES module, cached by content under
 * `node_modules/.cache/llano/` (next to the packages it imports, so they resolve) with a manifest
 * of its inputs (size and modification time) that skips the ~0.15 s build while no source
 * changed. Compiled to dist/ (a `.js` caller), the compiled module is loaded as it is.
 *
 * `callerUrl` is the caller's `import.meta.url`, `name` the worker module's name next to it
 * without extension.
 */

/** Per process, each worker's script once found (a build starts a worker per core, each checks no more files). */
const scripts = new Map<string, URL | null>();

/** The script to start the worker from: compiled, cached or freshly bundled; null when bundling fails (read-only checkout). */
export function workerScriptUrl(callerUrl: string, name: string): URL | null {
  if (callerUrl.endsWith('.js')) return new URL(`./${name}.js`, callerUrl);
  const entry = fileURLToPath(new URL(`./${name}.ts`, callerUrl));
  if (!scripts.has(entry)) scripts.set(entry, cached(entry) ?? bundle(entry));
  return scripts.get(entry) ?? null;
}

/** Starts the worker; when bundling fails, the worker registers tsx itself. */
export function startWorker(callerUrl: string, name: string, workerData?: unknown): Worker {
  // No inherited `--import tsx` etc.: the script is plain JS (or registers tsx itself).
  const options = { workerData, execArgv: [] };
  const script = workerScriptUrl(callerUrl, name);
  if (script) return new Worker(script, options);
  const entry = pathToFileURL(fileURLToPath(new URL(`./${name}.ts`, callerUrl))).href;
  const tsx = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(tsx, { ...options, eval: true });
}

const CACHE = fileURLToPath(new URL('../../node_modules/.cache/llano/', import.meta.url));

interface Manifest {
  file: string;
  /** Input path → `size:mtimeMs`. */
  inputs: Record<string, string>;
}

const manifestOf = (entry: string) =>
  `${CACHE}${path.basename(entry, '.ts')}-${createHash('sha256').update(entry).digest('hex').slice(0, 8)}.manifest.json`;

const fingerprint = (file: string): string => {
  const st = statSync(file);
  return `${st.size}:${st.mtimeMs}`;
};

function cached(entry: string): URL | null {
  try {
    const manifest = JSON.parse(readFileSync(manifestOf(entry), 'utf8')) as Manifest;
    if (!existsSync(manifest.file)) return null;
    for (const [input, print] of Object.entries(manifest.inputs)) if (fingerprint(input) !== print) return null;
    return pathToFileURL(manifest.file);
  } catch {
    return null;
  }
}

function writeAtomically(file: string, data: string | Uint8Array): void {
  // Write then rename: a concurrent process never reads a half-written file.
  const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.partial`;
  writeFileSync(partial, data);
  renameSync(partial, file);
}

function bundle(entry: string): URL | null {
  try {
    // Loaded only on a cache miss: a process that finds its bundle never loads esbuild.
    const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    const built = esbuild.buildSync({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      packages: 'external',
      metafile: true,
      logLevel: 'silent',
    });
    const code = built.outputFiles[0].contents;
    const file = `${CACHE}${path.basename(entry, '.ts')}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`;
    mkdirSync(CACHE, { recursive: true });
    if (!existsSync(file)) writeAtomically(file, code);
    // Metafile inputs are relative to the working directory.
    const inputs = Object.fromEntries(
      Object.keys(built.metafile.inputs).map((i) => [path.resolve(i), fingerprint(path.resolve(i))]),
    );
    writeAtomically(manifestOf(entry), JSON.stringify({ file, inputs } satisfies Manifest));
    return pathToFileURL(file);
  } catch {
    return null;
  }
}
