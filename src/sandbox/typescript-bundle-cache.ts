import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Bundles of TypeScript code already built, so that a recipe run again (or any run of the same
 * code) does not wait for esbuild: a third or more of a TypeScript recipe's start. A bundle is
 * reused only when every file it was built from is unchanged and its library folders hold the
 * same files (a file added there could change what an import resolves to). Files in the work
 * folder are written anew for each run, so they are compared by content; the others (the
 * harness, packages of node_modules) by size and modification time. Kept in this process's
 * memory: nothing to invalidate on disk, nothing the code's process could write to.
 */

interface Cached {
  /** Where the entry, harness and libraries are relative to the bundle (the bundle's source map depends on it). */
  layout: string;
  /** Input file, relative to the work folder → its fingerprint. */
  inputs: [string, string][];
  /** The library folders' files and their content hashes. */
  libraries: string;
  code: Uint8Array;
}

/** At most this many bundles, and this many bytes of them: the least recently used go first. */
const MAX_BUNDLES = 64;
const MAX_BYTES = 64 << 20;

const hashOf = (bytes: Uint8Array | string) => createHash('sha1').update(bytes).digest('hex');

/** A file's fingerprint: its content's hash inside the work folder, else its size and modification time. */
function fingerprint(workDir: string, relative: string): string {
  const file = path.resolve(workDir, relative);
  try {
    if (!path.relative(workDir, file).startsWith('..')) return hashOf(readFileSync(file));
    const stat = statSync(file);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/** Every file under the library folders (relative to the work folder) with its content hash. */
function libraryListing(workDir: string, libraryPaths: string[]): string {
  const entries: string[] = [];
  for (const folder of libraryPaths) {
    let names: string[];
    try {
      names = readdirSync(folder, { recursive: true, encoding: 'utf8' });
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const file = path.join(folder, name);
      try {
        if (statSync(file).isFile()) entries.push(`${path.relative(workDir, file)}=${hashOf(readFileSync(file))}`);
      } catch {
        // Removed meanwhile: not part of the listing.
      }
    }
  }
  return entries.join('\n');
}

export class BundleCache {
  private readonly bundles: Cached[] = [];
  hits = 0;
  misses = 0;

  /** The code of a bundle built from the same files, laid out the same way, or undefined. */
  find(workDir: string, layout: string[], libraryPaths: string[]): Uint8Array | undefined {
    const key = layout.join('\n');
    const candidates = this.bundles.filter((b) => b.layout === key);
    if (candidates.length > 0) {
      const dir = path.resolve(workDir);
      const libraries = libraryListing(dir, libraryPaths);
      const seen = new Map<string, string>();
      const same = ([file, print]: [string, string]) => {
        if (!seen.has(file)) seen.set(file, fingerprint(dir, file));
        return seen.get(file) === print;
      };
      const found = candidates.find((b) => b.libraries === libraries && b.inputs.every(same));
      if (found) {
        this.hits++;
        // Most recently used last.
        this.bundles.splice(this.bundles.indexOf(found), 1);
        this.bundles.push(found);
        return found.code;
      }
    }
    this.misses++;
    return undefined;
  }

  /** Keeps a bundle just built from `inputs` (esbuild's metafile keys, relative to the work folder). */
  add(workDir: string, layout: string[], libraryPaths: string[], inputs: string[], code: Uint8Array): void {
    const dir = path.resolve(workDir);
    this.bundles.push({
      layout: layout.join('\n'),
      // `<stdin>` is the two lines naming the harness and the entry: the layout covers it.
      inputs: inputs.filter((f) => f !== '<stdin>').map((f) => [f, fingerprint(dir, f)]),
      libraries: libraryListing(dir, libraryPaths),
      code,
    });
    let bytes = this.bundles.reduce((sum, b) => sum + b.code.length, 0);
    while (this.bundles.length > MAX_BUNDLES || (bytes > MAX_BYTES && this.bundles.length > 1))
      bytes -= this.bundles.shift()?.code.length ?? 0;
  }

  clear(): void {
    this.bundles.length = 0;
  }
}

/** The process's bundles (see BundleCache). */
export const bundleCache = new BundleCache();
