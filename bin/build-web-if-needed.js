#!/usr/bin/env node
// Builds the web UI (web/dist) only when it is missing or older than its sources, so that
// `npm start` on a fresh checkout serves the UI without rebuilding it every time.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const webDir = path.join(root, 'web');

function newestMtime(p) {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p))
    if (entry !== 'node_modules' && entry !== 'dist') newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

const IMPORT = /(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g;

/** Files under `dir` (recursively) with a script extension. */
function scriptsUnder(dir) {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f) && !f.includes('node_modules'))
    .map((f) => path.join(dir, f));
}

/**
 * The server's files the UI's code imports (chart options, shared types…), followed from import to
 * import: a change to one of them changes the UI too.
 */
function sharedSources() {
  const src = path.join(root, 'src') + path.sep;
  const seen = new Set();
  const queue = scriptsUnder(path.join(webDir, 'src'));
  while (queue.length) {
    const file = queue.pop();
    let text;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const [, spec] of text.matchAll(IMPORT)) {
      const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
      if (!target.startsWith(src) || seen.has(target)) continue;
      seen.add(target);
      queue.push(target);
    }
  }
  return [...seen].filter(existsSync);
}

/** True when web/dist is missing, a development build (see web/vite.config.ts) or older than a source file of the UI. */
export function webBuildIsStale() {
  const index = path.join(webDir, 'dist', 'index.html');
  if (!existsSync(index)) return true;
  const mode = path.join(webDir, 'dist', 'build-mode.txt');
  if (!existsSync(mode) || readFileSync(mode, 'utf8').trim() !== 'production') return true;
  const sources = ['src', 'index.html', 'vite.config.ts', 'tsconfig.json']
    .map((f) => path.join(webDir, f))
    .filter(existsSync);
  const built = statSync(index).mtimeMs;
  return Math.max(...sources.map(newestMtime)) > built || sharedSources().some((f) => statSync(f).mtimeMs > built);
}

// Test files run in parallel and each may ask for a build: one builds, the others wait for it.
const LOCK = path.join(
  tmpdir(),
  `llano-web-build-${createHash('sha256').update(root).digest('hex').slice(0, 12)}.lock`,
);
const LOCK_STALE_MS = 5 * 60_000;

async function withBuildLock(fn) {
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // A lock left by a killed build is taken over.
      const age = Date.now() - statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs;
      if (age > LOCK_STALE_MS) rmSync(LOCK, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Builds with Vite's API when stale; returns whether it built. */
export async function buildWebIfStale({ quiet = false } = {}) {
  if (!webBuildIsStale()) return false;
  return withBuildLock(async () => {
    if (!webBuildIsStale()) return false;
    if (!quiet) process.stdout.write('Building the web UI (web/dist)…\n');
    const { build } = await import('vite');
    // Vite takes NODE_ENV over its mode: a build asked for by the test runner (NODE_ENV=test)
    // shipped React's development build (StrictMode effects run twice, every request doubled), so
    // browser tests checked another UI than users get. The build is always the production one.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ configFile: path.join(webDir, 'vite.config.ts'), logLevel: quiet ? 'warn' : 'info' });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    return true;
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    await buildWebIfStale();
  } catch (err) {
    process.stderr.write(`Could not build the web UI: ${err instanceof Error ? err.message : err}\n`);
    process.exitCode = 1;
  }
}
