import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

/** A Llano file as it is here: TypeScript when run from the sources, compiled JavaScript in dist/. */
const llanoFile = (relative: string): string => {
  const ts = fileURLToPath(new URL(`${relative}.ts`, import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL(`${relative}.js`, import.meta.url));
};

/**
 * Modules of Llano that code imports by name: `llano/arrow`, the Arrow path of TypeScript recipes
 * (ts-recipe-arrow.ts). A name rather than a path, so that the code reads the same wherever Llano
 * is installed; a module of its own, so that apache-arrow is bundled only into code that asks for it.
 */
const MODULES: Record<string, string> = {
  'llano/arrow': '../recipes/code/ts-recipe-arrow',
};

/**
 * Packages of Llano's own that code may import by name, resolved from Llano's folder (the code's
 * folder, in the workspace, has no node_modules): apache-arrow, which the Arrow path hands out.
 */
const SHARED_PACKAGES = /^apache-arrow(\/.*)?$/;
const HERE = fileURLToPath(new URL('.', import.meta.url));
/** Marks the resolution this plugin asks esbuild for, which must not come back to it. */
const FROM_LLANO = Symbol('resolved from Llano');

/** An esbuild plugin resolving MODULES' names to their files, and SHARED_PACKAGES from Llano's folder. */
export function llanoModules(): Plugin {
  return {
    name: 'llano-modules',
    setup(build) {
      build.onResolve({ filter: SHARED_PACKAGES }, (args) =>
        args.pluginData === FROM_LLANO
          ? undefined
          : build.resolve(args.path, { kind: args.kind, resolveDir: HERE, pluginData: FROM_LLANO }),
      );
      build.onResolve({ filter: /^llano\// }, (args) => {
        const relative = MODULES[args.path];
        return relative
          ? { path: llanoFile(relative) }
          : { errors: [{ text: `No Llano module ${args.path} (there are: ${Object.keys(MODULES).join(', ')})` }] };
      });
    },
  };
}
