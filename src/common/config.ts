import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { badRequest } from './errors.js';
import { OutboundPolicy } from './outbound/address-policy.js';
import { parseOr400 } from './parse.js';

/** Settings, from environment variables first, then `llano.config.json` in the working folder, then defaults. */
export const ConfigSchema = z.object({
  home: z.string(),
  port: z.number().int().min(0).max(65535),
  host: z.string(),
  catalogUrl: z.string().optional(),
  maxUploadMb: z.number().positive(),
  buildParallelism: z.number().int().min(1).max(64),
  /** How often running builds and scenario runs stamp their heartbeat; silent for 3 intervals, they count as interrupted. */
  heartbeatSeconds: z.number().positive().max(3600),
  adminPassword: z.string().optional(),
  publicUrl: z.string().optional(),
  /**
   * Outbound requests (HTTP steps, webhooks): host names, addresses or CIDR ranges the server may
   * reach although they are loopback, private or link-local (LLANO_OUTBOUND_ALLOW, comma-separated).
   */
  outboundAllow: z
    .array(z.string())
    .default([])
    .superRefine((entries, ctx) => {
      try {
        OutboundPolicy.parse(entries);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    }),
  // Limits that keep one user's queries from stalling the server for everyone (issue 11).
  /** Previews, data reads and ad-hoc SQL on connections are interrupted after this long (LLANO_QUERY_TIMEOUT_SECONDS). */
  queryTimeoutSeconds: z.number().positive().max(86_400),
  /** Builds are interrupted after this long (LLANO_BUILD_TIMEOUT_SECONDS); unset: no limit. */
  buildTimeoutSeconds: z.number().positive().optional(),
  /**
   * User queries (previews, ad-hoc SQL) running at once, and as many data reads (LLANO_MAX_USER_QUERIES); more wait
   * in a queue. Unset: from the CPU count, bounded so that logins and catalog work keep threads of their own.
   */
  maxUserQueries: z.number().int().min(1).max(256).optional(),
  /** Memory of all DuckDB instances together (LLANO_MEMORY_LIMIT): "4GB", "512MB" or a share of RAM, "60%". */
  memoryLimit: z
    .string()
    .regex(/^\s*\d+(\.\d+)?\s*(%|[KMGT]i?B)\s*$/i, 'memoryLimit is a size like "4GB" or a share of RAM like "60%"'),
  // Input bounds: what one request, file or saved object may hold, so that a small but
  // pathological input (2,000 levels of nesting, 20,000 columns, a 9 MB object saved every
  // minute) gets a 400 naming the limit instead of stalling the server or filling the catalog.
  /** Largest JSON request body (API calls, not file uploads): `LLANO_MAX_BODY_MB`, default 10. */
  maxBodyMb: z.number().positive(),
  /** Deepest nesting of arrays and objects in a JSON body or an imported JSON file: `LLANO_MAX_JSON_DEPTH`, default 64. */
  maxJsonDepth: z.number().int().min(2).max(1000),
  /** Most columns an imported file may have: `LLANO_MAX_COLUMNS`, default 2,000. */
  maxColumns: z.number().int().min(1).max(100_000),
  /** Largest versioned object (recipe, scenario, variables…) as JSON, each save keeps a revision: `LLANO_MAX_OBJECT_KB`, default 1,024. */
  maxObjectKb: z.number().positive(),
});
export type Config = z.infer<typeof ConfigSchema>;

const FileSchema = ConfigSchema.partial();

export function loadConfig(
  overrides: Partial<Config> = {},
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): Config {
  let file: Partial<Config> = {};
  const filePath = path.join(cwd, 'llano.config.json');
  if (existsSync(filePath)) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(filePath, 'utf8'));
    } catch (e) {
      throw badRequest(`llano.config.json is not valid JSON: ${(e as Error).message}`);
    }
    file = parseOr400(FileSchema, raw, 'llano.config.json', { prefix: 'llano.config.json' });
  }
  const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
  const fromEnv: Partial<Config> = {
    home: env.LLANO_HOME || undefined,
    port: num(env.PORT ?? env.LLANO_PORT),
    host: env.LLANO_HOST || undefined,
    catalogUrl: env.LLANO_CATALOG_URL || undefined,
    maxUploadMb: num(env.LLANO_MAX_UPLOAD_MB),
    buildParallelism: num(env.LLANO_BUILD_PARALLELISM),
    heartbeatSeconds: num(env.LLANO_HEARTBEAT_SECONDS),
    adminPassword: env.LLANO_ADMIN_PASSWORD || undefined,
    publicUrl: env.LLANO_PUBLIC_URL || undefined,
    outboundAllow: env.LLANO_OUTBOUND_ALLOW ? env.LLANO_OUTBOUND_ALLOW.split(',').map((e) => e.trim()) : undefined,
    queryTimeoutSeconds: num(env.LLANO_QUERY_TIMEOUT_SECONDS),
    buildTimeoutSeconds: num(env.LLANO_BUILD_TIMEOUT_SECONDS),
    maxUserQueries: num(env.LLANO_MAX_USER_QUERIES),
    memoryLimit: env.LLANO_MEMORY_LIMIT || undefined,
    maxBodyMb: num(env.LLANO_MAX_BODY_MB),
    maxJsonDepth: num(env.LLANO_MAX_JSON_DEPTH),
    maxColumns: num(env.LLANO_MAX_COLUMNS),
    maxObjectKb: num(env.LLANO_MAX_OBJECT_KB),
  };
  const defined = <T extends object>(o: T) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  const merged = {
    home: './.llano',
    port: 8080,
    host: '0.0.0.0',
    // Uploads stream to disk, so only the disk bounds them: 8 GB takes the observatory's largest
    // table as CSV (17.5 M rows, 1.36 GB) with room to spare. The CLI's local imports have no limit.
    maxUploadMb: 8192,
    buildParallelism: 2,
    heartbeatSeconds: 10,
    queryTimeoutSeconds: 60,
    memoryLimit: '60%',
    maxBodyMb: 10,
    maxJsonDepth: 64,
    maxColumns: 2000,
    maxObjectKb: 1024,
    ...defined(file),
    ...defined(fromEnv),
    ...defined(overrides),
  };
  const settings = parseOr400(ConfigSchema, merged, 'settings');
  return { ...settings, home: path.resolve(cwd, settings.home) };
}
