import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PictureStore } from './picture-store.js';

const picture = (n: number) => ({ svg: `<svg width="10" height="10">${'x'.repeat(n)}</svg>`, width: 10, height: 10 });
const dirs: string[] = [];
const folder = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'llano-pictures-'));
  dirs.push(dir);
  return path.join(dir, '.chart-pictures');
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('chart pictures kept on disk', () => {
  it('reads back what it wrote, also from a new store over the folder (a restart); another key is not it', async () => {
    const dir = folder();
    const store = new PictureStore(dir);
    expect(await store.read('a')).toBeNull();
    await store.write('a', picture(5));
    expect(await store.read('a')).toEqual(picture(5));
    const restarted = new PictureStore(dir);
    expect(await restarted.read('a')).toEqual(picture(5));
    expect(await restarted.read('b')).toBeNull();
    // Written by another server of the same home after this one listed the folder: found too.
    await new PictureStore(dir).write('b', picture(7));
    expect(await restarted.read('b')).toEqual(picture(7));
    // A file that is not a picture (cut short by a crash of another process): drawn again.
    for (const name of readdirSync(dir)) writeFileSync(path.join(dir, name), '{"key":"a","sv');
    expect(await new PictureStore(dir).read('a')).toBeNull();
  });

  it('keeps at most its bytes: the least recently read go first', async () => {
    const dir = folder();
    const one = JSON.stringify({ key: 'k0', ...picture(100) }).length;
    const store = new PictureStore(dir, one * 3);
    for (const key of ['k0', 'k1', 'k2']) await store.write(key, picture(100));
    // k0 read since: k1 is now the oldest, and goes when a fourth comes.
    await new Promise((r) => setTimeout(r, 5));
    expect(await store.read('k0')).not.toBeNull();
    await store.write('k3', picture(100));
    expect(readdirSync(dir)).toHaveLength(3);
    expect(await store.read('k1')).toBeNull();
    for (const key of ['k0', 'k2', 'k3']) expect(await store.read(key), key).not.toBeNull();
    // Also as a new store over the folder sees it (the files' times).
    const restarted = new PictureStore(dir, one * 3);
    await restarted.write('k4', picture(100));
    expect(readdirSync(dir)).toHaveLength(3);
  });

  it('a folder that cannot be written only costs drawing again', async () => {
    const dir = folder();
    // A file where the folder should be.
    writeFileSync(dir, 'not a folder');
    const store = new PictureStore(dir);
    await store.write('a', picture(5));
    expect(await store.read('a')).toBeNull();
  });
});
