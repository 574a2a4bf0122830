import { badRequest } from '../common/errors.js';
import { newSecret } from '../common/ids.js';
import { reporterTypes } from './reporters/registry.js';
import type { Scenario } from './scenario.js';
import { stepTypes } from './steps/registry.js';

/** What the API shows instead of a secret; saving it back keeps the stored value. */
export const REDACTED = '********';

type Obj = Record<string, unknown>;

/** Where a reporter sits in a scenario: `reporters[0]`, or `steps[2].reporter` for a report step's. */
export interface PlacedReporter {
  where: string;
  reporter: Obj;
}

/** Every reporter configuration of a scenario with its place: its reporters and those inside report steps. */
export function placedReporters(s: Scenario): PlacedReporter[] {
  const list = (v: unknown): [Obj, number][] =>
    Array.isArray(v) ? v.flatMap((x, i): [Obj, number][] => (!!x && typeof x === 'object' ? [[x as Obj, i]] : [])) : [];
  const reports = list(s.steps).filter(
    ([st]) => st.type === 'report' && st.reporter && typeof st.reporter === 'object',
  );
  return [
    ...list(s.reporters).map(([reporter, i]) => ({ where: `reporters[${i}]`, reporter })),
    ...reports.map(([st, i]) => ({ where: `steps[${i}].reporter`, reporter: st.reporter as Obj })),
  ];
}

function reporterConfigs(s: Scenario): Obj[] {
  return placedReporters(s).map((p) => p.reporter);
}

/** A configuration holding secrets, its type (a reporter's channel, a step's type) and its secret paths. */
interface SecretHolder {
  what: string;
  type: unknown;
  config: Obj;
  paths: string[][];
  /** Where its secrets are sent (see `secretDestination`). */
  destination: string[][];
  /** Secrets Llano generated (a signing secret): never sent, so keeping one may go anywhere. */
  generated: string[][];
}

/** Where a holder's secrets are sent unless its type says otherwise: its URL. */
const URL_DESTINATION = [['url']];

/**
 * The scenario's reporters and steps as two lists of secret holders (a saved body's items are
 * matched with the stored ones by place in their list and type).
 */
function secretHolders(s: Scenario): SecretHolder[][] {
  const steps = (Array.isArray(s.steps) ? s.steps : []).filter(
    (x): x is Scenario['steps'][number] => !!x && typeof x === 'object',
  );
  return [
    reporterConfigs(s).map((r) => ({
      what: `reporter ${String(r.channel)}`,
      type: r.channel,
      config: r,
      paths: reporterTypes.find(r.channel)?.secretPaths ?? [],
      destination: reporterTypes.find(r.channel)?.secretDestination ?? URL_DESTINATION,
      generated: (reporterTypes.find(r.channel)?.generatedSecrets ?? []).map((g) => g.path),
    })),
    steps.map((st) => ({
      what: `step ${String(st.type)}`,
      type: st.type,
      config: st,
      paths: stepTypes.find(st.type)?.secretPaths ?? [],
      destination: stepTypes.find(st.type)?.secretDestination ?? URL_DESTINATION,
      generated: [],
    })),
  ];
}

