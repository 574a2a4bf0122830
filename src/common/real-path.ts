import { realpathSync } from 'node:fs';
import path from 'node:path';

/** Where a path leads once its links are followed; the path itself (absolute) when it does not exist. */
export function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** Whether `file` is one of `folders` or inside one (compare resolved paths). */
export const insideAny = (file: string, folders: readonly string[]): boolean =>
  folders.some((folder) => file === folder || file.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep));
