import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/capture-io.js';
import { buildProgram } from '../src/cli/main.js';
import { llano } from './support/cli.js';

/** Every command of `llano`, with its path (`member set`), walking commander's tree. */
function allCommands(command: Command, path: string[] = []): { path: string; command: Command }[] {
  return command.commands.flatMap((sub) => {
    const here = [...path, sub.name()];
    return [{ path: here.join(' '), command: sub }, ...allCommands(sub, here)];
  });
}

describe('llano --help', () => {
  const commands = allCommands(buildProgram(captureIo()));

  it('describes every command and names its arguments (no bare <args...>)', () => {
    expect(commands.length).toBeGreaterThan(100);
    expect(commands.filter((c) => !c.command.description().trim()).map((c) => c.path)).toEqual([]);
    const bare = commands.filter((c) => c.command.registeredArguments.some((a) => /^args?$/.test(a.name())));
    expect(bare.map((c) => c.path)).toEqual([]);
  });

  it('shows member set with its real arguments', async () => {
    const help = (await llano(['member', '--help'])).out;
    expect(help).toMatch(/^ {2}set <user> <role> +Give a user a role/m);
    expect(help).toMatch(/^ {2}remove <user> +Take a user off/m);
  });
});
