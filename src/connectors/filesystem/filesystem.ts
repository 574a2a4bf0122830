import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { badRequest } from '../../common/errors.js';
import { defineConnectionType } from '../connector.js';

const settings = z
  .object({
    root: z.string().min(1).describe('Absolute path of a folder on the server; nothing outside it is readable'),
  })
  .strict();
type FilesystemSettings = z.infer<typeof settings>;

/** Resolves a path inside a filesystem connection, refusing anything that escapes its root. */
export function resolveInRoot(root: string, relative: string): string {
  const abs = path.resolve(root, relative);
  const rootAbs = path.resolve(root);
  if (abs !== rootAbs && !abs.startsWith(rootAbs + path.sep))
    throw badRequest(`Path ${relative} is outside the connection's folder`);
  return abs;
}

function checkRoot(root: string): void {
  if (!path.isAbsolute(root) || !existsSync(root) || !statSync(root).isDirectory())
    throw badRequest(`Connection root ${root} is not an existing absolute folder`);
}

/** One folder of the server (and nothing outside it): files read in place. */
export const filesystemConnection = defineConnectionType<FilesystemSettings>({
  type: 'filesystem',
  label: 'Folder',
  settings,
  // Reading folders of the server is a server-wide privilege.
  adminOnly: true,
  check: (s) => checkRoot(s.root),
  serverPaths: (s) => [s.root],
  async test(s) {
    checkRoot(s.root);
    const entries = await readdir(s.root).catch((error: unknown) => {
      throw badRequest(`Cannot read folder ${s.root}: ${error instanceof Error ? error.message : String(error)}`);
    });
    return `folder ${s.root}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`;
  },
  files: { resolve: (s, relative) => resolveInRoot(s.root, relative) },
});
