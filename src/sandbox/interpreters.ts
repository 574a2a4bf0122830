import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { CodeLanguage } from './types.js';

export interface Interpreter {
  language: CodeLanguage;
  /** The executable (a path, or a name looked up on the PATH). */
  path: string;
  /** Its version, or null when it is not installed. */
  version: string | null;
}

/**
 * The program that runs code of a language. Python: the configured one, else Debian's
 * /usr/bin/python3 (whose packages — pandas, Flask, plotly — come from apt), else python3 on the PATH.
 */
export function interpreterPath(language: CodeLanguage, configuredPython?: string): string {
  if (language === 'typescript') return process.execPath;
  if (language === 'r') return 'Rscript';
  const configured = configuredPython ?? process.env.LLANO_PYTHON;
  if (configured) return configured;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

const VERSION_ARGS: Record<CodeLanguage, string[]> = {
  typescript: ['--version'],
  python: ['-c', 'import sys; print(sys.version.split()[0])'],
  r: ['-e', 'cat(paste(R.version$major, R.version$minor, sep = "."))'],
};

/** The interpreter of a language as found on this machine (version null when missing). */
export function findInterpreter(language: CodeLanguage, configuredPython?: string): Promise<Interpreter> {
  const path = interpreterPath(language, configuredPython);
  return new Promise((resolve) => {
    execFile(path, VERSION_ARGS[language], { timeout: 10_000 }, (err, stdout) => {
      const version = err ? null : stdout.trim().replace(/^v/, '') || null;
      resolve({ language, path, version });
    });
  });
}
