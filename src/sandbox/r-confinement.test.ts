import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LlanoError } from '../common/errors.js';
import { rConfinementMode } from './r-confinement.js';
import { runInSandbox } from './sandbox.js';

const root = mkdtempSync(path.join(tmpdir(), 'llano-r-confinement-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const limits = { memoryMb: 400, wallSeconds: 60, cpuSeconds: 60 };
const LAUNCHER = fileURLToPath(new URL('./harness/llano_landlock.py', import.meta.url));

/** Runs `f` of an R file in a fresh work folder; `readPaths` as a code recipe's inputs. */
async function runR(code: string, readPaths: string[] = []): Promise<unknown> {
  const workDir = mkdtempSync(path.join(root, 'run-'));
  writeFileSync(path.join(workDir, 'code.R'), code);
  return runInSandbox({ language: 'r', entry: path.join(workDir, 'code.R'), workDir, readPaths, limits }, 'f', []);
}

describe('R code confined by Landlock', () => {
  it('reads and writes its folder and the folders it is given, with the packages Rscript attaches', async () => {
    const given = path.join(root, 'given');
    mkdirSync(given, { recursive: true });
    writeFileSync(path.join(given, 'in.csv'), 'a,b\n1,2\n3,4\n');
    const value = await runR(
      `f <- function(llano) {
  d <- read.csv(${JSON.stringify(path.join(given, 'in.csv'))})
  writeLines("kept", "out.txt")
  list(rows = nrow(d), variance = var(d$a), listed = list.files(${JSON.stringify(given)}), back = readLines("out.txt"),
       tmp = startsWith(tempdir(), getwd()), search = search()[2:7])
}`,
      [given],
    );
    expect(value).toEqual({
      rows: 2,
      variance: 2,
      listed: 'in.csv',
      back: 'kept',
      tmp: true,
      search: [
        'package:jsonlite',
        'package:stats',
        'package:graphics',
        'package:grDevices',
        'package:utils',
        'package:datasets',
      ],
    });
  }, 60_000);

  it('is refused by the kernel what R-level guards do not see: files outside, and programs, even bypassing R', async () => {
    const outside = path.join(root, 'outside.txt');
    const value = await runR(`f <- function(llano) {
  created <- suppressWarnings(file.create(${JSON.stringify(outside)}))
  # The shell itself through R's internal entry point, past the harness's replacement of system().
  status <- suppressWarnings(.Internal(system(${JSON.stringify(`echo x > ${outside}`)}, FALSE, 0)))
  list(created = created, status = status)
}`);
    expect(value).toEqual({ created: false, status: 127 });
    expect(existsSync(outside)).toBe(false);
  }, 60_000);

  it('the launcher runs no program it was not given', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const rules = JSON.stringify({ read: ['/usr', '/lib', '/etc'], write: [root], execute: [] });
      execFile('/usr/bin/python3', ['-I', '-S', LAUNCHER, rules, '/bin/true'], (err, _out, stderr) =>
        resolve({ code: err ? (err.code as number) : 0, stderr }),
      );
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/cannot run \/bin\/true: Permission denied/);
  });

  it('refuses R code where the kernel has no Landlock unless LLANO_R_UNCONFINED allows it', () => {
    expect(rConfinementMode(7, false)).toBe('confined');
    expect(rConfinementMode(1, true)).toBe('confined');
    expect(rConfinementMode(0, true)).toBe('unconfined');
    let error: unknown;
    try {
      rConfinementMode(0, false);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(LlanoError);
    expect((error as LlanoError).code).toBe('r_not_confinable');
    expect((error as LlanoError).message).toMatch(/no Landlock.*LLANO_R_UNCONFINED=1/s);
  });
});
