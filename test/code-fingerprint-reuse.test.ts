import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bootstrapWorkspace } from '../src/app/start-workspace.js';
import { LOCAL_ADMIN } from '../src/catalog/access.js';
import { loadConfig } from '../src/common/config.js';
import { importDataset } from '../src/datasets/import.js';
import { startBuild } from '../src/flow/build.js';
import { saveRecipe } from '../src/flow/recipes-service.js';
import { Workspace } from '../src/workspace/workspace.js';

/** Every program this process starts (the real one starts: the calls are only listed on the way). */
const started = vi.hoisted(() => [] as { file: string; args: readonly string[] }[]);
vi.mock('node:child_process', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:child_process')>();
  const { promisify } = await import('node:util');
  type Start = (...args: unknown[]) => unknown;
  const listed = (start: Start): Start =>
    Object.assign(
      (...args: unknown[]) => {
        started.push({ file: String(args[0]), args: Array.isArray(args[1]) ? (args[1] as string[]) : [] });
        return start(...args);
      },
      // promisify(execFile) answers { stdout, stderr } through this, as it does for the real one.
      promisify.custom in start
        ? { [promisify.custom]: listed((start as unknown as Record<symbol, Start>)[promisify.custom]) }
        : {},
    );
  return { ...real, execFile: listed(real.execFile as Start), spawn: listed(real.spawn as Start) };
});

/** The code texts tokenised (to read their imports), each time. */
const tokenised = vi.hoisted(() => [] as string[]);
vi.mock('../src/recipes/code/code-tokens.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/recipes/code/code-tokens.js')>();
  return {
    ...real,
    tokenize: (code: string, language: Parameters<typeof real.tokenize>[1]) => {
      tokenised.push(code);
      return real.tokenize(code, language);
    },
  };
});

const PYTHON = '/usr/bin/python3';
/**
 * Starts that ask the interpreter about itself (its version, its packages) rather than run code:
 * Python with `-c`; R with an expression naming its version or packages (the sandbox asks R its
 * folders once too, as `Rscript -e`, for its confinement: not counted here).
 */
const questions = (language: 'python' | 'r') =>
  started.filter((s) =>
    language === 'python'
      ? s.file === PYTHON && s.args.includes('-c')
      : s.file === 'Rscript' && s.args.some((a) => /R\.version|installed\.packages/.test(a)),
  );

const RECIPES = {
  python:
    'def run(inputs, output, variables, log):\n    for r in inputs["raw"]:\n        output.write({"id": r["id"] * 2})\n',
  r: 'run <- function(inputs, output, variables, log) {\n  output$write(data.frame(id = inputs$raw$id * 2))\n}\n',
};

describe('a cold build of a code recipe takes its fingerprint once: the interpreter asked once, the imports read once', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'llano-fingerprint-reuse-'));
  let ws: Workspace;

  beforeAll(async () => {
    ws = await Workspace.open(loadConfig({ home, python: PYTHON, adminPassword: 'admin-password-for-tests' }, {}));
    await bootstrapWorkspace(ws);
    const csv = path.join(home, 'raw.csv');
    writeFileSync(csv, 'id\n1\n2\n');
    // A project a language: a build in `required` mode judges every recipe of its project.
    for (const [language, code] of Object.entries(RECIPES)) {
      const key = `COLD_${language.toUpperCase()}`;
      await ws.catalog.projects.create(LOCAL_ADMIN, { key });
      await importDataset(ws, LOCAL_ADMIN, key, 'raw', { filePath: csv, fileName: 'raw.csv' });
      await saveRecipe(ws, LOCAL_ADMIN, key, { name: 'twice', type: language, inputs: ['raw'], output: 'out', code });
    }
  });
  afterAll(async () => {
    await ws?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it.each(['python', 'r'] as const)(
    '%s: the staleness re-check, the signature before the run, the run and the signature after it share one question and one reading',
    async (language) => {
      started.length = 0;
      tokenised.length = 0;
      const build = await startBuild(ws, LOCAL_ADMIN, `COLD_${language.toUpperCase()}`, {
        targets: ['out'],
        mode: 'required',
      });
      const job = await build.done;
      expect(job.status, JSON.stringify(job)).toBe('succeeded');
      expect(questions(language)).toHaveLength(1);
      // The recipe's imports are read once by the plan, and once by the activity (a job may wait
      // behind another while a library changes: the activity judges again), whose run writes and
      // signs the library files the signature before it took.
      expect(tokenised.filter((code) => code === RECIPES[language])).toHaveLength(2);
    },
  );
});
