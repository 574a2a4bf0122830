import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { badRequest } from '../common/errors.js';

/** What `llano login` keeps so that later commands need no --url and --token. */
export interface SavedLogin {
  url: string;
  token: string;
  username?: string;
}

/**
 * Checked by hand rather than with zod: every command reads this file, and loading zod alone
 * costs ~70 ms of a CLI start whose whole budget is 150 ms (`npm run bench cli`).
 */
function asSavedLogin(raw: unknown): SavedLogin | null {
  if (raw === null || typeof raw !== 'object') return null;
  const { url, token, username } = raw as Record<string, unknown>;
  if (typeof url !== 'string' || !URL.canParse(url) || typeof token !== 'string' || token === '') return null;
  if (username !== undefined && typeof username !== 'string') return null;
  return { url, token, ...(username !== undefined ? { username } : {}) };
}

/**
 * The per-user file holding the login: $XDG_CONFIG_HOME/llano/config.json, else
 * $HOME/.config/llano/config.json; null when the environment names neither (then nothing is
 * saved or read, which keeps commands run with a bare environment, such as tests, local).
 */
export function loginConfigPath(env: NodeJS.ProcessEnv): string | null {
  const base = env.XDG_CONFIG_HOME || (env.HOME ? path.join(env.HOME, '.config') : null);
  return base ? path.join(base, 'llano', 'config.json') : null;
}

/** The saved login, or null when there is none (a damaged file says so). */
export function readLogin(env: NodeJS.ProcessEnv): SavedLogin | null {
  const file = loginConfigPath(env);
  if (!file || !existsSync(file)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw badRequest(`${file} is not valid JSON: log in again with \`llano login\` or delete it`);
  }
  const login = asSavedLogin(raw);
  if (!login) throw badRequest(`${file} is not a Llano login: log in again with \`llano login\``);
  return login;
}

/** Saves the login readable by its owner only (0600): the token acts as the user. Returns the file. */
export function saveLogin(env: NodeJS.ProcessEnv, login: SavedLogin): string {
  const file = loginConfigPath(env);
  if (!file) throw badRequest('Set HOME or XDG_CONFIG_HOME so that `llano login` has a place for its file');
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(login, null, 2) + '\n', { mode: 0o600 });
  // The mode above applies only to a new file; an existing one may have been looser.
  chmodSync(file, 0o600);
  return file;
}

/** Forgets the saved login; false when there was none. */
export function removeLogin(env: NodeJS.ProcessEnv): boolean {
  const file = loginConfigPath(env);
  if (!file || !existsSync(file)) return false;
  rmSync(file, { force: true });
  return true;
}
