import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { badRequest } from './errors.js';
import { OutboundPolicy } from './outbound/address-policy.js';
import { parseOr400 } from './parse.js';
import { SETTINGS, settingFromText, type SettingInfo } from './settings-table.js';

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
  /** Encrypts secrets in the catalog (32 bytes, hex or base64); unset, a key file in the home does. */
  secretKey: z.string().optional(),
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
  /**
   * Who may create projects (LLANO_PROJECT_CREATORS, comma-separated): `everyone` signed in (the
   * default), `admins`, or groups (`group:ops`); global admins always may.
   */
  projectCreators: z
    .array(z.string().regex(/^(everyone|admins|group:[^,\s]+)$/, 'each entry is everyone, admins or group:NAME'))
    .default(['everyone']),
  // Limits that keep one user's queries from stalling the server for everyone (issue 11).
  /** Previews, data reads and ad-hoc SQL on connections are interrupted after this long (LLANO_QUERY_TIMEOUT_SECONDS). */
  queryTimeoutSeconds: z.number().positive().max(86_400),
  /** Most values one analytics request over a dataset reads (LLANO_ANALYTICS_MAX_POINTS): its series are held in memory. */
  analyticsMaxPoints: z.number().int().min(1),
  /** The Chromium executable that renders dashboard exports (LLANO_CHROMIUM). */
  chromium: z.string().min(1).optional(),
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
  // User code (src/sandbox): each process gets these limits unless its object sets its own.
  codeMemoryMb: z.number().int().min(64),
  codeWallSeconds: z.number().positive(),
  codeCpuSeconds: z.number().int().min(1),
  /** Interpreter for Python code (LLANO_PYTHON); unset: /usr/bin/python3, else python3 on the PATH. */
  python: z.string().min(1).optional(),
  /** Wheel folder (LLANO_PIP_FIND_LINKS) or index (LLANO_PIP_INDEX_URL) that per-project virtual environments install from. */
  pipFindLinks: z.string().min(1).optional(),
  pipIndexUrl: z.string().min(1).optional(),
  /** More Python interpreters environments may choose (LLANO_PYTHON_INTERPRETERS), besides those found on the machine. */
  pythonInterpreters: z.array(z.string().min(1)).optional(),
  /** CRAN-like repository (URL or file:// folder) that per-project R libraries install from (LLANO_R_REPOS). */
  rRepos: z.string().min(1).optional(),
  // Single sign-on with OpenID Connect (src/server/oidc/); unset issuer: local accounts only.
  oidcIssuer: z.string().url().optional(),
  oidcClientId: z.string().min(1).optional(),
  /** Never logged nor answered. */
  oidcClientSecret: z.string().min(1).optional(),
  oidcGroupsClaim: z.string().min(1),
  oidcRedirectPath: z.string().regex(/^\/[^/]/, 'oidcRedirectPath is a path starting with one /'),
  oidcName: z.string().min(1).max(100),
  /** Largest file attached to a wiki page (LLANO_MAX_ATTACHMENT_MB): larger ones get a 413. */
  maxAttachmentMb: z.number().positive(),
  /** Where notification mail goes out (LLANO_SMTP_URL, `smtp://user:pass@host:port`); unset: notifications stay in the UI. */
  smtpUrl: z.string().optional(),
  /** The sender of notification mail (LLANO_MAIL_FROM). */
  mailFrom: z.string(),
  /** Days the audit log keeps its rows, pruned by the scheduler: `LLANO_AUDIT_RETENTION_DAYS`, default 0 (forever). */
  auditRetentionDays: z.number().int().min(0),
  /** Days ended scenario runs and build jobs are kept, pruned by the scheduler: `LLANO_RUN_RETENTION_DAYS`, default 0 (forever). */
  runRetentionDays: z.number().int().min(0),
});
export type Config = z.infer<typeof ConfigSchema>;

const FileSchema = ConfigSchema.partial();

type Listed = (typeof SETTINGS)[number]['key'];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compiles only while every key of the schema has its row in the settings table, and no row names another key. */
export const SETTINGS_TABLE_COVERS_SCHEMA: Same<keyof Config, Listed> = true;

/**
 * `llano.config.json` may name a setting by its key (`maxUploadMb`) or by its environment
 * variable (`LLANO_MAX_UPLOAD_MB`), as the README's Settings table lists them.
 */
function fileSettings(raw: unknown): Partial<Config> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw badRequest('llano.config.json must be a JSON object of settings');
  const table: readonly SettingInfo[] = SETTINGS;
  const byEnv = new Map(table.flatMap((s) => [s.env, ...(s.aliases ?? [])].map((name) => [name, s.key] as const)));
  const named = Object.fromEntries(Object.entries(raw).map(([k, v]) => [byEnv.get(k) ?? k, v]));
  // Each issue names the file once: `llano.config.json: port: …`, `llano.config.json: Unrecognized key: "x"`.
  return parseOr400(FileSchema.strict(), named, 'llano.config.json', {
    prefix: '',
    field: (setting) => `llano.config.json: ${setting}`,
  });
}

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
    file = fileSettings(raw);
  }
  const fromEnv: Record<string, unknown> = {};
  const defaults: Record<string, unknown> = {};
  for (const s of SETTINGS as readonly SettingInfo[]) {
    const text = [s.env, ...(s.aliases ?? [])].map((name) => env[name]).find((v) => v !== undefined && v !== '');
    fromEnv[s.key] = settingFromText(s, text);
    if (s.default !== undefined) defaults[s.key] = s.default;
  }
  const defined = <T extends object>(o: T) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  const merged = { ...defaults, ...defined(file), ...defined(fromEnv), ...defined(overrides) };
  const settings = parseOr400(ConfigSchema, merged, 'settings');
  return { ...settings, home: path.resolve(cwd, settings.home) };
}
