import { badRequest } from '../common/errors.js';
import { newSecret } from '../common/ids.js';
import { reporterTypes } from './reporters/registry.js';
import type { Scenario } from './scenario.js';

/** What the API shows instead of a secret; saving it back keeps the stored value. */
export const REDACTED = '********';

type Obj = Record<string, unknown>;

/** Every reporter configuration of a scenario: its reporters and those inside report steps. */
function reporterConfigs(s: Scenario): Obj[] {
  const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter((x): x is Obj => !!x && typeof x === 'object') : []);
  const reports = list(s.steps).filter((st) => st.type === 'report' && st.reporter && typeof st.reporter === 'object');
  return [...list(s.reporters), ...reports.map((st) => st.reporter as Obj)];
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
  for (const r of reporterConfigs(copy)) {
    for (const path of reporterTypes.find(r.channel)?.secretPaths ?? [])
      walk(r, path, (parent, key) => (parent[key] = redactValue(parent[key])));
  }
  return copy;
}

function hasRedacted(v: unknown): boolean {
  return v === REDACTED || (!!v && typeof v === 'object' && Object.values(v).some(hasRedacted));
}

/**
 * Before saving (and before validating: "********" is no URL): redacted values sent back are
 * replaced by the stored ones (same position, same channel), and webhook triggers without a
 * token get a fresh random one. Works on the raw body.
 */
export function restoreSecrets(incoming: Scenario, existing: Scenario | null): Scenario {
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
  const before = existing ? reporterConfigs(existing) : [];
  reporterConfigs(s).forEach((r, i) => {
    for (const path of reporterTypes.find(r.channel)?.secretPaths ?? []) {
      walk(r, path, (parent, key) => {
        if (!hasRedacted(parent[key])) return;
        const old = before[i]?.channel === r.channel ? before[i] : undefined;
        let value: unknown;
        if (old) walk(old, path, (p, k) => (value = p[k]));
        if (value === undefined)
          throw badRequest(
            `reporter ${String(r.channel)}: ${path.join('.')} is "${REDACTED}" but no stored value exists; give the real value`,
          );
        parent[key] = value;
      });
    }
  });
  return s;
}
