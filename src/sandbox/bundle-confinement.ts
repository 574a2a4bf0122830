import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { insideAny, realpathOr } from '../common/real-path.js';

/** Llano's own code (src/ or dist/): the harnesses and kernels that entries import. */
const LLANO_CODE = fileURLToPath(new URL('../', import.meta.url));

/** The node_modules folders Node would look in from Llano's code: packages that code imports by name. */
function serverPackages(): string[] {
  const folders: string[] = [];
  for (let dir = path.dirname(LLANO_CODE); ; dir = path.dirname(dir)) {
    folders.push(path.join(dir, 'node_modules'));
    if (path.dirname(dir) === dir) return folders;
  }
}

/**
 * An esbuild plugin that loads only files inside `folders`, Llano's code and the server's packages.
 * Code is bundled by the server, which may read far more than the code's process: without it an
 * `import data from '/home/…/catalog.json'` put any file the server can read into the bundle.
 * `where` names the allowed places in the error ("the recipe's folder and the project's libraries").
 */
export function bundleConfinedTo(folders: string[], where: string): Plugin {
  const allowed = [...folders, LLANO_CODE, ...serverPackages()].map(realpathOr);
  return {
    name: 'llano-bundle-confinement',
    setup(build) {
      build.onLoad({ filter: /.*/ }, (args) =>
        args.namespace !== 'file' || insideAny(realpathOr(args.path), allowed)
          ? undefined
          : { errors: [{ text: `${args.path} is outside ${where}: code may import only files there` }] },
      );
    },
  };
}
