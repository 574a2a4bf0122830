import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleConfinedTo } from '../sandbox/index.js';

/**
 * What a TypeScript cell's `import … from "./lib/bands.ts"` (a relative path: a project library, a
 * file in the notebook's folder) loads: Node 20 cannot run TypeScript, so the file and what it
 * imports are bundled by esbuild into a module in the notebook's folder (`.llano-code/`, which the
 * kernel may read), named by its content: a changed library is a new module, imported afresh by
 * the next cell that imports it. Answers the module's file URL; a file that does not compile or is
 * not there throws esbuild's message.
 */
export async function bundleCellImport(specifier: string, workDir: string, libraryPaths: string[]): Promise<string> {
  const { build } = await import('esbuild');
  const entry = path.resolve(workDir, specifier);
  let code: Uint8Array;
  try {
    const built = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      absWorkingDir: path.resolve(workDir),
      logLevel: 'silent',
      nodePaths: libraryPaths,
      plugins: [bundleConfinedTo([workDir, ...libraryPaths], "the notebook's folder and the project's libraries")],
      banner: {
        js: "import { createRequire as __llanoRequire } from 'node:module'; const require = __llanoRequire(import.meta.url);",
      },
    });
    code = built.outputFiles[0].contents;
  } catch (error) {
    const first = (error as { errors?: { text: string }[] }).errors?.[0]?.text;
    throw new Error(`Cannot import ${specifier}: ${first ?? (error as Error).message}`, { cause: error });
  }
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const file = path.join(workDir, '.llano-code', `import-${hash}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, code);
    renameSync(partial, file);
  }
  return pathToFileURL(file).href;
}
