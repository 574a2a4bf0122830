import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

// The web UI: built into web/dist and served by `llano serve` at `/`. In development
// (`npx vite --config web/vite.config.ts`) API calls go to a server on port 8080.
export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    // Heavy libraries (ECharts, CodeMirror, xyflow + elk, ~1.5 MB for elk alone) load with the pages that use them.
    chunkSizeWarningLimit: 2500,
  },
  server: {
    proxy: { '/api': 'http://localhost:8080' },
  },
});
