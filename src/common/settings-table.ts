/**
 * Every setting once: its key in `llano.config.json` (the environment name is accepted there
 * too), its environment variable, how the text of the variable is read, its default and what it
 * means. `loadConfig` reads settings from this table, and a test checks that the README's
 * Settings table lists each of them with this default.
 */
export interface SettingInfo {
  key: string;
  env: string;
  /** Older or shorter environment names, read when `env` is unset. */
  aliases?: readonly string[];
  read: 'text' | 'number' | 'list';
  /** The value used when none is given (undefined: unset). */
  default?: string | number;
  /** The default as the README shows it, when it is not simply `default`. */
  shownDefault?: string;
  meaning: string;
}

export const SETTINGS = [
  {
    key: 'home',
    env: 'LLANO_HOME',
    read: 'text',
    default: './.llano',
    meaning: 'workspace: catalog, managed data, temporary files',
  },
  {
    key: 'port',
    env: 'LLANO_PORT',
    aliases: ['PORT'],
    read: 'number',
    default: 8080,
    meaning: 'HTTP port of `llano serve` (`PORT` is read too)',
  },
  {
    key: 'host',
    env: 'LLANO_HOST',
    read: 'text',
    default: '0.0.0.0',
    meaning: 'address `llano serve` listens on (`127.0.0.1`: this machine only)',
  },
  {
    key: 'publicUrl',
    env: 'LLANO_PUBLIC_URL',
    read: 'text',
    shownDefault: 'none',
    meaning: 'the address users reach Llano at, for links in reports and webhook URLs',
  },
  {
    key: 'catalogUrl',
    env: 'LLANO_CATALOG_URL',
    read: 'text',
    shownDefault: 'SQLite in the workspace',
    meaning: '`postgres://…` to keep the catalog in PostgreSQL (several servers may share it)',
  },
  {
    key: 'adminPassword',
    env: 'LLANO_ADMIN_PASSWORD',
    read: 'text',
    shownDefault: 'generated',
    meaning: 'password of `admin` when a new workspace creates it (a generated one is printed once)',
  },
  {
    key: 'maxUploadMb',
    env: 'LLANO_MAX_UPLOAD_MB',
    read: 'number',
    default: 8192,
    meaning: 'largest file upload over HTTP, streamed to disk (the CLI’s local imports have no limit)',
  },
  { key: 'maxBodyMb', env: 'LLANO_MAX_BODY_MB', read: 'number', default: 10, meaning: 'largest JSON request body' },
  {
    key: 'maxJsonDepth',
    env: 'LLANO_MAX_JSON_DEPTH',
    read: 'number',
    default: 64,
    meaning: 'deepest nesting in a JSON body or an imported JSON file',
  },
  {
    key: 'maxColumns',
    env: 'LLANO_MAX_COLUMNS',
    read: 'number',
    default: 2000,
    meaning: 'most columns an imported file may have',
  },
  {
    key: 'maxObjectKb',
    env: 'LLANO_MAX_OBJECT_KB',
    read: 'number',
    default: 1024,
    meaning: 'largest saved object (recipe, scenario, variables…) as JSON; each save keeps a revision',
  },
  {
    key: 'buildParallelism',
    env: 'LLANO_BUILD_PARALLELISM',
    read: 'number',
    default: 2,
    meaning: 'recipes a build runs at once',
  },
  {
    key: 'heartbeatSeconds',
    env: 'LLANO_HEARTBEAT_SECONDS',
    read: 'number',
    default: 10,
    meaning:
      'how often running builds, imports and scenario runs stamp a heartbeat; silent for 3 intervals, another server fails them as interrupted (one value on every server of a catalog)',
  },
  {
    key: 'queryTimeoutSeconds',
    env: 'LLANO_QUERY_TIMEOUT_SECONDS',
    read: 'number',
    default: 60,
    meaning:
      'previews, data pages, column statistics and ad-hoc SQL stop after this long (408 naming the setting); a query whose client goes away stops at once',
  },
  {
    key: 'chromium',
    env: 'LLANO_CHROMIUM',
    read: 'text',
    default: '/usr/bin/chromium',
    meaning: 'the Chromium that renders dashboard exports (PNG, PDF) headless',
  },
  {
    key: 'buildTimeoutSeconds',
    env: 'LLANO_BUILD_TIMEOUT_SECONDS',
    read: 'number',
    shownDefault: 'none',
    meaning: 'each SQL recipe run in DuckDB during a build stops after this long',
  },
  {
    key: 'maxUserQueries',
    env: 'LLANO_MAX_USER_QUERIES',
    read: 'number',
    shownDefault: 'from the CPUs',
    meaning:
      'previews running at once, and as many data reads; more wait in a queue, so logins and catalog work keep threads (raise `UV_THREADPOOL_SIZE` before Node starts to allow more)',
  },
  {
    key: 'memoryLimit',
    env: 'LLANO_MEMORY_LIMIT',
    read: 'text',
    default: '60%',
    meaning:
      'memory of all DuckDB instances together (`4GB` or a share of RAM); beyond it queries spill to `LLANO_HOME/tmp`',
  },
  {
    key: 'outboundAllow',
    env: 'LLANO_OUTBOUND_ALLOW',
    read: 'list',
    shownDefault: 'none',
    meaning:
      'internal hosts, addresses or CIDR ranges (comma-separated) that HTTP steps and webhooks may call; other internal addresses are refused (docs/webhooks.md)',
  },
  {
    key: 'auditRetentionDays',
    env: 'LLANO_AUDIT_RETENTION_DAYS',
    read: 'number',
    default: 0,
    meaning: 'days the audit log keeps its rows (the scheduler of `llano serve` prunes older ones); `0`: kept forever',
  },
] as const satisfies readonly SettingInfo[];

/** The text of an environment variable as the setting's value (undefined when unset or empty). */
export function settingFromText(setting: SettingInfo, text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  if (setting.read === 'number') return Number(text);
  if (setting.read === 'list') return text.split(',').map((entry) => entry.trim());
  return text;
}

/** The default as the README's Settings table shows it. */
export const shownDefault = (setting: SettingInfo): string =>
  setting.shownDefault ?? (setting.default === undefined ? 'none' : `\`${setting.default}\``);
