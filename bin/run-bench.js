#!/usr/bin/env node
// `npm run bench [name…]`: runs every bench/*.ts (or the named ones) one after another.
// Each benchmark prints its own table.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { defaultThreadPoolSize } from './thread-pool.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const wanted = process.argv.slice(2);
const files = readdirSync(path.join(root, 'bench'))
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n## bench/${file}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench', file)], {
    stdio: 'inherit',
    cwd: root,
    // The same pool as a `llano serve` started without UV_THREADPOOL_SIZE (bin/llano.js).
    env: { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? defaultThreadPoolSize() },
  });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
