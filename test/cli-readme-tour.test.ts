import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llano } from './support/cli.js';
import { startTestServer, type TestServer } from './support/llano-server.js';

/** The commands of the README's command-line tour (its first `sh` block), one string a command. */
function tourCommands(): string[] {
  const readme = readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const start = readme.indexOf('## A tour from the command line');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(start))![1];
  return block
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => /^(printf .*\| )?llano /.test(line));
}

/** Shell words of one line: '…' and "…" quoted, a `# comment` dropped (enough for the README's lines). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/'([^']*)'|"([^"]*)"|(#.*)|(\S+)/g)) {
    if (m[3] !== undefined) break;
    words.push(m[1] ?? m[2] ?? m[4]);
  }
  return words;
}

/** What a tour line runs: its llano arguments, and standard input from a leading `printf '%s\n' X |`. */
function tourRun(line: string): { args: string[]; stdin: string } {
  const words = shellWords(line);
  const pipe = words.indexOf('|');
  const stdin = pipe > 0 ? words[2] + '\n' : '';
  return { args: words.slice(pipe + 2), stdin };
}

// The tour's steps that need no simulated data or built recipe (those have tests of their own).
const RUN =
  /^(-p QA )?(project create|dataset import|dataset head|dataset stats|user create|member set|user disable|api-key list)\b/;

describe("the README's command-line tour", () => {
  let dir: string;
  let server: TestServer;
  const startedIn = process.cwd();
  beforeAll(async () => {
    server = await startTestServer();
    dir = mkdtempSync(path.join(tmpdir(), 'llano-tour-'));
    // The tour's paths are relative to where it runs (vitest runs each file in a process of its own).
    process.chdir(dir);
    mkdirSync(path.join(dir, 'sim'));
    writeFileSync(
      path.join(dir, 'sim', 'trec_measurement.csv'),
      'uid,antennaname,receiverband,startvalidtime,trec_x\n' +
        'uid://A1,DA41,ALMA_RB_07,2024-10-01 00:00:00,40.5\n' +
        'uid://A1,DA42,ALMA_RB_07,2024-10-01 00:00:00,52.0\n' +
        'uid://A2,DA41,ALMA_RB_03,2024-10-02 00:00:00,31.0\n',
    );
  });
  afterAll(async () => {
    await server?.stop();
    process.chdir(startedIn);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs as written: projects, data, users, members and API keys', async () => {
    const lines = tourCommands().filter((line) => RUN.test(tourRun(line).args.join(' ')));
    expect(lines.map((line) => tourRun(line).args.slice(0, 4).join(' '))).toEqual([
      'project create QA --name',
      '-p QA dataset import',
      '-p QA dataset head',
      '-p QA dataset stats',
      'user create ana --password-stdin',
      '-p QA member set',
      'user disable ana',
      'api-key list --all',
    ]);
    // One server for all the steps (a workspace opened per command is slower); no saved login.
    const env = { LLANO_URL: server.url, LLANO_TOKEN: server.adminToken, XDG_CONFIG_HOME: dir };
    const outputs: string[] = [];
    for (const line of lines) {
      const { args, stdin } = tourRun(line);
      const r = await llano(args, env, dir, stdin);
      expect(r.code, `${line}\n${r.err}`).toBe(0);
      outputs.push(r.out);
    }
    // The head sorted by trec_x, largest first, of band 7 only.
    expect(outputs[2]).toMatch(/DA42[^\n]*52[\s\S]*DA41[^\n]*40\.5/);
    expect(outputs[2]).not.toMatch(/ALMA_RB_03/);
    expect(outputs[6]).toMatch(/^Disabled ana/);
  });
});
