import { jsonSchemaOf } from '../common/json-schema.js';
import { reporterTypes } from './reporters/registry.js';
import { ScenarioSchema } from './scenario.js';
import { stepTypes } from './steps/registry.js';
import { triggerTypes } from './triggers/registry.js';
import type { TriggerType } from './types.js';

/** The kind the API has always shown: request triggers as how they are requested (webhook, manual). */
const apiKind = (t: TriggerType) => (t.kind === 'request' ? t.via : t.kind);

/** Every trigger, step and reporter type with the JSON schema of its settings and examples: the UI builds its forms and templates from these. */
export function scenarioTypeSchemas() {
  return {
    scenario: jsonSchemaOf(ScenarioSchema),
    triggers: triggerTypes.list().map((t) => ({
      type: t.type,
      label: t.label,
      kind: apiKind(t),
      schema: jsonSchemaOf(t.params),
      examples: t.examples,
    })),
    steps: stepTypes
      .list()
      .map((s) => ({ type: s.type, label: s.label, schema: jsonSchemaOf(s.params), examples: s.examples })),
    reporters: reporterTypes
      .list()
      .map((r) => ({ channel: r.channel, label: r.label, schema: jsonSchemaOf(r.params), examples: r.examples })),
  };
}
