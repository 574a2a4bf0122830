import { createHash } from 'node:crypto';
import { omit } from '../common/omit.js';
import type { Lineage } from '../datasets/definitions.js';
import { LIBRARY_PART_PREFIX } from '../recipes/code/code-fingerprint.js';

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

/**
 * Why a recipe's signature differs from the one recorded, named as precisely as the record allows:
 * the library files of a code recipe that changed (`library bands.py changed`, or several), its
 * environment, or its settings (`recipe changed`).
 */
export type SignatureChange =
  | 'recipe changed'
  | `library ${string} changed`
  | `libraries ${string} changed`
  | 'environment changed'
  | typeof BUILT_BEFORE_FINGERPRINTS;

/**
 * A version built before code fingerprints were recorded (or recorded in an older form: one hash
 * of all the language's libraries) cannot tell whether its libraries or environment changed since.
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
  if (!signature.parts) return 'recipe changed';
  if (!parts) return recorded.recipeSignature === signature.settings ? BUILT_BEFORE_FINGERPRINTS : 'recipe changed';
  // The recorded parts signed with today's settings give the recorded signature: the settings did not change.
  if (signedParts(signature.settings, parts) !== recorded.recipeSignature) return 'recipe changed';
  // The only type with parts is code (code-fingerprint.ts): other keys are an older form of its fingerprint.
  if (!('environment' in parts) || Object.keys(parts).some((k) => k !== 'environment' && !isLibraryPart(k)))
    return BUILT_BEFORE_FINGERPRINTS;
  const libraries = [...new Set([...Object.keys(parts), ...Object.keys(signature.parts)])]
    .filter((k) => isLibraryPart(k) && parts[k] !== signature.parts![k])
    .map((k) => k.slice(LIBRARY_PART_PREFIX.length))
    .sort();
  if (libraries.length === 1) return `library ${libraries[0]} changed`;
  if (libraries.length > 1) return `libraries ${libraries.join(', ')} changed`;
  return parts.environment !== signature.parts.environment ? 'environment changed' : 'recipe changed';
}

/** Parts naming a library file (see code-fingerprint.ts), whose key carries the file's name. */
const isLibraryPart = (key: string) => key.startsWith(LIBRARY_PART_PREFIX);
