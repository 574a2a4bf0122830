import { createHash } from 'node:crypto';
import { omit } from '../common/omit.js';
import type { Lineage } from '../datasets/definitions.js';
import type { FingerprintNames } from '../recipes/recipe-type.js';

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
 * `parts`, kept in the lineage too so that a change can be named (by `names`, the type's);
 * `settings` is `recipeSignature` alone. A type without one keeps the settings' hash, as before
 * parts existed.
 */
export interface Signature {
  value: string;
  settings: string;
  parts?: Record<string, string>;
  names?: FingerprintNames;
}

export function signatureOf(
  recipe: Record<string, unknown>,
  parts?: Record<string, string>,
  names?: FingerprintNames,
): Signature {
  const settings = recipeSignature(recipe);
  if (!parts) return { value: settings, settings };
  return { value: signedParts(settings, parts), settings, parts, ...(names ? { names } : {}) };
}

/** A type that signs parts without naming them: the keys are the names, every form current. */
const KEYS_AS_NAMES: FingerprintNames = { currentForm: () => true, describe: (changed) => changed.join(', ') };

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

/**
 * Why a recipe's signature differs from the one recorded, named as precisely as the record allows:
 * the parts of its type's fingerprint that changed, as the type names them (`library bands.py
 * changed`, `environment changed`), or its settings (`recipe changed`).
 */
export type SignatureChange = 'recipe changed' | `${string} changed` | typeof BUILT_BEFORE_FINGERPRINTS;

/**
 * A version built before its type's fingerprint was recorded (or recorded in a form the type no
 * longer takes: code's first one, one hash of all the language's libraries) cannot tell whether
 * its parts (a code recipe's libraries or environment) changed since.
 * It is stale, as an unknown is not "unchanged", but said so rather than "recipe changed": its
 * settings did not change, and one build records the fingerprint.
 */
export const BUILT_BEFORE_FINGERPRINTS = 'built before code fingerprints were recorded';

export type StaleReason = 'never built' | SignatureChange | 'input changed' | typeof CANNOT_TELL | null;

/** What a version (or a partition) recorded of the recipe that built it. */
export type RecordedSignature = Pick<Lineage, 'recipeSignature' | 'signatureParts'>;

/**
 * Why the output of a recipe is stale, or null when it is up to date. Judged by content
 * identity (recipe signature and input version ids recorded in the output's lineage),
 * never by timestamps alone.
 */
export function staleReason(
  signature: Signature,
  lineage: (RecordedSignature & Pick<Lineage, 'inputs'>) | null | undefined,
  inputTokens: Record<string, string | null>,
): StaleReason {
  if (!lineage) return 'never built';
  const changed = signatureChange(signature, lineage);
  if (changed) return changed;
  for (const [name, token] of Object.entries(inputTokens)) {
    if (token === null) return CANNOT_TELL;
    if (lineage.inputs?.[name] !== token) return 'input changed';
  }
  return null;
}

/** Why `signature` is not the recorded one; null when it is. */
export function signatureChange(signature: Signature, recorded: RecordedSignature): SignatureChange | null {
  if (recorded.recipeSignature === signature.value) return null;
  const parts = recorded.signatureParts;
  const now = signature.parts;
  if (!now) return 'recipe changed';
  if (!parts) return recorded.recipeSignature === signature.settings ? BUILT_BEFORE_FINGERPRINTS : 'recipe changed';
  // The recorded parts signed with today's settings give the recorded signature: the settings did not change.
  if (signedParts(signature.settings, parts) !== recorded.recipeSignature) return 'recipe changed';
  const names = signature.names ?? KEYS_AS_NAMES;
  if (!names.currentForm(Object.keys(parts))) return BUILT_BEFORE_FINGERPRINTS;
  const changed = [...new Set([...Object.keys(parts), ...Object.keys(now)])].filter((k) => parts[k] !== now[k]).sort();
  return changed.length ? `${names.describe(changed)} changed` : 'recipe changed';
}
