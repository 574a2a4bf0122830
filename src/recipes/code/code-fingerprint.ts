import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { realpathOr } from '../../common/real-path.js';
import { findInterpreter, interpreterPath } from '../../sandbox/index.js';
import type { Workspace } from '../../workspace/workspace.js';
import {
  packagesRequest,
  recipeEnvironment,
  type CodeEnvironment,
  type CodeRecipeLanguage,
} from './code-environments.js';
import { languageOf, projectLibraries, type LibraryFile } from './code-libraries.js';
import { currentPackagesState, packagesHash } from './package-builds.js';

/**
 * What decides a code recipe's output besides its settings and inputs, each part a short hash
 * that goes into the recipe's signature (so a change makes its output stale, like changed SQL):
 * - `libraries`: the project's library files of the recipe's language, names and contents (only
 *   those are written into the run's `lib/`, so no other file can change what it computes);
 * - `environment`: the interpreter (its path and version), and for a venv or R library what it is
 *   built from and when it was last built.
 * Not in it: the recipe's limits (they stop a run, never change its rows: `recipeSignature` leaves
 * them out too), the environment's
 * `packages` (names whose versions are only recorded), and packages of the machine itself
 * (asking their versions would start the interpreter at every staleness check).
 */
export type CodeFingerprint = { libraries: string; environment: string };

/** Look-ups shared by the fingerprints of many recipes judged at once (a flow's): the libraries are read once. */
export type FingerprintMemo = Map<string, Promise<unknown>>;

const shortHash = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

/** The library files code of `language` can import (TypeScript: .ts, .js, .mjs; Python: .py; R: .R). */
export const languageLibraries = (files: LibraryFile[], language: CodeRecipeLanguage): LibraryFile[] =>
  files.filter((f) => languageOf(f.name) === language);

export const librariesFingerprint = (files: LibraryFile[]): string =>
  shortHash([...files].sort((a, b) => (a.name < b.name ? -1 : 1)).map((f) => [f.name, f.content]));

/**
 * An interpreter's version, asked once per file: the answer is kept while the file (links
 * followed) keeps its size and time, so an upgrade in place is asked again. The version, not
 * the file's time, is what the fingerprint signs: servers sharing a workspace agree on it.
 */
const versions = new Map<string, { stamp: string; version: Promise<string | null> }>();

function interpreterVersion(language: CodeRecipeLanguage, program: string): Promise<string | null> {
  // This Node runs TypeScript code: its version is known without a process.
  if (language === 'typescript') return Promise.resolve(process.version);
  const found = program.includes('/') ? program : onPath(program);
  let stamp = 'missing';
  try {
    const st = statSync(realpathOr(found ?? program));
    stamp = `${st.size}:${st.mtimeMs}`;
  } catch {
    // Not there: asked every time (the run then fails and names it).
  }
  const known = versions.get(program);
  if (known && known.stamp === stamp && stamp !== 'missing') return known.version;
  const version = findInterpreter(language, language === 'python' ? program : undefined).then((i) => {
    // No answer (it timed out, say): asked again next time rather than remembered.
    if (i.version === null) versions.delete(program);
    return i.version;
  });
  versions.set(program, { stamp, version });
  return version;
}

function onPath(name: string): string | null {
  for (const folder of (process.env.PATH ?? '').split(':'))
    if (folder && existsSync(path.join(folder, name))) return path.join(folder, name);
  return null;
}

/** The environment part of the fingerprint (see `CodeFingerprint`). A build of its packages is never started. */
export async function environmentFingerprint(ws: Workspace, projectKey: string, env: CodeEnvironment): Promise<string> {
  const language = env.language;
  const program =
    language === 'python' ? interpreterPath('python', env.interpreter ?? ws.config.python) : interpreterPath(language);
  const request = packagesRequest(projectKey, env);
  const state = request ? currentPackagesState(ws, request) : null;
  return shortHash({
    language,
    interpreter: program,
    version: await interpreterVersion(language, program),
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

/** The fingerprint of a code recipe as things stand now (what its next run would use). */
export async function codeRecipeFingerprint(
  ws: Workspace,
  projectKey: string,
  recipe: { environment?: string },
  language: CodeRecipeLanguage,
  memo: FingerprintMemo = new Map(),
): Promise<CodeFingerprint> {
  const files = memoized(memo, `libraries:${projectKey}`, async () => (await projectLibraries(ws, projectKey)).files);
  // Hashed once per language for the whole flow, not once per recipe.
  const libraries = await memoized(memo, `libraries:${projectKey}:${language}`, async () =>
    librariesFingerprint(languageLibraries(await files, language)),
  );
  const environment = await memoized(memo, `environment:${projectKey}:${language}:${recipe.environment ?? ''}`, () =>
    recipeEnvironment(ws, projectKey, language, recipe.environment).then(
      (env) => environmentFingerprint(ws, projectKey, env),
      // An environment deleted (or of another language): the run fails and names it; judged changed meanwhile.
      () => `unavailable: ${recipe.environment}`,
    ),
  );
  return { libraries, environment };
}
