import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ZipWriter } from './zip-writer.js';

/** Every file under `dir`, as sorted relative paths with `/` (`.git` left out). */
export function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .filter((e) => e.name !== '.git')
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      return e.isDirectory() ? filesUnder(dir, rel) : [rel];
    });
}

/** Zips a folder, files in sorted order: Parquet stored (already compressed), text deflated. */
export async function zipFolder(dir: string, zipPath: string): Promise<void> {
  const zip = await ZipWriter.create(zipPath);
  try {
    for (const rel of filesUnder(dir)) {
      const abs = path.join(dir, rel);
      if (rel.endsWith('.parquet') || statSync(abs).size > 64 * 1024 * 1024) await zip.addFile(rel, abs);
      else await zip.addBuffer(rel, readFileSync(abs));
    }
  } finally {
    await zip.close();
  }
}
