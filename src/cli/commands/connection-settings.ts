import { badRequest } from '../../common/errors.js';

/** What `GET /api/connection-types` says of one type, as far as the CLI needs it. */
export interface ConnectionTypeListed {
  type: string;
  label: string;
  adminOnly: boolean;
  secrets: string[];
  capabilities: string[];
  settings: { properties?: Record<string, { type?: string | string[]; description?: string }>; required?: string[] };
}

/**
 * Settings from `--set key=value` flags, typed as the connection type's schema says (`port=5432`
 * is a number for PostgreSQL, a path of digits stays a string for a folder); an unknown key
 * is an error naming the known ones.
 */
export function settingsFromFlags(type: ConnectionTypeListed, pairs: string[]): Record<string, unknown> {
  const properties = type.settings.properties ?? {};
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw badRequest(`--set ${pair}: expected key=value`);
    const key = pair.slice(0, eq);
    const text = pair.slice(eq + 1);
    const property = properties[key];
    if (!property)
      throw badRequest(
        `--set ${key}: ${type.type} connections have no such setting (${Object.keys(properties).join(', ')})`,
      );
    out[key] = typedValue(key, text, property.type);
  }
  return out;
}

function typedValue(key: string, text: string, type: string | string[] | undefined): unknown {
  const types = Array.isArray(type) ? type : [type];
  if (types.includes('integer') || types.includes('number')) {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) throw badRequest(`--set ${key}: expected a number, not "${text}"`);
    return n;
  }
  if (types.includes('boolean')) {
    if (text !== 'true' && text !== 'false') throw badRequest(`--set ${key}: expected true or false, not "${text}"`);
    return text === 'true';
  }
  return text;
}
