import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSandbox, type CodeLanguage, type SandboxSpec } from '../src/sandbox/index.js';
import { failure } from './support/sandbox-failure.js';

/**
 * Messages between Llano and user code of any size the protocol allows: a result or a host call
 * of megabytes passes whole, one over the limit fails its call only (the process keeps serving),
 * and a garbled message stops the process, never the server (these used to throw in a stream
 * handler once a message passed 16 KB).
 */
const CODE: Record<CodeLanguage, { file: string; text: string }> = {
  typescript: {
    file: 'big.ts',
    text: `
export function big(n: number) { return 'x'.repeat(n); }
export function many(n: number) { return Array.from({ length: n }, (_, i) => ({ i, name: 'row' + i })); }
export function shout(n: number) { console.log('y'.repeat(n)); return 'done'; }
export async function echo(n: number, llano: any) {
  try { return (await llano.echo('z'.repeat(n))).length; } catch (e) { return String((e as Error).message); }
}
`,
  },
  python: {
    file: 'big.py',
    text: `
import __main__
def big(n):
    return "x" * n
def many(n):
    return [{"i": i, "name": "row" + str(i)} for i in range(n)]
def shout(n):
    print("y" * n)
    return "done"
def echo(n, llano):
    try:
        return len(llano.echo("z" * n))
    except Exception as e:
        return str(e)
def forge(text):
    print("\\x1e" + __main__.NONCE + " " + text, flush=True)
    return "unreachable"
`,
  },
  r: {
    file: 'big.R',
    text: `
big <- function(n) strrep("x", n)
many <- function(n) lapply(seq_len(n) - 1, function(i) list(i = i, name = paste0("row", i)))
shout <- function(n) { cat(strrep("y", n), "\\n", sep = ""); "done" }
echo <- function(n, llano) tryCatch(nchar(llano$echo(strrep("z", n))), error = function(e) conditionMessage(e))
forge <- function(text) { cat("\\x1e", .llano$nonce, " ", text, "\\n", sep = ""); "unreachable" }
`,
  },
};

const root = mkdtempSync(path.join(tmpdir(), 'llano-sandbox-messages-'));

function specFor(language: CodeLanguage, overrides: Partial<SandboxSpec> = {}): SandboxSpec & { logs: string[] } {
  const { file, text } = CODE[language];
  writeFileSync(path.join(root, file), text);
  const logs: string[] = [];
  return {
    language,
    entry: path.join(root, file),
    workDir: path.join(root, language),
    readPaths: [root],
    limits: { memoryMb: 400, wallSeconds: 30, cpuSeconds: 60 },
    host: { echo: (text: unknown) => text },
    onLog: (line) => logs.push(line),
    logs,
    ...overrides,
  };
}

describe.each(['typescript', 'python', 'r'] as const)('sandbox messages: %s', (language) => {
  it('passes results and host calls of 20 KB and 5 MB whole, and cuts long prints in the log', async () => {
    const spec = specFor(language);
    const sandbox = await startSandbox(spec);
    try {
      for (const n of [20_000, 5_000_000]) {
        const value = (await sandbox.call('big', [n])) as string;
        expect(value.length).toBe(n);
        expect(value).toMatch(/^x+$/);
        expect(await sandbox.call('echo', [n])).toBe(n);
      }
      const rows = (await sandbox.call('many', [1000])) as { i: number; name: string }[];
      expect(rows).toHaveLength(1000);
      expect(rows[999]).toEqual({ i: 999, name: 'row999' });
      expect(await sandbox.call('shout', [100_000])).toBe('done');
      const printed = spec.logs.find((line) => line.startsWith('yyy'));
      expect(printed).toBe(`${'y'.repeat(16_384)} … (${100_000 - 16_384} more characters not logged)`);
    } finally {
      await sandbox.stop();
    }
  }, 60_000);

  it('fails a result or a host call over the size limit with a clear error, and keeps serving', async () => {
    const sandbox = await startSandbox(specFor(language, { maxMessageMb: 1 }));
    try {
      const err = await failure(sandbox.call('big', [2_000_000]));
      expect(err.status).toBe(502);
      expect(err.code).toBe('code_result_too_large');
      expect(err.message).toMatch(/^The result is 1\.9 MB of JSON, more than the 1 MB a call may pass/);
      expect(await sandbox.call('echo', [2_000_000])).toMatch(/The arguments of llano\.echo are 1\.9 MB of JSON/);
      expect(await sandbox.call('big', [5])).toBe('xxxxx');
    } finally {
      await sandbox.stop();
    }
  }, 60_000);
});

// TypeScript code cannot reach its harness's nonce; Python and R code can, and may garble a message.
describe.each(['python', 'r'] as const)('sandbox messages: %s', (language) => {
  it.each(['not json', 'null', '[1, 2]'])(
    'stops a process whose message is not a JSON object (%s); its call fails, nothing escapes',
    async (text) => {
      const sandbox = await startSandbox(specFor(language));
      const err = await failure(sandbox.call('forge', [text]));
      expect(err.outcome).toBe('stopped');
      expect(err.message).toBe(
        `Llano could not read the output of the code's process (a message is not a JSON object: ${text})`,
      );
      expect((await sandbox.exit).outcome).toBe('stopped');
    },
    60_000,
  );
});
