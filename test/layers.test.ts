import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layer order of docs/architecture.md, bottom first: a module may import (values or types) from its own layer
 * and the layers below it, never from a layer above. Capabilities (automation, quality, alma) share one rank and may
 * use each other; `app` is the composition root that server and cli start from.
 */
const LAYER_RANK: Record<string, number> = {
  common: 0,
  analytics: 1,
  engine: 2,
  catalog: 3,
  workspace: 4,
  connectors: 5,
  datasets: 5,
  sandbox: 5,
  recipes: 6,
  flow: 7,
  automation: 8,
  quality: 8,
  alma: 8,
  insights: 8,
  webapps: 8,
  notebooks: 8,
  collab: 8,
  'api-services': 8,
  audit: 8,
  transfer: 8,
  app: 9,
  server: 10,
  cli: 10,
};

const SRC = path.resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|mts)$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Relative module specifiers of every static import/export and dynamic import() in a file. */
function relativeImports(source: string): string[] {
  const specifiers = [
    ...source.matchAll(/^\s*(?:import|export)\b[^'";]*?from\s+'([^']+)'/gm),
    ...source.matchAll(/^\s*import\s+'([^']+)'/gm),
    ...source.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ].map((m) => m[1]);
  return specifiers.filter((s) => s.startsWith('.'));
}

const layerOf = (file: string) => path.relative(SRC, file).split(path.sep)[0];

describe('layers', () => {
  const files = sourceFiles(SRC);

  it('knows the layer of every folder under src/', () => {
    const unknown = [...new Set(files.map(layerOf))].filter((layer) => !layer.includes('.') && !(layer in LAYER_RANK));
    expect(unknown).toEqual([]);
  });

  it('has no import from a lower layer into a higher one', () => {
    const upward: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      if (!(from in LAYER_RANK)) continue;
      for (const specifier of relativeImports(readFileSync(file, 'utf8'))) {
        const target = path.resolve(path.dirname(file), specifier);
        if (!target.startsWith(SRC + path.sep)) continue;
        const to = layerOf(target);
        if (LAYER_RANK[to] > LAYER_RANK[from]) upward.push(`${path.relative(SRC, file)} imports ${specifier}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('finds an upward import when one is written (the check itself works)', () => {
    const specifiers = relativeImports(
      "import type { X } from '../automation/types.js';\nexport { y } from './y.js';\nconst z = await import('../server/app.js');",
    );
    expect(specifiers).toEqual(['../automation/types.js', './y.js', '../server/app.js']);
  });
});
