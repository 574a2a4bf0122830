import { describe, expect, it } from 'vitest';
import { findCycle, validateRecipeEdges } from './graph.js';
import { planBuild } from './planner.js';
import { recipeTypes } from '../recipes/registry.js';
import type { FingerprintNames } from '../recipes/recipe-type.js';
import { BUILT_BEFORE_FINGERPRINTS, recipeSignature, signatureOf, staleReason } from './staleness.js';

// raw → clean → by_band → report ; raw → other (independent branch)
const recipes = [
  { name: 'r_clean', type: 'sql', inputs: ['raw'], output: 'clean' },
  { name: 'r_by_band', type: 'sql', inputs: ['clean'], output: 'by_band' },
  { name: 'r_report', type: 'sql', inputs: ['by_band', 'clean'], output: 'report' },
  { name: 'r_other', type: 'sql', inputs: ['raw'], output: 'other' },
];

describe('planBuild', () => {
  it('only: just the target recipe', () => {
    expect(planBuild(['report'], 'only', recipes, () => 'never built')).toEqual([
      { recipe: 'r_report', output: 'report', outputs: ['report'], dependsOn: [], reason: 'target' },
    ]);
  });

  it('only: two outputs of one recipe (a split) are one run writing both', () => {
    const split = { name: 'r_split', type: 'split', inputs: ['report'], outputs: ['a', 'b'] };
    expect(planBuild(['a', 'b'], 'only', [...recipes, split], () => 'never built')).toEqual([
      { recipe: 'r_split', output: 'a', outputs: ['a', 'b'], dependsOn: [], reason: 'target' },
    ]);
  });

  it('recursive: everything upstream, in dependency order, nothing from other branches', () => {
    const plan = planBuild(['report'], 'recursive', recipes, () => null);
    expect(plan.map((a) => a.recipe)).toEqual(['r_clean', 'r_by_band', 'r_report']);
    expect(plan[2].dependsOn.sort()).toEqual(['r_by_band', 'r_clean']);
  });

  it('required: stale recipes and their downstream only', () => {
    const plan = planBuild(['report'], 'required', recipes, (r) => (r === 'r_by_band' ? 'recipe changed' : null));
    expect(plan.map((a) => [a.recipe, a.reason])).toEqual([
      ['r_by_band', 'recipe changed'],
      ['r_report', 'upstream rebuilt'],
    ]);
    expect(planBuild(['report'], 'required', recipes, () => null)).toEqual([]);
  });

  it('rejects targets no recipe writes', () => {
    expect(() => planBuild(['raw'], 'only', recipes, () => null)).toThrow(/raw is not written by any recipe/);
  });
});

describe('flow validation', () => {
  const datasets = new Set(['raw', 'clean', 'by_band', 'report', 'other']);
  it('names the cycle a recipe would close', () => {
    const msg = validateRecipeEdges(
      { name: 'r_back', type: 'sql', inputs: ['report'], output: 'raw' },
      recipes,
      datasets,
    );
    expect(msg).toBe('Recipe r_back would close a cycle: clean → by_band → report → raw → clean');
    expect(findCycle(recipes)).toBeNull();
  });
  it('rejects writing its own input, missing inputs and a second writer', () => {
    expect(
      validateRecipeEdges({ name: 'x', type: 'sql', inputs: ['clean'], output: 'clean' }, recipes, datasets),
    ).toMatch(/writes its own input clean/);
    expect(validateRecipeEdges({ name: 'x', type: 'sql', inputs: ['nope'], output: 'y' }, recipes, datasets)).toMatch(
      /nope does not exist/,
    );
    expect(
      validateRecipeEdges({ name: 'x', type: 'sql', inputs: ['raw'], output: 'clean' }, recipes, datasets),
    ).toMatch(/already written by recipe r_clean/);
  });
});

