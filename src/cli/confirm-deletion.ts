import { badRequest } from '../common/errors.js';
import type { CliIo } from './io.js';

/**
 * What a destructive command asks before it deletes: `--yes`, or on a terminal the name typed
 * again (as GitHub asks for a repository's name). A script without `--yes` is refused before
 * anything is touched, so a mistyped command in a loop deletes nothing.
 */
export async function confirmDeletion(io: CliIo, what: string, name: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  const answer = await io.promptLine(`Delete ${what} ${name}? This cannot be undone. Type ${name} to confirm: `);
  if (answer === null)
    throw badRequest(`Deleting ${what} ${name} cannot be undone: add --yes to confirm (no terminal to ask on)`);
  if (answer.trim() !== name) throw badRequest(`Not deleted: you typed ${JSON.stringify(answer.trim())}, not ${name}`);
}

/** The `--yes` option of a command that deletes. */
export const YES_OPTION = ['--yes', 'delete without asking (needed when standard input is not a terminal)'] as const;