/** The password of a URL's user information (`https://user:password@host/`), where one is. */
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*:)([^/?#@]*)@/i;

/** A URL with its password (if any) shown as REDACTED. */
export function redactUrlPassword(url: string): string {
  return url.replace(URL_PASSWORD, (_, before: string) => `${before}${REDACTED}@`);
}

/** A secret Llano generated on save: shown in that one answer (`revealedSecrets`), never again. */
export interface RevealedSecret {
  /** The reporter's place (`reporters[0]`) and the field (`secret`). */
  where: string;
  field: string;
  secret: string;
}

/** Sets a fresh value at each generated-secret path of a reporter; returns what was set. */
export function generateSecrets(placed: PlacedReporter, only?: (path: string[]) => boolean): RevealedSecret[] {
  const revealed: RevealedSecret[] = [];
  for (const { path, prefix } of reporterTypes.find(placed.reporter.channel)?.generatedSecrets ?? []) {
    if (only && !only(path)) continue;
    const secret = newSecret(prefix);
    setAt(placed.reporter, path, secret);
    revealed.push({ where: placed.where, field: path.join('.'), secret });
  }
  return revealed;
}

function walk(target: Obj, path: string[], fn: (parent: Obj, key: string) => void): void {
  let node: unknown = target;
  for (const key of path.slice(0, -1)) {
    if (!node || typeof node !== 'object') return;
    node = (node as Obj)[key];
  }
  if (node && typeof node === 'object' && path[path.length - 1] in (node as Obj))
    fn(node as Obj, path[path.length - 1]);
}

const getAt = (o: Obj, path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Obj)[key] : undefined), o);

function setAt(o: Obj, path: string[], value: unknown): void {
  let node = o;
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Obj;
  node[path[path.length - 1]] = value;
}

const redactValue = (v: unknown): unknown =>
  v && typeof v === 'object'
    ? Object.fromEntries(Object.keys(v).map((k) => [k, REDACTED]))
    : v === undefined
      ? v
      : REDACTED;

/**
 * A copy safe to show: reporter secrets (SMTP passwords, webhook headers, Slack URLs) are
 * always hidden; webhook-trigger tokens only from callers who may not edit the scenario.
 */
export function redactScenario(s: Scenario, options: { showTokens: boolean }): Scenario {
  const copy = structuredClone(s);
  if (!options.showTokens) for (const t of copy.triggers) if (t.type === 'webhook' && t.token) t.token = REDACTED;
  for (const holder of secretHolders(copy).flat()) {
    for (const path of holder.paths)
      walk(holder.config, path, (parent, key) => (parent[key] = redactValue(parent[key])));
    // A password written into a URL (an HTTP step's, a webhook's) is as secret as a header.
    if (typeof holder.config.url === 'string') holder.config.url = redactUrlPassword(holder.config.url);
  }
  return copy;
}

/** A secret that is a string, or each string of an object of them (a webhook's headers). */
const eachString = (v: unknown, each: (value: string) => string): unknown =>
  typeof v === 'string'
    ? each(v)
    : v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, eachString(x, each)]))
      : v;

/**
 * Where a stored scenario body (any revision, not parsed) keeps its secrets, for the catalog to
 * encrypt them at rest (`ObjectStore.declareSecrets`): webhook-trigger tokens, the secret paths of
 * its reporters and steps, and URLs holding a password (whole). The same places `redactScenario` hides.
 */
export function eachScenarioSecret(body: Record<string, unknown>, each: (value: string) => string): void {
  const s = body as unknown as Scenario;
  const triggers = Array.isArray(s.triggers) ? s.triggers : [];
  for (const t of triggers) if (t?.type === 'webhook' && typeof t.token === 'string') t.token = each(t.token);
  for (const holder of secretHolders({ ...s, triggers }).flat()) {
    for (const path of holder.paths)
      walk(holder.config, path, (parent, key) => (parent[key] = eachString(parent[key], each)));
    if (typeof holder.config.url === 'string' && URL_PASSWORD.test(holder.config.url))
      holder.config.url = each(holder.config.url);
  }
}

/** A stored body of any revision (not parsed: old revisions may not parse any more) with every secret hidden. */
export function redactStoredScenario(body: unknown): unknown {
  if (!body || typeof body !== 'object') return body;
  const s = body as Scenario;
  return redactScenario({ ...s, triggers: Array.isArray(s.triggers) ? s.triggers : [] }, { showTokens: false });
}

function hasRedacted(v: unknown): boolean {
  return v === REDACTED || (!!v && typeof v === 'object' && Object.values(v).some(hasRedacted));
}

