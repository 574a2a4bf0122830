import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleConfinedTo } from './bundle-confinement.js';
import { llanoModules } from './llano-modules.js';
import { bundleCache } from './typescript-bundle-cache.js';
import { SandboxError } from './types.js';

/** The child side, as TypeScript here or compiled JavaScript in dist/ (bin/build.js). */
const HARNESS = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? './harness/node-harness.ts' : './harness/node-harness.js', import.meta.url),
);

/**
 * Starts esbuild's service (a child process: 0.4 s on its first use on a loaded machine) while the
 * caller prepares the run, so that the first bundle does not wait for it.
 */
export function startBundler(): void {
  void import('esbuild').then((esbuild) => esbuild.transform('')).catch(() => undefined);
}

/**
 * Bundles the harness and the user's module (with its relative imports and the project's
 * library folders) into one ES module inside the work folder — the only file the permission-
 * restricted child then reads. A compile error becomes a SandboxError naming file and line.
 */
export async function bundleTypeScript(
  entry: string,
  workDir: string,
  libraryPaths: string[] = [],
  readPaths: string[] = [],
): Promise<string> {
  const source = [
    `import { serve } from ${JSON.stringify(HARNESS)};`,
    `serve(() => import(${JSON.stringify(path.resolve(entry))}));`,
  ].join('\n');
  const dir = path.join(workDir, '.llano-code');
  // Named before the build so that the source map's paths are relative to where the bundle is.
  const file = path.join(dir, `bundle-${randomBytes(8).toString('hex')}.mjs`);
  // The bundle depends on the files it was built from and on where they are relative to it.
  // The read paths too: what the code may import depends on them (see the confinement below).
  const layout = [entry, HARNESS, ...libraryPaths, '--reads', ...readPaths].map((p) =>
    p === '--reads' ? p : path.relative(dir, path.resolve(p)),
  );
  const cached = bundleCache.find(workDir, layout, libraryPaths);
  if (cached) return writeBundle(file, cached);
  const { build } = await import('esbuild');
  let code: Uint8Array;
  try {
    const built = await build({
      stdin: { contents: source, resolveDir: path.dirname(path.resolve(entry)), loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      outfile: file,
      // Paths in the bundle's comments relative to the work folder: the same bundle for any folder.
      absWorkingDir: path.resolve(workDir),
      metafile: true,
      logLevel: 'silent',
      // Stack traces name the user's file and line (the child runs with --enable-source-maps). Without
      // the sources' text, which stack traces do not use, the bundle is half the size and loads faster.
      sourcemap: 'inline',
      sourcesContent: false,
      nodePaths: libraryPaths,
      // The server bundles, and may read far more than the code's process: an import of any other
      // file (a `.json` or `.txt` anywhere the server can read) would put its content in the bundle.
      plugins: [
        llanoModules(),
        bundleConfinedTo(
          [path.resolve(entry), workDir, ...libraryPaths, ...readPaths],
          "the code's folder, its read paths and the project's libraries",
        ),
      ],
      // Packages the code imports by name come from the server's node_modules, read at bundle
      // time: the child may read nothing outside its work folder.
      banner: {
        js: "import { createRequire as __llanoRequire } from 'node:module'; const require = __llanoRequire(import.meta.url);",
      },
    });
    code = built.outputFiles[0].contents;
    bundleCache.add(workDir, layout, libraryPaths, Object.keys(built.metafile.inputs), code);
  } catch (err) {
    const errors = (err as { errors?: { text: string; location?: { file: string; line: number; column: number } }[] })
      .errors;
    const first = errors?.[0];
    const where = first?.location
      ? `${path.basename(first.location.file)}:${first.location.line}:${first.location.column}: `
      : '';
    const message = first ? `${where}${first.text}` : (err as Error).message;
    throw new SandboxError('error', `The code does not compile: ${message}`, (err as Error).message);
  }
  return writeBundle(file, code);
}

function writeBundle(file: string, code: Uint8Array): string {
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, code);
  renameSync(partial, file);
  return file;
}
