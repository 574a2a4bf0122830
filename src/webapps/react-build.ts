import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Loader, Message, Plugin } from 'esbuild';
import { badRequest } from '../common/errors.js';
import { workspaceSlot, type Workspace } from '../workspace/workspace.js';

/**
 * `kind: react` webapps: `app.tsx` exports a component by default; Llano bundles it with React
 * (from its own node_modules, so apps need no install step) into `_build/app.js` (and
 * `_build/app.css` when it imports CSS), and serves a page that mounts it. The browser client is
 * the `llano` global (or `import { llano } from 'llano'`).
 *
 * A bundle is a pure function of the files, so it is cached by their hash: the save builds it
 * (a build error is the save's 400), a restart or another server rebuilds it on first view.
 */

/** Where the bundle is served, below the webapp's URL; no file of a react webapp may live there. */
export const REACT_BUILD_DIR = '_build/';
export const REACT_ENTRY = 'app.tsx';

/** What an app may import besides its own files. */
const PACKAGES = new Set(['react', 'react-dom', 'react-dom/client', 'react/jsx-runtime', 'react/jsx-dev-runtime']);
const LOADERS: Record<string, Loader> = {
  '.tsx': 'tsx',
  '.ts': 'ts',
  '.jsx': 'jsx',
  '.js': 'js',
  '.mjs': 'js',
  '.css': 'css',
  '.json': 'json',
};
const EXTENSIONS = ['', '.tsx', '.ts', '.jsx', '.js', '/index.tsx', '/index.ts', '/index.jsx', '/index.js'];

const ENTRY = `import App from './${REACT_ENTRY}';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
createRoot(document.getElementById('root')).render(createElement(App));
`;

const require = createRequire(import.meta.url);

/** Built files, by name below `_build/`. */
export type ReactBundle = Record<string, string>;

const where = (m: Message) =>
  m.location
    ? `${m.location.file.replace(/^webapp:/, '')}:${m.location.line}:${m.location.column + 1}: ${m.text}`
    : m.text;

/** The app's own files as esbuild's only file system; React from Llano's node_modules; nothing else. */
function webappFiles(files: Record<string, string>): Plugin {
  return {
    name: 'llano-webapp-files',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return { path: 'entry', namespace: 'llano-entry' };
        if (args.namespace !== 'webapp' && args.namespace !== 'llano-entry') return undefined;
        if (args.path === 'llano') return { path: 'llano', namespace: 'llano-client' };
        if (PACKAGES.has(args.path)) return { path: require.resolve(args.path) };
        if (!args.path.startsWith('./') && !args.path.startsWith('../'))
          return {
            errors: [
              {
                text: `cannot import ${JSON.stringify(args.path)}: a react webapp imports only react, react-dom, 'llano' and its own files`,
              },
            ],
          };
        const from = args.namespace === 'webapp' ? path.posix.dirname(args.importer) : '.';
        const base = path.posix.join(from, args.path);
        const found = EXTENSIONS.map((e) => base + e).find((f) => Object.hasOwn(files, f));
        if (!found) return { errors: [{ text: `no file ${JSON.stringify(base)} in this webapp` }] };
        return { path: found, namespace: 'webapp' };
      });
      b.onLoad({ filter: /.*/, namespace: 'webapp' }, (args) => {
        const loader = LOADERS[path.posix.extname(args.path)];
        if (!loader)
          return {
            errors: [{ text: `${args.path}: only .tsx, .ts, .jsx, .js, .css and .json files can be imported` }],
          };
        return { contents: files[args.path], loader };
      });
      b.onLoad({ filter: /.*/, namespace: 'llano-entry' }, () => ({ contents: ENTRY, loader: 'js' }));
      b.onLoad({ filter: /.*/, namespace: 'llano-client' }, () => ({
        contents: 'export const llano = window.llano; export default window.llano;',
        loader: 'js',
      }));
    },
  };
}

/** Bundles a react webapp; a 400 listing `file:line:column: message` for each error. */
export async function buildReactApp(files: Record<string, string>): Promise<ReactBundle> {
  if (!Object.hasOwn(files, REACT_ENTRY))
    throw badRequest(`files: a react webapp needs an ${REACT_ENTRY} that exports its component by default`);
  // esbuild's API is loaded by the first react build, not at the server's start.
  const { build } = await import('esbuild');
  try {
    const result = await build({
      entryPoints: ['entry'],
      bundle: true,
      write: false,
      outdir: '/out',
      entryNames: 'app',
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      minify: true,
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
      plugins: [webappFiles(files)],
    });
    return Object.fromEntries(result.outputFiles.map((f) => [path.posix.basename(f.path), f.text]));
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    if (!errors?.length) throw error;
    const shown = errors.slice(0, 5).map(where);
    throw badRequest(
      `The react webapp does not build: ${shown.join('; ')}${errors.length > 5 ? ` (and ${errors.length - 5} more)` : ''}`,
    );
  }
}

const MAX_CACHED = 16;

/** Bundles by the hash of their files, newest last; in-flight builds are shared. */
const bundles = workspaceSlot('webapps.react-bundles', () => new Map<string, Promise<ReactBundle>>());

const hashOf = (files: Record<string, string>) =>
  createHash('sha256')
    .update(JSON.stringify(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))))
    .digest('hex');

/** The bundle of these files, built once per content (a failed build is not kept). */
export function reactBundle(ws: Workspace, files: Record<string, string>): Promise<ReactBundle> {
  const cache = bundles(ws);
  const key = hashOf(files);
  const cached = cache.get(key);
  if (cached) {
    cache.delete(key);
    cache.set(key, cached);
    return cached;
  }
  const built = buildReactApp(files);
  cache.set(key, built);
  built.catch(() => cache.delete(key));
  while (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return built;
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The page of a react webapp without its own index.html: the client, the bundle and a root to mount in. */
export function reactPage(title: string, bundle: ReactBundle): string {
  const css = bundle['app.css'] !== undefined ? `\n    <link rel="stylesheet" href="${REACT_BUILD_DIR}app.css" />` : '';
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(title)}</title>
    <script src="/webapps/_client.js"></script>${css}
  </head>
  <body>
    <div id="root"></div>
    <script src="${REACT_BUILD_DIR}app.js"></script>
  </body>
</html>
`;
}