/** A destination as compared: of a URL, who is sent where (scheme, user, host, port), not its path or password. */
function comparable(v: unknown): string {
  if (typeof v === 'string' && URL.canParse(v)) {
    const u = new URL(v);
    return `${u.protocol}//${u.username}@${u.host}`;
  }
  return JSON.stringify(v ?? null);
}

/**
 * A stored secret is kept only to go where it went before: changing a holder's URL (an SMTP host…)
 * while saving its secrets back as REDACTED is a 400, or an editor who cannot read a header could
 * send it to a listener of theirs.
 */
function refuseNewDestination(holder: SecretHolder, old: Obj, kept: string[]): void {
  const moved = holder.destination.filter(
    (path) => comparable(getAt(holder.config, path)) !== comparable(getAt(old, path)),
  );
  if (moved.length)
    throw badRequest(
      `${holder.what}: ${moved.map((p) => p.join('.')).join(', ')} changed while ${kept.join(', ')} is kept as "${REDACTED}": ` +
        'enter the password again to send it to a new host',
    );
}

/**
 * Before saving (and before validating: "********" is no URL): redacted values sent back are
 * replaced by the stored ones (same position, same channel), and webhook triggers without a
 * token get a fresh random one. Works on the raw body.
 */
export function restoreSecrets(
  incoming: Scenario,
  existing: Scenario | null,
  revealed: RevealedSecret[] = [],
): Scenario {
  const s = structuredClone(incoming);
  (Array.isArray(s.triggers) ? s.triggers : []).forEach((t, i) => {
    if (!t || typeof t !== 'object') return;
    if (t.type !== 'webhook') return;
    if (t.token === REDACTED) {
      const old = existing?.triggers.find((o, j) => o.type === 'webhook' && (t.id ? o.id === t.id : j === i));
      t.token = old?.token ?? undefined;
    }
    if (!t.token) t.token = newSecret('lwh');
  });
  const stored = existing ? secretHolders(existing) : [[], []];
  secretHolders(s).forEach((list, l) =>
    list.forEach((holder, i) => {
      const match = stored[l][i] as SecretHolder | undefined;
      const old = match && match.type === holder.type ? match.config : undefined;
      const missing = (field: string) =>
        badRequest(`${holder.what}: ${field} is "${REDACTED}" but no stored value exists; give the real value`);
      const kept: string[] = [];
      for (const path of holder.paths) {
        walk(holder.config, path, (parent, key) => {
          if (!hasRedacted(parent[key])) return;
          let value: unknown;
          if (old) walk(old, path, (p, k) => (value = p[k]));
          if (value === undefined) throw missing(path.join('.'));
          parent[key] = value;
          if (!holder.generated.some((g) => g.join('.') === path.join('.'))) kept.push(path.join('.'));
        });
      }
      const url = holder.config.url;
      if (typeof url === 'string' && URL_PASSWORD.exec(url)?.[2] === REDACTED) {
        const password = typeof old?.url === 'string' ? URL_PASSWORD.exec(old.url)?.[2] : undefined;
        if (password === undefined) throw missing("the URL's password");
        holder.config.url = url.replace(URL_PASSWORD, (_, head: string) => `${head}${password}@`);
        kept.push("the URL's password");
      }
      if (old && kept.length) refuseNewDestination(holder, old, kept);
    }),
  );
  // Generated secrets left out are kept (a file without them does not rotate them), or made.
  const before = existing ? reporterConfigs(existing) : [];
  placedReporters(s).forEach((placed, i) => {
    const old = before[i]?.channel === placed.reporter.channel ? before[i] : undefined;
    const missing = (path: string[]) => {
      const value = getAt(placed.reporter, path);
      if (value !== undefined && value !== '') return false;
      const kept = old ? getAt(old, path) : undefined;
      if (kept === undefined) return true;
      setAt(placed.reporter, path, kept);
      return false;
    };
    revealed.push(...generateSecrets(placed, missing));
  });
  return s;
}
