import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { badRequest } from './errors.js';
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
