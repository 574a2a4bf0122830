import type { FingerprintMemo, FingerprintNames } from '../recipe-type.js';
import { createHash } from 'node:crypto';
import { interpreterPath } from '../../sandbox/index.js';
import type { Workspace } from '../../workspace/workspace.js';
import {
  packagesRequest,
  recipeEnvironment,
  type CodeEnvironment,
  type CodeRecipeLanguage,
} from './code-environments.js';
import { projectLibraries, type LibraryFile } from './code-libraries.js';
import { importedLibraryNames, libraryGraph } from './library-imports.js';
import { interpreterFacts } from './interpreter-probe.js';
import { currentPackagesState, packagesHash, type PackagesState } from './package-builds.js';

/**
 * What decides a code recipe's output besides its settings and inputs, each part a short hash
 * that goes into the recipe's signature (so a change makes its output stale, like changed SQL):
 * - `library <name>`: one per project library file the recipe imports, directly or through another
 *   library file (library-imports.ts; every file of its language when an import cannot be read
 *   without running the code). Only those are written into the run's `lib/`, so no other file can
 *   change what it computes; a part per file lets staleness name the file that changed;
 * - `environment`: the interpreter (its path and version), the packages installed on the machine
 *   for it (their versions; interpreter-probe.ts: one start of the interpreter tells its version
 *   and them, kept while their folders keep their times), and for a venv or R library what it is
 *   built from and when it was last built.
 * Not in it: the recipe's limits (they stop a run, never change its rows: `recipeSignature` leaves
 * them out too), and the environment's `packages` (names whose versions are only recorded: the
 * machine's packages are all signed already).
 */
export type CodeFingerprint = Record<string, string>;

/** The key of a library file's part: `library bands.py`. */
const LIBRARY_PART_PREFIX = 'library ';
const ENVIRONMENT_PART = 'environment';
const isLibraryPart = (key: string) => key.startsWith(LIBRARY_PART_PREFIX);

/**
 * How stale reasons name a code fingerprint's parts: the library files that changed (`library
 * bands.py`, `libraries a.py, b.py`) before the environment. Parts without an environment, or with
 * another key (one hash of all the language's libraries, as first recorded), are an older form.
 */
export const CODE_FINGERPRINT_NAMES: FingerprintNames = {
  currentForm: (keys) =>
    keys.includes(ENVIRONMENT_PART) && keys.every((k) => k === ENVIRONMENT_PART || isLibraryPart(k)),
  describe: (changed) => {
    const libraries = changed.filter(isLibraryPart).map((k) => k.slice(LIBRARY_PART_PREFIX.length));
    if (libraries.length === 1) return `library ${libraries[0]}`;
    if (libraries.length > 1) return `libraries ${libraries.join(', ')}`;
    return ENVIRONMENT_PART;
  },
};

const shortHash = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

/** One part per library file, its content's hash. */
export const librariesParts = (files: LibraryFile[]): CodeFingerprint =>
  Object.fromEntries(files.map((f) => [`${LIBRARY_PART_PREFIX}${f.name}`, shortHash(f.content)]));

/** The environment part of the fingerprint (see `CodeFingerprint`). A build of its packages is never started. */
export async function environmentFingerprint(
  ws: Workspace,
  projectKey: string,
  env: CodeEnvironment,
  ready?: PackagesState,
): Promise<string> {
  const language = env.language;
  const program =
    language === 'python' ? interpreterPath('python', env.interpreter ?? ws.config.python) : interpreterPath(language);
  const request = packagesRequest(projectKey, env);
  const state = request ? (ready ?? currentPackagesState(ws, request)) : null;
  // This Node runs TypeScript code: its version is known without a process, and it has no machine packages.
  const facts = language === 'typescript' ? null : await interpreterFacts(language, program);
  return shortHash({
    language,
    interpreter: program,
    version: facts ? facts.version : process.version,
    // A venv and an R library see the machine's packages too (after their own).
    ...(facts ? { machinePackages: facts.machinePackages } : {}),
    // What the venv or library is built from (requirements, base interpreter, package source), and its build if any.
    ...(request
      ? // A state is current only when its hash is that of the request: no second hash then.
        { packages: state?.hash ?? packagesHash(ws, request), built: state?.status === 'ready' ? state.builtAt : null }
      : {}),
  });
}

const memoized = <T>(memo: FingerprintMemo, key: string, compute: () => Promise<T>): Promise<T> => {
  let found = memo.get(key) as Promise<T> | undefined;
  if (!found) {
    found = compute();
    memo.set(key, found);
  }
  return found;
};

/**
 * The library files `code` imports (see library-imports.ts), as listed now: the project's files
 * are listed, and each language's imports between them parsed, once per memo; a recipe's own
 * imports are read once per memo too, so that a run writes into its `lib/`, and signs after it,
 * the very files the signature taken before it signed.
 */
export function recipeLibraries(
  ws: Workspace,
  projectKey: string,
  code: string,
  language: CodeRecipeLanguage,
  memo: FingerprintMemo,
): Promise<LibraryFile[]> {
  return memoized(memo, `recipe-libraries:${projectKey}:${language}:${code}`, async () => {
    const files = memoized(memo, `libraries:${projectKey}`, async () => (await projectLibraries(ws, projectKey)).files);
    const graph = await memoized(memo, `library-graph:${projectKey}:${language}`, async () =>
      libraryGraph(await files, language),
    );
    const names = new Set(importedLibraryNames(code, language, graph));
    return (await files).filter((f) => names.has(f.name));
  });
}

/**
 * The fingerprint of a code recipe as things stand now (what its next run would use). A run passes
 * its environment and, for a venv or R library, the packages' state it made ready: the environment
 * part is then taken from them (the packages may have been built by that run), not from the memo.
 */
export async function codeRecipeFingerprint(
  ws: Workspace,
  projectKey: string,
  recipe: { environment?: string; code: string },
  language: CodeRecipeLanguage,
  memo: FingerprintMemo = new Map(),
  run?: { environment: CodeEnvironment; packages?: PackagesState },
): Promise<CodeFingerprint> {
  const libraries = librariesParts(await recipeLibraries(ws, projectKey, recipe.code, language, memo));
  const environment = run?.packages
    ? await environmentFingerprint(ws, projectKey, run.environment, run.packages)
    : await memoized(memo, `environment:${projectKey}:${language}:${recipe.environment ?? ''}`, () =>
        recipeEnvironment(ws, projectKey, language, recipe.environment).then(
          (env) => environmentFingerprint(ws, projectKey, env),
          // An environment deleted (or of another language): the run fails and names it; judged changed meanwhile.
          () => `unavailable: ${recipe.environment}`,
        ),
      );
  return { ...libraries, [ENVIRONMENT_PART]: environment };
}
