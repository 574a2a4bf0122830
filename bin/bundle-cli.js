// Bundles the `llano` command (src/cli/main.ts and everything it imports, at once or on demand)
// into a few ES modules under dist/cli-bundle/, next to the per-file compilation of src/ that
// bin/build.js writes. A local command loads ~460 Llano modules and, of the libraries, kysely
// (~260 files) and zod (~120): one file per module costs a resolution, a read and a compile each,
// more than the code itself. Code loaded by `import()` stays in chunks of its own, so a command
// still loads only what it uses (`llano analytics …` never loads the engine).
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Libraries bundled in: plain ES modules of many files. The others (native, CommonJS, big) stay in node_modules. */
const BUNDLED_PACKAGES = new Set(['kysely', 'zod']);

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
const packageName = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Every library but BUNDLED_PACKAGES is imported from node_modules at run time. */
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      BUNDLED_PACKAGES.has(packageName(args.path)) ? undefined : { path: args.path, external: true },
    );
  },
};

/**
 * In a bundle every module shares the bundle file's `import.meta.url`. Code that finds files
 * next to itself (the sandbox's harness, worker scripts, package.json, web/dist) needs its own:
 * each module that reads `import.meta.url` gets the URL of its per-file compiled twin in dist/
 * (which bin/build.js writes beside the bundle, with those files), so every such path resolves
 * as it does unbundled. Replaced in the syntax tree (esbuild's `define`), never inside a string.
 */
function twinImportMetaUrl(srcDir, distDir, bundleDir) {
  return {
    name: 'twin-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        const source = readFileSync(args.path, 'utf8');
        // Would silently name the bundle's folder: refused rather than mapped.
        if (/import\.meta\.(dirname|filename)\b/.test(source))
          throw new Error(
            `${args.path}: use import.meta.url (the CLI bundle maps it), not import.meta.dirname or filename`,
          );
        if (!source.includes('import.meta.url')) return undefined;
        const twin = path.join(distDir, path.relative(srcDir, args.path)).replace(/\.ts$/, '.js');
        const fromBundle = path.relative(bundleDir, twin).split(path.sep).join('/');
        const { code } = await build.esbuild.transform(source, {
          loader: 'ts',
          format: 'esm',
          define: { 'import.meta.url': '__twinImportMetaUrl' },
          sourcemap: 'inline',
          sourcefile: args.path,
        });
        // On the first line (the inline map keeps every other line where it was).
        return {
          contents: `const __twinImportMetaUrl = new URL(${JSON.stringify(fromBundle)}, import.meta.url).href; ${code}`,
          loader: 'js',
          resolveDir: path.dirname(args.path),
        };
      });
    },
  };
}

/**
 * Writes `bundleDir/main.js` (exports `runCli`) and its chunks. `distDir` is where the per-file
 * compilation lies when the bundle runs (the twin paths are relative, so dist/ may move whole).
 */
export async function bundleCli({ srcDir, distDir, bundleDir }) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: { main: path.join(srcDir, 'cli', 'main.ts') },
    bundle: true,
    splitting: true,
    outdir: bundleDir,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [externalPackages, twinImportMetaUrl(srcDir, distDir, bundleDir)],
    // As the per-file compilation: stack traces point at src/*.ts.
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
  });
}
