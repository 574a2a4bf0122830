import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { realpathOr } from '../../common/real-path.js';

/**
 * What the environment part of a code recipe's fingerprint needs to know of a Python or R
 * interpreter, asked in one start of it: its version, and the packages installed on the machine
 * for it as a short hash of their `name==version` list (an upgraded Debian package, python3-pandas
 * or r-cran-jsonlite, then makes the recipes using that interpreter stale). Python lists its
 * distributions with importlib.metadata over its sys.path, R its installed.packages() over
 * .libPaths().
 *
 * Starting the interpreter costs tens of ms for Python, a few hundred for R, so the answer is kept
 * per interpreter while the folders the packages live in keep their modification time and the
 * interpreter's file (links followed) its size and time: installing, upgrading or removing a
 * package adds or removes an entry in its folder (pandas-1.5.3.dist-info becomes
 * pandas-2.1.1.dist-info), which changes the folder's time, and an interpreter upgraded in place is
 * a new file. A check is then a few `stat`s. The version, not the file's time, is what the
 * fingerprint signs: servers sharing a workspace agree on it.
 */
export type MachineLanguage = 'python' | 'r';

export interface InterpreterFacts {
  /** `3.11.2`, `4.2.2`; null when the interpreter could not be started. */
  version: string | null;
  /** The hash of the machine's packages for it; null when they could not be listed. */
  machinePackages: string | null;
}

interface Probe {
  version: string | null;
  /** The folders packages are found in, whose times tell whether to ask again. */
  folders: string[];
  /** Null when the listing failed (the version may still be known). */
  packages: string[] | null;
}

// The version first, as `findInterpreter` says it (sys.version's first word; R's major.minor),
// then the listing, which may fail alone.
const PYTHON_PROBE = `
import sys, os, json
answer = {"version": sys.version.split()[0], "folders": [], "packages": None}
try:
    import importlib.metadata as m
    answer["folders"] = sorted({p for p in sys.path if p and os.path.isdir(p)})
    answer["packages"] = sorted({f"{d.metadata['Name'] or '?'}=={d.version}" for d in m.distributions()})
except Exception:
    pass
print(json.dumps(answer))
`;
const R_PROBE = `
cat(paste(R.version$major, R.version$minor, sep = "."), "\\n", sep = "")
tryCatch({
  p <- installed.packages()
  cat(.libPaths(), sep = "\\n"); cat("--\\n")
  cat(paste0(p[, "Package"], "==", p[, "Version"]), sep = "\\n")
}, error = function(e) NULL)
`;

function parseR(stdout: string): Probe {
  const [version, ...rest] = stdout.split('\n');
  const listing = rest.join('\n');
  if (!listing.includes('--\n')) return { version: version || null, folders: [], packages: null };
  const [folders, packages] = listing.split('--\n').map((part) => part.split('\n').filter(Boolean));
  return { version: version || null, folders: folders ?? [], packages: [...(packages ?? [])].sort() };
}

// -I: the interpreter alone (no user site, no PYTHON* variables), as the sandbox runs code.
function ask(language: MachineLanguage, program: string): Promise<Probe | null> {
  const args = language === 'python' ? ['-I', '-c', PYTHON_PROBE] : ['--vanilla', '-e', R_PROBE];
  return new Promise((resolve) => {
    execFile(program, args, { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => {
      if (err) return resolve(null);
      try {
        resolve(language === 'python' ? (JSON.parse(stdout) as Probe) : parseR(stdout));
      } catch {
        resolve(null);
      }
    });
  });
}

const statStamp = (file: string) => {
  try {
    const st = statSync(file);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return 'missing';
  }
};

function onPath(name: string): string | null {
  for (const folder of (process.env.PATH ?? '').split(':'))
    if (folder && existsSync(path.join(folder, name))) return path.join(folder, name);
  return null;
}

/** The interpreter's file and the package folders, as they are now. */
function stampOf(program: string, folders: string[]): string {
  const file = program.includes('/') ? program : (onPath(program) ?? program);
  return [`${file}:${statStamp(realpathOr(file))}`, ...folders.map((f) => `${f}:${statStamp(f)}`)].join('\n');
}

const hashOf = (packages: string[]) => createHash('sha256').update(packages.join('\n')).digest('hex').slice(0, 16);

const probes = new Map<
  string,
  { stamp: string | null; facts: Promise<{ facts: InterpreterFacts; folders: string[] }> }
>();

/**
 * The version and machine packages of `program` (an interpreter's path or name on the PATH). What
 * could not be asked is null, and asked again next time rather than remembered.
 */
export async function interpreterFacts(language: MachineLanguage, program: string): Promise<InterpreterFacts> {
  const key = `${language}:${program}`;
  const known = probes.get(key);
  if (known) {
    const { facts, folders } = await known.facts;
    // Answered, and nothing was installed, upgraded or removed since (nor the interpreter replaced).
    if (known.stamp !== null && known.stamp === stampOf(program, folders)) return facts;
  }
  const asked = ask(language, program).then((probe) => {
    const facts = {
      version: probe?.version ?? null,
      machinePackages: probe?.packages ? hashOf(probe.packages) : null,
    };
    const folders = probe?.folders ?? [];
    const entry = probes.get(key);
    // Stamped once answered (a package installed in the moment between is seen at the next change).
    if (entry?.facts === asked) {
      if (facts.version && facts.machinePackages) entry.stamp = stampOf(program, folders);
      else probes.delete(key);
    }
    return { facts, folders };
  });
  probes.set(key, { stamp: null, facts: asked });
  return (await asked).facts;
}
