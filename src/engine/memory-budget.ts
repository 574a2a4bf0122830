import { totalmem } from 'node:os';
import { badRequest } from '../common/errors.js';
import { POOL_LIMIT } from './duckdb-sandbox.js';

/**
 * DuckDB's memory_limit is per instance and defaults to 80 % of RAM, and user SQL runs in
 * instances of its own (sandboxes), so eight pooled sandboxes could ask for six times the
 * machine. The server's one budget (LLANO_MEMORY_LIMIT) is therefore shared out: half to the
 * main instance (data reads, imports, statistics), the other half in equal parts to the
 * sandboxes that can be open at once: the pooled ones, the spare, and a few one-off ones
 * (previews, checks of SQL). Queries beyond their share spill to LLANO_HOME/tmp.
 */
export const SANDBOX_SHARES = POOL_LIMIT + 4;

const UNITS = ['K', 'M', 'G', 'T'];

/** Bytes of a setting like "4GB", "512MiB" or "60%" (of this machine's RAM). */
export function parseMemoryLimit(spec: string, ram = totalmem()): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%|([KMGT])(i?)B)\s*$/i.exec(spec);
  if (!m) throw badRequest(`LLANO_MEMORY_LIMIT is a size like "4GB" or a share of RAM like "60%", not "${spec}"`);
  const value = Number(m[1]);
  if (m[2] === '%') {
    if (value <= 0 || value > 100) throw badRequest('LLANO_MEMORY_LIMIT as a share of RAM lies between 0 and 100%');
    return Math.floor((ram * value) / 100);
  }
  const power = UNITS.indexOf(m[3].toUpperCase()) + 1;
  return Math.floor(value * (m[4] ? 1024 : 1000) ** power);
}

/** A size DuckDB's memory_limit accepts, in whole megabytes (never below 64 MB). */
export const duckdbSize = (bytes: number) => `${Math.max(64, Math.floor(bytes / 1e6))}MB`;

/** memory_limit of the main instance and of each sandbox, from the server's budget. */
export function memoryShares(spec: string, ram = totalmem()): { main: string; sandbox: string } {
  const budget = parseMemoryLimit(spec, ram);
  return { main: duckdbSize(budget / 2), sandbox: duckdbSize(budget / 2 / SANDBOX_SHARES) };
}
