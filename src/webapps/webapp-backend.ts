import path from 'node:path';
import type { Principal } from '../catalog/access.js';
import { LlanoError, notFound } from '../common/errors.js';
import { LIBRARY_FOLDER, librariesStamp, writeLibraryFiles } from '../recipes/code/code-libraries.js';
import { sandboxLimits, sandboxPool, SandboxError, type SandboxSpec } from '../sandbox/index.js';
import type { Workspace } from '../workspace/workspace.js';
import { webappAggregate, webappRows, webappSql } from './webapp-data.js';
import { appendWebappLog } from './webapp-logs.js';
import { webappLimits, webappRunRoot, writeWebappFiles } from './webapp-runtime.js';
import type { Webapp, WebappCaller } from './webapp-types.js';

/** What a backend function receives as its first argument. */
export interface BackendRequest {
  method: string;
  query: Record<string, unknown>;
  body: unknown;
  /** Who is calling (the viewer) and their effective role: grant by `role`, never by `username`. */
  user: WebappCaller;
}

const BACKEND_FILE = 'backend.ts';
const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** The named exports of backend.ts that can be called (`export async function NAME`, `export const NAME =`). */
export function backendFunctions(webapp: Webapp): string[] {
  const source = webapp.files[BACKEND_FILE];
  if (source === undefined) return [];
  const names = [
    ...source.matchAll(/^\s*export\s+(?:async\s+)?(?:function\s*\*?\s*|const\s+|let\s+)([A-Za-z][A-Za-z0-9_]*)/gm),
  ];
  return [...new Set(names.map((m) => m[1]))];
}

/** Pool keys of a webapp's backend processes start with this (one process per revision and viewer). */
export const backendKeyPrefix = (projectKey: string, id: string) => `webapp:${projectKey}/${id}@`;

/**
 * Calls function `name` of a webapp's backend.ts in an isolated process (see src/sandbox): one
 * per revision, viewer and standing (role, API key), so a backend's `llano.sql/rows/aggregate` read with that viewer's
 * permissions and nothing one viewer's call leaves in memory reaches another's. Started on the
 * first call, stopped after `limits.idleSeconds`; a call that passes `limits.timeoutSeconds` or
 * the memory limit, or a process that exits, fails with 504/502 naming the limit, is logged,
 * and the next call starts a fresh process.
 */
export async function callBackend(
  ws: Workspace,
  principal: Principal,
  projectKey: string,
  stored: { webapp: Webapp; revision: number },
  name: string,
  request: BackendRequest,
): Promise<unknown> {
  const { webapp, revision } = stored;
  if (!FUNCTION_NAME.test(name) || !backendFunctions(webapp).includes(name))
    throw notFound(
      webapp.files[BACKEND_FILE] === undefined
        ? `Webapp ${webapp.id} has no backend.ts`
        : `Webapp ${webapp.id} has no backend function ${name}; its backend.ts exports: ${backendFunctions(webapp).join(', ') || 'nothing'}`,
    );
  const limits = webappLimits(webapp);
  const workspace = sandboxLimits(ws);
  const memoryMb = Math.min(limits.memoryMb, workspace.memoryMb);
  const timeoutSeconds = Math.min(limits.timeoutSeconds, workspace.wallSeconds);
  const log = (stream: 'stdout' | 'stderr' | 'llano', line: string) =>
    appendWebappLog(ws, projectKey, webapp.id, stream, line);
  // The process's `llano` reads as the principal it started for: another key or role of the same user gets its own.
  const standing = `${request.user.role}${principal.apiKey ? `:key-${principal.apiKey.id}` : ''}`;
  // A process runs the project's libraries as they were when it started: another version gets its own.
  const libraries = await librariesStamp(ws, projectKey);
  const owner = `${backendKeyPrefix(projectKey, webapp.id)}${revision}/${principal.username}/${standing}/`;
  const key = `${owner}${libraries}`;
  const workDir = path.join(webappRunRoot(ws, projectKey, webapp.id), `r${revision}`, principal.userId);
  let started = false;
  const spec = (): SandboxSpec => {
    started = true;
    return {
      language: 'typescript',
      entry: path.join(workDir, BACKEND_FILE),
      workDir,
      libraryPaths: [path.join(workDir, LIBRARY_FOLDER)],
      limits: { ...workspace, memoryMb },
      onLog: (line, stream) => log(stream, line),
      host: {
        sql: (query, params) => webappSql(ws, principal, projectKey, { query, params: params ?? [] }),
        rows: (dataset, options) => webappRows(ws, principal, projectKey, { ...(options as object), dataset }),
        aggregate: (dataset, options) =>
          webappAggregate(ws, principal, projectKey, { ...(options as object), dataset }),
      },
    };
  };
  const pool = sandboxPool(ws);
  if (!pool.running().some((r) => r.key === key)) {
    // The process of the libraries before (same revision, viewer and standing) is of no more use.
    await Promise.all(
      pool
        .running()
        .filter((r) => r.key.startsWith(owner))
        .map((r) => pool.stop(r.key)),
    );
    await writeWebappFiles(workDir, webapp);
    await writeLibraryFiles(ws, projectKey, path.join(workDir, LIBRARY_FOLDER));
  }
  try {
    const result = await pool.call(key, spec, name, [request], {
      timeoutMs: timeoutSeconds * 1000,
      idleSeconds: limits.idleSeconds,
    });
    if (started) log('llano', `backend started for ${principal.username} (revision ${revision})`);
    return result ?? null;
  } catch (error) {
    throw backendFailure(error, name, { timeoutSeconds, memoryMb }, log);
  }
}

/** A failed call as the caller sees it: 504 for the time limit, 502 for the rest, logged either way. */
function backendFailure(
  error: unknown,
  name: string,
  limits: { timeoutSeconds: number; memoryMb: number },
  log: (stream: 'llano', line: string) => void,
): LlanoError {
  if (!(error instanceof SandboxError)) {
    if (error instanceof LlanoError && error.status < 500) return error;
    const message = error instanceof Error ? error.message : String(error);
    log('llano', `backend ${name} failed: ${message}`);
    return new LlanoError('backend_failed', 502, `Backend function ${name} failed: ${message}`);
  }
  const why: Record<string, string> = {
    timeout: `did not answer within ${limits.timeoutSeconds} s and was stopped (time limit: the webapp's limits.timeoutSeconds)`,
    memory: `used more than ${limits.memoryMb} MB and was stopped (memory limit: the webapp's limits.memoryMb)`,
    cpu: `used up its CPU time and was stopped (CPU limit: LLANO_CODE_CPU_SECONDS)`,
    exited: 'ended its process (process.exit or a crash); the next call starts a new one',
    stopped: 'was stopped',
  };
  const reason = why[error.outcome] ?? `raised: ${error.message}`;
  log('llano', `backend ${name} ${reason}${error.message && why[error.outcome] ? ` — ${error.message}` : ''}`);
  if (error.traceback) log('llano', error.traceback);
  return new LlanoError(
    error.outcome === 'timeout' ? 'backend_timeout' : 'backend_failed',
    error.outcome === 'timeout' ? 504 : 502,
    `Backend function ${name} ${reason}`,
  );
}

export async function stopBackends(ws: Workspace, projectKey: string, id: string): Promise<void> {
  const pool = sandboxPool(ws);
  const prefix = backendKeyPrefix(projectKey, id);
  await Promise.all(
    pool
      .running()
      .filter((r) => r.key.startsWith(prefix))
      .map((r) => pool.stop(r.key)),
  );
}
