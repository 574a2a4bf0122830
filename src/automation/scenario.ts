import { z } from 'zod';
import { badRequest } from '../common/errors.js';
import { fieldTitles } from '../common/field-titles.js';
import { parseOr400 } from '../common/parse.js';
import { sha256 } from '../common/ids.js';
import { assertObjectName } from '../common/names.js';
import type { Registry } from '../common/registry.js';
import { SCHEMA_VERSION, upgradeParams, type DefinedType } from '../common/type-definition.js';
import { reporterTypes } from './reporters/registry.js';
import { stepTypes } from './steps/registry.js';
import type { RunIf } from './steps/common.js';
import { triggerTypes } from './triggers/registry.js';
import type { SaveContext } from './types.js';

export const CONCURRENCY = ['queue', 'drop', 'parallel'] as const;
export const MISSED_RUNS = ['skip', 'run-once'] as const;

/** The scenario-level fields; triggers, steps and reporters are parsed by their own types' schemas. */
export const ScenarioSchema = z
  .object({
    id: z.string(),
    name: z.string().min(1).max(200).optional(),
    description: z.string().max(10_000).optional(),
    active: z.boolean().default(true).describe('Inactive scenarios run only by hand'),
    concurrency: z
      .enum(CONCURRENCY)
      .default('queue')
      .describe('A trigger firing while a run is going: queue it, drop it, or run in parallel'),
    missedRuns: z
      .enum(MISSED_RUNS)
      .default('skip')
      .describe('Time-trigger instants missed while the server was down: skip them, or run once'),
    runAs: z
      .string()
      .optional()
      .describe(
        'The user whose rights the runs have; defaults to whoever saves the scenario (only admins may name someone else)',
      ),
    triggers: z
      .array(z.looseObject({ type: z.string() }))
      .max(50)
      .default([]),
    steps: z
      .array(z.looseObject({ type: z.string() }))
      .max(1000)
      .default([]),
    reporters: z
      .array(z.looseObject({ channel: z.string() }))
      .max(50)
      .default([]),
  })
  .strict();

export interface TriggerConfig {
  type: string;
  id?: string;
  [param: string]: unknown;
}
export interface StepConfig {
  type: string;
  name?: string;
  runIf: RunIf;
  timeoutSeconds?: number;
  retries?: { count: number; delaySeconds: number; factor: number };
  [param: string]: unknown;
}
export interface ReporterConfig {
  channel: string;
  on: 'success' | 'warning' | 'failure' | 'always';
  template?: string;
  [param: string]: unknown;
}

export interface Scenario {
  id: string;
  name: string;
  description?: string;
  active: boolean;
  concurrency: (typeof CONCURRENCY)[number];
  missedRuns: (typeof MISSED_RUNS)[number];
  runAs?: string;
  triggers: TriggerConfig[];
  steps: StepConfig[];
  reporters: ReporterConfig[];
}

/** Runs `fn`, prefixing the message of a LlanoError it throws with where in the body it happened. */
function at<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw badRequest(`${where}: ${(e as Error).message}`);
  }
}

/** Each item parsed by its type's schema, after its stored settings are upgraded to the type's version. */
function parseEach<T>(
  items: { [k: string]: unknown }[],
  what: string,
  key: 'type' | 'channel',
  registry: Registry<DefinedType & { params: z.ZodType }>,
): T[] {
  // People read "Trigger 2 (time): Daily at: …", not a JSON path.
  const noun = { triggers: 'Trigger', steps: 'Step', reporters: 'Reporter' }[what] ?? what;
  return items.map((raw, i) => {
    const type = at(`${noun} ${i + 1}`, () => registry.get(raw[key]));
    const where = `${noun} ${i + 1} (${String(raw[key])})`;
    return parseOr400(
      type.params,
      at(where, () => upgradeParams(type, raw)),
      'value',
      { prefix: where, field: fieldTitles(type.params) },
    ) as T;
  });
}

/** Parses a scenario body with every trigger, step and reporter checked by its type's schema. */
export function parseScenario(input: unknown): Scenario {
  const b = parseOr400(ScenarioSchema, input, 'value', { prefix: 'Invalid scenario' });
  assertObjectName(b.id, 'scenario id');
  return {
    ...b,
    name: b.name ?? b.id,
    triggers: parseEach<TriggerConfig>(b.triggers, 'triggers', 'type', triggerTypes),
    steps: parseEach<StepConfig>(b.steps, 'steps', 'type', stepTypes),
    reporters: parseEach<ReporterConfig>(b.reporters, 'reporters', 'channel', reporterTypes),
  };
}

/** Checks against the catalog (datasets, connections, scenarios named) and semantic rules (cron, time zone). */
export async function validateScenario(ctx: SaveContext, s: Scenario): Promise<void> {
  const prefix = async (where: string, fn: () => Promise<void> | undefined) => {
    try {
      await fn();
    } catch (e) {
      throw badRequest(`${where}: ${(e as Error).message}`);
    }
  };
  for (const [i, t] of s.triggers.entries())
    await prefix(`Trigger ${i + 1} (${t.type})`, () => triggerTypes.get(t.type).validate?.(ctx, t));
  for (const [i, st] of s.steps.entries())
    await prefix(`Step ${i + 1} (${st.type})`, () => stepTypes.get(st.type).validate?.(ctx, st));
  const ids = s.triggers.map((t) => t.id).filter(Boolean);
  if (new Set(ids).size !== ids.length) throw badRequest('triggers: two triggers have the same id');
}

/**
 * A trigger's identity for its fire history: its id, or a hash of its settings (a changed schedule
 * starts afresh). The schema version is left out: recording it does not change what fires when.
 */
export function triggerKey(t: TriggerConfig): string {
  const settings = { ...t };
  delete settings[SCHEMA_VERSION];
  return t.id ?? `${t.type}-${sha256(JSON.stringify(settings)).slice(0, 16)}`;
}

export const stepName = (s: StepConfig, index: number): string => s.name ?? `${index + 1} ${s.type}`;
