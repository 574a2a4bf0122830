import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));
const EARLY = path.join(root, 'src/early.ts');

/**
 * src/early.ts as a script of its own, listed before the app's: Vite would bundle a second
 * script of index.html into the app's entry, where it runs only once the whole app has loaded.
 */
function earlyScriptFirst(): Plugin {
  return {
    name: 'llano-early-script-first',
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle }) {
        const early = Object.values(bundle ?? {}).find((c) => c.type === 'chunk' && c.facadeModuleId === EARLY);
        const src = early ? `/${early.fileName}` : '/src/early.ts';
        return [{ tag: 'script', attrs: { type: 'module', crossorigin: true, src }, injectTo: 'head-prepend' }];
      },
    },
  };
}

/**
 * Writes which React build web/dist holds (Vite takes NODE_ENV over its mode, as React's code
 * does): bin/build-web-if-needed.js rebuilds a development build, so that neither users nor the
 * browser tests and benchmarks get one by accident.
 */
function buildModeFile(): Plugin {
  let mode = 'production';
  return {
    name: 'llano-build-mode',
    apply: 'build',
    configResolved(config) {
      mode = process.env.NODE_ENV || config.mode;
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'build-mode.txt', source: `${mode}\n` });
    },
  };
}

// The web UI: built into web/dist and served by `llano serve` at `/`. In development
// (`npx vite --config web/vite.config.ts`) API calls go to a server on port 8080.
export default defineConfig({
  root,
  plugins: [react(), earlyScriptFirst(), buildModeFile()],
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    // Heavy libraries (ECharts, CodeMirror, xyflow + elk, ~1.5 MB for elk alone) load with the pages that use them.
    chunkSizeWarningLimit: 2500,
    rollupOptions: { input: { index: path.join(root, 'index.html'), early: EARLY } },
  },
  server: {
    proxy: { '/api': 'http://localhost:8080' },
  },
});
