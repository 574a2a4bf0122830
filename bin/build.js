#!/usr/bin/env node
// Compiles src/ to plain JavaScript in dist/ (one .js and source map per .ts, same layout), so
// that `llano` starts without compiling TypeScript; `llano` itself runs the bundle of the CLI
// written next to it (dist/cli-bundle/, bin/bundle-cli.js). Run by `npm install` (prepare), `npm start`
// and `npm run build`; `--if-stale` builds only when a source is newer than the last build.
// esbuild only strips types (about a second); `npm run typecheck` is the type check.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleCli } from './bundle-cli.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = path.join(root, 'src');
const distDir = path.join(root, 'dist');
/** Written last by a build: when that build started (ms), so an edit made during the build counts as newer. */
const STAMP = path.join(distDir, '.built-at');

const isSource = (name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts');
const isAsset = (name) => /\.(py|R)$/.test(name);

/** The newest modification time under `dir`; folders count too, so a deleted source makes dist stale. */
function newestMtime(dir) {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (isSource(entry.name) || isAsset(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Files the code runs that are not TypeScript (the sandbox's Python and R harnesses). */
function assetFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) assetFiles(p, out);
    else if (isAsset(entry.name)) out.push(p);
  }
  return out;
}

function sourceFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(p, out);
    else if (isSource(entry.name)) out.push(p);
  }
  return out;
}

/**
 * Why dist/ cannot run the current sources ('missing' or 'stale'), or null when it can.
 * Costs a few milliseconds (one stat per source file). Without src/ (an installed copy) dist is used as is.
 */
export function distProblem() {
  if (!existsSync(STAMP)) return 'missing';
  if (!existsSync(srcDir)) return null;
  const builtAt = Number(readFileSync(STAMP, 'utf8'));
  return newestMtime(srcDir) > builtAt ? 'stale' : null;
}

/**
 * Whether package.json changed after the last build (null when dist/ was never built): one stat,
 * for the answers that skip the walk of distProblem.
 */
export function packageNewerThanDist() {
  if (!existsSync(STAMP)) return null;
  return statSync(path.join(root, 'package.json')).mtimeMs > Number(readFileSync(STAMP, 'utf8'));
}

/** Compiles every source into a fresh folder, then swaps it in, so a half-written dist/ is never run. */
export async function buildDist({ quiet = false } = {}) {
  const startedAt = Date.now();
  const { build } = await import('esbuild');
  const next = `${distDir}.next-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  await build({
    entryPoints: sourceFiles(srcDir),
    outdir: next,
    outbase: srcDir,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Linked maps without the sources' text: stack traces (node --enable-source-maps) point at src/*.ts.
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
  });
  // What `llano` runs (bin/llano.js): the same code in a few files, which load faster.
  await bundleCli({ srcDir, distDir: next, bundleDir: path.join(next, 'cli-bundle') });
  // The Python and R sides of the code sandbox run as they are, next to their compiled TypeScript.
  for (const file of assetFiles(srcDir)) {
    const target = path.join(next, path.relative(srcDir, file));
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
  // `llano --version` and `--help` are answered from these files without loading the CLI (src/cli/quick-answer.ts).
  const { writeQuickAnswers } = await import(pathToFileURL(path.join(next, 'cli', 'quick-answers.js')).href);
  writeQuickAnswers(path.join(next, 'quick-answers'));
  writeFileSync(path.join(next, '.built-at'), String(startedAt));
  const old = `${distDir}.old-${process.pid}`;
  if (existsSync(distDir)) renameSync(distDir, old);
  renameSync(next, distDir);
  rmSync(old, { recursive: true, force: true });
  if (!quiet) process.stdout.write(`Compiled src/ to dist/ in ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    if (!process.argv.includes('--if-stale') || distProblem()) await buildDist();
  } catch (err) {
    process.stderr.write(`Could not compile src/ to dist/: ${err instanceof Error ? err.message : err}\n`);
    process.exitCode = 1;
  }
}
