// Threads of libuv's pool the `llano` command asks for when UV_THREADPOOL_SIZE is not set.
import { availableParallelism } from 'node:os';

/**
 * DuckDB runs each statement on a thread of libuv's pool, which logins and file access need
 * too; with Node's default of 4 the query queues (src/engine/query-limits.ts) keep two free and
 * let one data read run at a time, so grid clients waited on each other whatever the CPUs.
 * Two per CPU and four more let as many reads run at once as there are CPUs.
 */
export const defaultThreadPoolSize = () => String(Math.min(64, 4 + 2 * availableParallelism()));
