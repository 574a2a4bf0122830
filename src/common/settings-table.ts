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
    key: 'secretKey',
    env: 'LLANO_SECRET_KEY',
    read: 'text',
    shownDefault: 'key file in the home',
    meaning:
      'key encrypting secrets in the catalog (connection passwords, scenario tokens and reporter secrets): 32 bytes as 64 hex digits or base64 (`openssl rand -base64 32`); unset, `secret.key` in the home (0600) is made at the first secret saved. Servers sharing a catalog need the same key',
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
    key: 'codeMemoryMb',
    env: 'LLANO_CODE_MEMORY_MB',
    read: 'number',
    default: 1024,
    meaning: 'memory one process of user code (code recipe, notebook kernel, webapp backend) may use, in MB',
  },
  {
    key: 'codeWallSeconds',
    env: 'LLANO_CODE_WALL_SECONDS',
    read: 'number',
    default: 3600,
    meaning: 'longest one run or call of user code may take, in seconds',
  },
  {
    key: 'codeCpuSeconds',
    env: 'LLANO_CODE_CPU_SECONDS',
    read: 'number',
    default: 3600,
    meaning: 'CPU time one process of user code may use, in seconds',
  },
  {
    key: 'python',
    env: 'LLANO_PYTHON',
    read: 'text',
    shownDefault: '`/usr/bin/python3`, else `python3` on the PATH',
    meaning: 'the Python interpreter for Python code',
  },
  {
    key: 'pipFindLinks',
    env: 'LLANO_PIP_FIND_LINKS',
    read: 'text',
    shownDefault: 'none',
    meaning:
      'a folder of wheels that Python virtual environments of code environments install their requirements from (`pip --no-index --find-links`)',
  },
  {
    key: 'pipIndexUrl',
    env: 'LLANO_PIP_INDEX_URL',
    read: 'text',
    shownDefault: 'none',
    meaning: 'a package index (PyPI mirror) that Python virtual environments install from when no wheel folder is set',
  },
  {
    key: 'pythonInterpreters',
    env: 'LLANO_PYTHON_INTERPRETERS',
    read: 'list',
    shownDefault: 'none',
    meaning:
      "more Python interpreters (comma-separated paths) that code environments may choose, besides `LLANO_PYTHON`, `python3.x` on the PATH and pyenv's versions found on the machine",
  },
  {
    key: 'rRepos',
    env: 'LLANO_R_REPOS',
    read: 'text',
    shownDefault: 'none',
    meaning:
      'a CRAN-like repository (URL, or a `file://` folder made with `tools::write_PACKAGES`) that R libraries of code environments install their requirements from',
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
    key: 'analyticsMaxPoints',
    env: 'LLANO_ANALYTICS_MAX_POINTS',
    read: 'number',
    default: 1000000,
    meaning:
      'most values (rows × columns) one `POST …/analytics/{kind}` request reads from a dataset (400 naming the setting); larger inputs belong in an analysis recipe',
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
      'previews and other user SQL running at once (one user holds all but one place at most), and as many data reads; more wait in a queue (a 503 after waiting the query time limit), so logins and catalog work keep threads (raise `UV_THREADPOOL_SIZE` before Node starts to allow more)',
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
    key: 'projectCreators',
    env: 'LLANO_PROJECT_CREATORS',
    read: 'list',
    shownDefault: '`everyone`',
    meaning:
      'who may create (or import) projects: `everyone` signed in, `admins`, or groups, comma-separated (`group:ops,group:qa`); global admins always may',
  },
  {
    key: 'outboundAllow',
    env: 'LLANO_OUTBOUND_ALLOW',
    read: 'list',
    shownDefault: 'none',
    meaning:
      'internal hosts, addresses or CIDR ranges (comma-separated) that HTTP steps, webhooks and code (recipes, notebooks) may connect to; other internal addresses are refused (docs/webhooks.md)',
  },
  {
    key: 'oidcIssuer',
    env: 'LLANO_OIDC_ISSUER',
    read: 'text',
    shownDefault: 'none',
    meaning:
      'OpenID Connect provider for single sign-on (its discovery document is `ISSUER/.well-known/openid-configuration`); unset: local accounts only (docs/single-sign-on.md)',
  },
  {
    key: 'oidcClientId',
    env: 'LLANO_OIDC_CLIENT_ID',
    read: 'text',
    shownDefault: 'none',
    meaning: 'Llano’s client id at the OpenID Connect provider',
  },
  {
    key: 'oidcClientSecret',
    env: 'LLANO_OIDC_CLIENT_SECRET',
    read: 'text',
    shownDefault: 'none',
    meaning: 'Llano’s client secret at the provider (never logged nor answered)',
  },
  {
    key: 'oidcGroupsClaim',
    env: 'LLANO_OIDC_GROUPS_CLAIM',
    read: 'text',
    default: 'groups',
    meaning: 'the claim listing a user’s groups: at each sign-in their Llano groups become the existing ones it names',
  },
  {
    key: 'oidcRedirectPath',
    env: 'LLANO_OIDC_REDIRECT_PATH',
    read: 'text',
    default: '/api/auth/oidc/callback',
    meaning:
      'the path of the redirect URI registered at the provider (after `LLANO_PUBLIC_URL`, or the request’s host)',
  },
  {
    key: 'oidcName',
    env: 'LLANO_OIDC_NAME',
    read: 'text',
    default: 'single sign-on',
    meaning: 'the provider’s name on the login page: “Sign in with NAME”',
  },
  {
    key: 'maxAttachmentMb',
    env: 'LLANO_MAX_ATTACHMENT_MB',
    read: 'number',
    default: 10,
    meaning: 'largest file attached to a wiki page (larger: 413)',
  },
  {
    key: 'smtpUrl',
    env: 'LLANO_SMTP_URL',
    read: 'text',
    shownDefault: 'none',
    meaning:
      '`smtp://user:password@host:port` (`smtps://` for TLS) to mail notifications (mentions, replies); unset: in the UI only',
  },
  {
    key: 'mailFrom',
    env: 'LLANO_MAIL_FROM',
    read: 'text',
    default: 'llano@localhost',
    meaning: 'sender address of notification mail',
  },
  {
    key: 'auditRetentionDays',
    env: 'LLANO_AUDIT_RETENTION_DAYS',
    read: 'number',
    default: 0,
    meaning: 'days the audit log keeps its rows (the scheduler of `llano serve` prunes older ones); `0`: kept forever',
  },
  {
    key: 'runRetentionDays',
    env: 'LLANO_RUN_RETENTION_DAYS',
    read: 'number',
    default: 0,
    meaning:
      'days ended scenario runs and build jobs are kept with their steps and logs (the scheduler prunes older ones; each scenario keeps its last run, and a job that built a readable version stays); `0`: kept forever',
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
