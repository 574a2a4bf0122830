import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { upgradeParams } from '../src/common/type-definition.js';
import { reporterTypes } from '../src/automation/reporters/registry.js';
import { parseScenario, triggerKey } from '../src/automation/scenario.js';
import { defineStep } from '../src/automation/steps/define-step.js';
import { stepTypes } from '../src/automation/steps/registry.js';
import { triggerTypes } from '../src/automation/triggers/registry.js';
import { scenarioTypeSchemas } from '../src/automation/type-schemas.js';
import { checkTypes } from '../src/quality/checks/registry.js';
import { parseQualitySettings } from '../src/quality/quality-settings.js';
import { recipeTypes } from '../src/recipes/registry.js';
import { parseRecipe } from '../src/flow/recipes-service.js';
import { sha256 } from '../src/common/ids.js';
import { omit } from '../src/common/omit.js';

/** Every family's types with the schema their parameters are parsed by. */
const families = [
  { family: 'step', types: stepTypes.list().map((t) => ({ key: t.type, schema: t.params, examples: t.examples })) },
  {
    family: 'trigger',
    types: triggerTypes.list().map((t) => ({ key: t.type, schema: t.params, examples: t.examples })),
  },
  {
    family: 'reporter',
    types: reporterTypes.list().map((t) => ({ key: t.channel, schema: t.params, examples: t.examples })),
  },
  { family: 'check', types: checkTypes.list().map((t) => ({ key: t.type, schema: t.params, examples: t.examples })) },
  {
    family: 'recipe',
    types: recipeTypes.list().map((t) => ({ key: t.type, schema: t.schema, examples: t.examples })),
  },
];

