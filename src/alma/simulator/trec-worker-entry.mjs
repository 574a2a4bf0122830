// Entry of the Trec worker threads. A worker does not inherit the TypeScript loader of
// the thread that starts it (tsx in `llano`, Vite in tests), so it registers tsx itself.
import { register } from 'tsx/esm/api';

register();
await import('./trec-worker.ts');