describe('staleness', () => {
  it('ignores descriptions but not code, and compares input identities', () => {
    const sig = signatureOf({ type: 'sql', sql: 'SELECT 1', inputs: ['x'], description: 'one' });
    const a = sig.value;
    expect(a).toBe(recipeSignature({ type: 'sql', sql: 'SELECT 1', inputs: ['x'] }));
    expect(recipeSignature({ description: 'two', inputs: ['x'], sql: 'SELECT 1', type: 'sql' })).toBe(a);
    expect(recipeSignature({ type: 'sql', sql: 'SELECT 2', inputs: ['x'] })).not.toBe(a);
    const code = { type: 'python', code: 'x = 1', inputs: ['x'] };
    expect(recipeSignature({ ...code, limits: { memoryMb: 64 } })).toBe(recipeSignature(code));
    expect(staleReason(sig, null, {})).toBe('never built');
    expect(staleReason(sig, { recipeSignature: 'other', inputs: {} }, {})).toBe('recipe changed');
    expect(staleReason(sig, { recipeSignature: a, inputs: { x: 'v1' } }, { x: 'v2' })).toBe('input changed');
    expect(staleReason(sig, { recipeSignature: a, inputs: { x: 'v1' } }, { x: 'v1' })).toBeNull();
  });

  /** How the code types name their parts, as registered (code-fingerprint.ts). */
  const code = recipeTypes.get('python').fingerprintNames;

  it('signs the parts a code recipe adds and names the one that changed while the settings did not', () => {
    const recipe = { type: 'python', code: 'x = 1', inputs: ['x'] };
    const parts = { 'library a.py': 'A1', 'library b.py': 'B1', environment: 'E1' };
    const built = signatureOf(recipe, parts, code);
    expect(built.value).not.toBe(signatureOf(recipe).value);
    const lineage = { recipeSignature: built.value, signatureParts: built.parts, inputs: { x: 'v1' } };
    const now = (changed: Record<string, string | undefined>, r = recipe) =>
      staleReason(signatureOf(r, JSON.parse(JSON.stringify({ ...parts, ...changed })) as typeof parts, code), lineage, {
        x: 'v1',
      });
    expect(now({})).toBeNull();
    expect(now({ 'library a.py': 'A2' })).toBe('library a.py changed');
    expect(now({ 'library b.py': 'B2', 'library a.py': 'A2' })).toBe('libraries a.py, b.py changed');
    // A file the code imports now, or no longer: named too.
    expect(now({ 'library c.py': 'C1' })).toBe('library c.py changed');
    expect(now({ 'library b.py': undefined })).toBe('library b.py changed');
    expect(now({ environment: 'E2' })).toBe('environment changed');
    // A library is named before the environment.
    expect(now({ environment: 'E2', 'library a.py': 'A2' })).toBe('library a.py changed');
    expect(now({ 'library a.py': 'A2' }, { ...recipe, code: 'x = 2' })).toBe('recipe changed');
  });

  it('says a version built before code fingerprints (or with their older form) cannot tell, not that the recipe changed', () => {
    const recipe = { type: 'python', code: 'x = 1', inputs: ['x'] };
    const current = signatureOf(recipe, { 'library a.py': 'A1', environment: 'E1' }, code);
    const unsigned = { recipeSignature: signatureOf(recipe).value, inputs: { x: 'v1' } };
    expect(staleReason(current, unsigned, { x: 'v1' })).toBe(BUILT_BEFORE_FINGERPRINTS);
    const older = signatureOf(recipe, { libraries: 'L1', environment: 'E1' });
    const olderLineage = { recipeSignature: older.value, signatureParts: older.parts, inputs: { x: 'v1' } };
    expect(staleReason(current, olderLineage, { x: 'v1' })).toBe(BUILT_BEFORE_FINGERPRINTS);
    // Its settings changed as well: that is the reason.
    expect(staleReason(signatureOf({ ...recipe, code: 'x = 2' }, current.parts, code), unsigned, { x: 'v1' })).toBe(
      'recipe changed',
    );
  });

  it("compares any type's parts and names a change as that type says (by its keys when it says nothing)", () => {
    const recipe = { type: 'made_up', inputs: ['x'] };
    const built = signatureOf(recipe, { 'model weights': 'W1', 'lookup table': 'T1' });
    const lineage = { recipeSignature: built.value, signatureParts: built.parts, inputs: { x: 'v1' } };
    const changed = { 'model weights': 'W2', 'lookup table': 'T2' };
    expect(staleReason(signatureOf(recipe, changed), lineage, { x: 'v1' })).toBe('lookup table, model weights changed');
    const names: FingerprintNames = {
      currentForm: (keys) => keys.includes('model weights'),
      describe: (keys) => (keys.includes('model weights') ? 'the model' : keys.join(' and ')),
    };
    expect(staleReason(signatureOf(recipe, changed, names), lineage, { x: 'v1' })).toBe('the model changed');
    expect(
      staleReason(signatureOf(recipe, { ...built.parts!, 'lookup table': 'T2' }, names), lineage, { x: 'v1' }),
    ).toBe('lookup table changed');
    // Recorded in a form the type no longer takes: it cannot tell what changed.
    const older = signatureOf(recipe, { 'lookup table': 'T1' });
    const olderLineage = { recipeSignature: older.value, signatureParts: older.parts, inputs: { x: 'v1' } };
    expect(staleReason(signatureOf(recipe, changed, names), olderLineage, { x: 'v1' })).toBe(BUILT_BEFORE_FINGERPRINTS);
  });
});