describe('examples beside each type', () => {
  for (const { family, types } of families) {
    for (const type of types) {
      it(`${family} ${type.key}: has examples, each valid for its schema`, () => {
        expect(type.examples.length).toBeGreaterThanOrEqual(1);
        for (const example of type.examples) {
          expect(example.title.length).toBeGreaterThan(0);
          const parsed = type.schema.safeParse(example.params);
          expect(parsed.success, `${example.title}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
        }
      });
    }
  }

  it('all together they make a scenario, quality settings and recipes that parse', () => {
    const scenario = parseScenario({
      id: 'examples',
      triggers: triggerTypes.list().flatMap((t) => t.examples.map((e) => e.params)),
      steps: stepTypes.list().flatMap((t) => t.examples.map((e) => e.params)),
      reporters: reporterTypes.list().flatMap((t) => t.examples.map((e) => e.params)),
    });
    expect(scenario.steps.length).toBe(stepTypes.list().reduce((n, t) => n + t.examples.length, 0));
    const settings = parseQualitySettings({
      dataset: 'shift_metrics',
      checks: checkTypes.list().flatMap((t) => t.examples.map((e) => e.params)),
    });
    expect(settings.checks.length).toBeGreaterThan(checkTypes.list().length);
    for (const t of recipeTypes.list()) for (const e of t.examples) expect(parseRecipe(e.params).type).toBe(t.type);
  });

  it('are listed with the types the UI builds its forms from', () => {
    const api = scenarioTypeSchemas();
    expect(api.steps.find((s) => s.type === 'build')?.examples[0].params).toMatchObject({
      type: 'build',
      targets: ['shift_metrics'],
    });
    expect(api.reporters.every((r) => r.examples.length > 0)).toBe(true);
    // The schema version is shown read-only, so generated forms leave it out.
    expect(api.steps[0].schema.properties?.schemaVersion).toMatchObject({ readOnly: true });
    // Request triggers keep the kind the API has always shown.
    expect(api.triggers.find((t) => t.type === 'webhook')?.kind).toBe('webhook');
    expect(api.triggers.find((t) => t.type === 'manual')?.kind).toBe('manual');
  });
});

describe('stored parameters carry a schema version', () => {
  // A test-only step at version 2: version 1 took one `dataset`, version 2 takes `datasets`.
  const exportStep = defineStep('export-test', {
    label: 'Export (test)',
    version: 2,
    upgrades: { 1: ({ dataset, ...rest }) => ({ ...rest, datasets: [dataset] }) },
    params: z.object({ datasets: z.array(z.string()).min(1) }),
    examples: [{ title: 'Export the shift metrics', params: { datasets: ['shift_metrics'] } }],
    run: (_ctx, p) => Promise.resolve({ message: `exported ${p.datasets.join(', ')}` }),
  });

  it('reads a version 1 stored param of a version 2 type as version 2', () => {
    const stored = { type: 'export-test', name: 'Nightly export', dataset: 'shift_metrics' };
    const read = exportStep.params.parse(upgradeParams(exportStep, stored));
    expect(read).toEqual({
      type: 'export-test',
      name: 'Nightly export',
      runIf: 'previous-succeeded',
      datasets: ['shift_metrics'],
      schemaVersion: 2,
    });
    // Without the upgrade the old shape is refused: the schema only knows version 2.
    expect(exportStep.params.safeParse(stored).success).toBe(false);
    expect(() => upgradeParams(exportStep, { ...stored, schemaVersion: 3 })).toThrow(
      /settings version 3, but this Llano knows up to version 2/,
    );
  });

  it('is recorded on the items of a scenario, which read back and save again unchanged', () => {
    const stored = {
      id: 'nightly',
      triggers: [{ type: 'time', dailyAt: '06:00' }],
      steps: [{ type: 'build', targets: ['shift_metrics'] }],
      reporters: [{ channel: 'slack', url: 'https://chat.example.org/hooks/ops' }],
    };
    const read = parseScenario(stored);
    expect(read.triggers[0].schemaVersion).toBe(1);
    expect(read.steps[0].schemaVersion).toBe(1);
    expect(read.reporters[0].schemaVersion).toBe(1);
    expect(parseScenario(read)).toEqual(read);
    // A trigger's identity (its fire history) does not change when its version is recorded.
    const settings = omit(read.triggers[0], 'schemaVersion');
    expect(triggerKey(read.triggers[0])).toBe(`time-${sha256(JSON.stringify(settings)).slice(0, 16)}`);
  });

  it('answers a clear 400 for settings saved by a newer Llano', () => {
    expect(() =>
      parseScenario({
        id: 'future',
        steps: [{ type: 'noop' }, { type: 'build', targets: ['trec'], schemaVersion: 7 }],
      }),
    ).toThrow(
      'Step 2 (build): saved with settings version 7, but this Llano knows up to version 1 of this type: upgrade Llano to use them',
    );
    expect(() =>
      parseQualitySettings({ dataset: 'shift', checks: [{ type: 'unique', column: 'shift_id', schemaVersion: 2 }] }),
    ).toThrow(/checks\[0\] \(unique\): saved with settings version 2/);
    expect(() =>
      parseRecipe({ type: 'sql', name: 'r', inputs: ['shift'], output: 'o', sql: 'SELECT 1', schemaVersion: 2 }),
    ).toThrow(/saved with settings version 2/);
  });

  it("is recorded on a report step's reporter too", () => {
    const read = parseScenario({
      id: 'mid',
      steps: [{ type: 'report', reporter: { channel: 'slack', url: 'https://chat.example.org/hooks/ops' } }],
    });
    expect(read.steps[0].reporter).toMatchObject({ channel: 'slack', schemaVersion: 1 });
  });
});

// Compile-time: parameter types are inferred from the schemas, so a misspelt field does not compile.
type BuildParams = Parameters<typeof import('../src/automation/steps/build-step.js').buildStep.run>[1];
export const targetsOf = (p: BuildParams): string[] => p.targets;
// @ts-expect-error `targetz` is no build parameter
export const misspelt = (p: BuildParams): unknown => p.targetz;
