import { createHash } from 'node:crypto';
import { omit } from '../common/omit.js';
import type { Lineage } from '../datasets/definitions.js';

/**
 * A recipe's signature: a hash of everything that decides its output (type, inputs, code,
 * parameters), but not its description or tags, nor the schema version its settings record
 * (an upgrade that changes what runs changes the settings too). A changed signature makes the
 * output stale.
 */
export function recipeSignature(recipe: Record<string, unknown>): string {
  const decisive = omit(recipe, 'description', 'tags', 'name', 'schemaVersion');
  return createHash('sha256')
    .update(JSON.stringify(sortDeep(decisive)))
    .digest('hex')
    .slice(0, 32);
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, sortDeep(x)]),
    );
  return v;
}

/** Why an input without a version token (a query of a database…) is rebuilt every time: it cannot say it did not change. */
export const CANNOT_TELL = 'source cannot tell changes: always rebuilt';

export type StaleReason = 'never built' | 'recipe changed' | 'input changed' | typeof CANNOT_TELL | null;

/**
 * Why the output of a recipe is stale, or null when it is up to date. Judged by content
 * identity (recipe signature and input version ids recorded in the output's lineage),
 * never by timestamps alone.
 */
export function staleReason(
  signature: string,
  lineage: Lineage | null | undefined,
  inputTokens: Record<string, string | null>,
): StaleReason {
  if (!lineage) return 'never built';
  if (lineage.recipeSignature !== signature) return 'recipe changed';
  for (const [name, token] of Object.entries(inputTokens)) {
    if (token === null) return CANNOT_TELL;
    if (lineage.inputs?.[name] !== token) return 'input changed';
  }
  return null;
}
