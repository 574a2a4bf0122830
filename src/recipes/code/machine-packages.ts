import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';

/**
 * The packages installed on the machine for an interpreter, as a short hash of their
 * `name==version` list, for the environment part of a code recipe's fingerprint: an upgraded
 * Debian package (python3-pandas, r-cran-jsonlite) then makes the recipes using that interpreter
 * stale. Python lists its distributions with importlib.metadata over its sys.path, R its
 * installed.packages() over .libPaths().
 *
 * Asking starts the interpreter (tens of ms for Python, a few hundred for R), so the answer is kept
 * per interpreter while the folders the packages live in keep their modification time: installing,
 * upgrading or removing a package adds or removes an entry in its folder (pandas-1.5.3.dist-info
 * becomes pandas-2.1.1.dist-info), which changes the folder's time. A check is then a few `stat`s.
 */
export type MachineLanguage = 'python' | 'r';

interface Listing {
  /** The folders packages are found in, whose times tell whether to ask again. */
  folders: string[];
  packages: string[];
  hash?: string;
}

// -I: the interpreter alone (no user site, no PYTHON* variables), as the sandbox runs code.
const PYTHON_LISTING = `
import sys, os, json, importlib.metadata as m
folders = sorted({p for p in sys.path if p and os.path.isdir(p)})
packages = sorted({f"{d.metadata['Name'] or '?'}=={d.version}" for d in m.distributions()})
print(json.dumps({"folders": folders, "packages": packages}))
`;
const R_LISTING = `
p <- installed.packages()
cat(.libPaths(), sep = "\\n"); cat("--\\n")
cat(paste0(p[, "Package"], "==", p[, "Version"]), sep = "\\n")
`;

function askListing(language: MachineLanguage, program: string): Promise<Listing | null> {
  const args = language === 'python' ? ['-I', '-c', PYTHON_LISTING] : ['--vanilla', '-e', R_LISTING];
  return new Promise((resolve) => {
    execFile(program, args, { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => {
      if (err) return resolve(null);
      try {
        if (language === 'python') return resolve(JSON.parse(stdout) as Listing);
        const [folders, packages] = stdout.split('--\n').map((part) => part.split('\n').filter(Boolean));
        resolve({ folders: folders ?? [], packages: [...(packages ?? [])].sort() });
      } catch {
        resolve(null);
      }
    });
  });
}

const foldersStamp = (folders: string[]) =>
  folders
    .map((f) => {
      try {
        return `${f}:${statSync(f).mtimeMs}`;
      } catch {
        return `${f}:missing`;
      }
    })
    .join('\n');

const listings = new Map<string, { stamp: string | null; listing: Promise<Listing | null> }>();

/**
 * The hash of the machine's packages for `program` (an interpreter's path), or null when it could
 * not be asked (it is asked again next time, not remembered).
 */
export async function machinePackagesHash(language: MachineLanguage, program: string): Promise<string | null> {
  const key = `${language}:${program}`;
  const known = listings.get(key);
  if (known) {
    const listing = await known.listing;
    // Asked, and the folders keep their times: nothing was installed, upgraded or removed since.
    if (listing?.hash && known.stamp === foldersStamp(listing.folders)) return listing.hash;
  }
  const asked = askListing(language, program).then((listing) => {
    // Stamped once answered (a package installed in the moment between is seen at the next change).
    const entry = listings.get(key);
    if (!listing) listings.delete(key);
    else listing.hash = createHash('sha256').update(listing.packages.join('\n')).digest('hex').slice(0, 16);
    if (listing && entry?.listing === asked) entry.stamp = foldersStamp(listing.folders);
    return listing;
  });
  listings.set(key, { stamp: null, listing: asked });
  return (await asked)?.hash ?? null;
}
