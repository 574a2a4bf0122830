import { z } from 'zod';
import { reporterTypes } from './reporters/registry.js';
import { ScenarioSchema } from './scenario.js';
import { stepTypes } from './steps/registry.js';
import { triggerTypes } from './triggers/registry.js';

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

/** Every trigger, step and reporter type with the JSON schema of its settings: the UI builds its forms from these. */
export function scenarioTypeSchemas() {
  return {
    scenario: jsonSchema(ScenarioSchema),
    triggers: triggerTypes.map((t) => ({ type: t.type, label: t.label, kind: t.kind, schema: jsonSchema(t.params) })),
    steps: stepTypes.map((s) => ({ type: s.type, label: s.label, schema: jsonSchema(s.params) })),
    reporters: reporterTypes.map((r) => ({ channel: r.channel, label: r.label, schema: jsonSchema(r.params) })),
  };
}
