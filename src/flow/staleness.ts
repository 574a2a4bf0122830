import { createHash } from 'node:crypto';
import { omit } from '../common/omit.js';
import type { Lineage } from '../datasets/definitions.js';

/**
 * A recipe's signature: a hash of everything that decides its output (type, inputs, code,
 * parameters), but not its description or tags, nor the schema version its settings record
 * (an upgrade that changes what runs changes the settings too), nor a code recipe's `limits`
 * (memory and time stop a run, never change the rows it writes). A changed signature makes the
 * output stale.
 */
export function recipeSignature(recipe: Record<string, unknown>): string {
  const decisive = omit(recipe, 'description', 'tags', 'name', 'schemaVersion', 'limits');
  return createHash('sha256')
    .update(JSON.stringify(sortDeep(decisive)))
    .digest('hex')
    .slice(0, 32);
}

/**
 * A recipe's signature as things stand: `value` is what the lineage records and staleness
 * compares. For a type with a fingerprint (code: libraries, environment) it also signs those
 * `parts`, kept in the lineage too so that a change can be named; `settings` is
 * `recipeSignature` alone. A type without one keeps the settings' hash, as before parts existed.
 */
export interface Signature {
  value: string;
  settings: string;
  parts?: Record<string, string>;
}

export function signatureOf(recipe: Record<string, unknown>, parts?: Record<string, string>): Signature {
  const settings = recipeSignature(recipe);
  return parts ? { value: signedParts(settings, parts), settings, parts } : { value: settings, settings };
}

const signedParts = (settings: string, parts: Record<string, string>) =>
  createHash('sha256')
    .update(JSON.stringify([settings, sortDeep(parts)]))
    .digest('hex')
    .slice(0, 32);

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

/** A part of a code recipe's fingerprint that changed while its settings did not. */
export type PartChanged = 'libraries changed' | 'environment changed';

export type StaleReason = 'never built' | 'recipe changed' | PartChanged | 'input changed' | typeof CANNOT_TELL | null;

/**
 * Why the output of a recipe is stale, or null when it is up to date. Judged by content
 * identity (recipe signature and input version ids recorded in the output's lineage),
 * never by timestamps alone.
 */
export function staleReason(
  signature: Signature,
  lineage: Lineage | null | undefined,
  inputTokens: Record<string, string | null>,
): StaleReason {
  if (!lineage) return 'never built';
  if (lineage.recipeSignature !== signature.value) return changedPart(signature, lineage) ?? 'recipe changed';
  for (const [name, token] of Object.entries(inputTokens)) {
    if (token === null) return CANNOT_TELL;
    if (lineage.inputs?.[name] !== token) return 'input changed';
  }
  return null;
}

/**
 * Which fingerprint part made the signature differ, when the settings did not: the recorded
 * parts signed with today's settings give the recorded signature. Null otherwise (settings
 * changed, or a version built before parts were recorded).
 */
function changedPart(signature: Signature, lineage: Lineage): PartChanged | null {
  const recorded = lineage.signatureParts;
  if (!signature.parts || !recorded || signedParts(signature.settings, recorded) !== lineage.recipeSignature)
    return null;
  if (signature.parts.libraries !== recorded.libraries) return 'libraries changed';
  if (signature.parts.environment !== recorded.environment) return 'environment changed';
  return null;
}
