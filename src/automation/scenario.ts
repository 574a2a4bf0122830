import { z } from 'zod';
import { fieldTitles } from '../common/field-titles.js';
import { listIssues } from '../common/parse.js';
import { sha256 } from '../common/ids.js';
import { assertObjectName } from '../common/names.js';
import type { Registry } from '../common/registry.js';
import { SCHEMA_VERSION, upgradeParams, type DefinedType } from '../common/type-definition.js';
import { reporterTypes } from './reporters/registry.js';
import { stepTypes } from './steps/registry.js';
import type { RunIf } from './steps/common.js';
import { triggerTypes } from './triggers/registry.js';
import { invalidScenario, SECTION_NOUNS, type ScenarioProblem, type ScenarioSection } from './scenario-problems.js';
import type { SaveContext } from './types.js';
import { displayName } from '../common/display-text.js';

export const CONCURRENCY = ['queue', 'drop', 'parallel'] as const;
export const MISSED_RUNS = ['skip', 'run-once'] as const;

/** The scenario-level fields; triggers, steps and reporters are parsed by their own types' schemas. */
export const ScenarioSchema = z
  .object({
    id: z.string(),
    name: displayName().optional(),
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

/** A scenario's items as read, each one `undefined` where it has a problem (in the reading's list). */
interface ItemsRead {
  triggers: (TriggerConfig | undefined)[];
  steps: (StepConfig | undefined)[];
  reporters: (ReporterConfig | undefined)[];
}

const SECTIONS = ['triggers', 'steps', 'reporters'] as const;
const KEYS = { triggers: 'type', steps: 'type', reporters: 'channel' } as const;
const REGISTRIES: Record<ScenarioSection, Registry<DefinedType & { params: z.ZodType }>> = {
  triggers: triggerTypes,
  steps: stepTypes,
  reporters: reporterTypes,
};

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** One item parsed by its type's schema, after its stored settings are upgraded to the type's version. */
function parseItem(
  section: ScenarioSection,
  raw: Record<string, unknown>,
  number: number,
  problems: ScenarioProblem[],
) {
  const key = KEYS[section];
  // People read "Trigger 2 (time): Daily at: …", not a JSON path.
  const noun = `${SECTION_NOUNS[section]} ${number}`;
  let type;
  try {
    type = REGISTRIES[section].get(raw[key]);
  } catch (e) {
    problems.push({ where: noun, section, number, field: key, message: messageOf(e) });
    return undefined;
  }
  const where = `${noun} (${String(raw[key])})`;
  let upgraded;
  try {
    upgraded = upgradeParams(type, raw);
  } catch (e) {
    problems.push({ where, section, number, message: messageOf(e) });
    return undefined;
  }
  const parsed = type.params.safeParse(upgraded);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  for (const issue of listIssues(parsed.error, 'value', fieldTitles(type.params)))
    problems.push({
      where,
      section,
      number,
      ...(issue.path.length ? { field: issue.path.join('.'), message: issue.text } : { message: issue.message }),
    });
  return undefined;
}

/**
 * Reads a scenario body, finding every problem rather than the first: the scenario's own fields,
 * then each trigger, step and reporter by its type's schema (an item the scenario's schema already
 * faults is not read further). `scenario` is there when nothing is wrong; `items` has each item
 * that could be read, for the checks against the catalog.
 */
function readScenario(input: unknown): { scenario?: Scenario; items: ItemsRead; problems: ScenarioProblem[] } {
  const problems: ScenarioProblem[] = [];
  const faulty = new Set<string>();
  const parsed = ScenarioSchema.safeParse(input);
  if (!parsed.success)
    for (const issue of listIssues(parsed.error, 'value')) {
      const [first, index] = issue.path;
      const section = SECTIONS.find((x) => x === first);
      if (section && typeof index === 'number') {
        faulty.add(`${section}.${index}`);
        const field = issue.path.slice(2).join('.');
        problems.push({
          where: `${SECTION_NOUNS[section]} ${index + 1}`,
          section,
          number: index + 1,
          ...(field ? { field, message: `${field}: ${issue.message}` } : { message: issue.message }),
        });
      } else
        problems.push({
          where: section ? section.charAt(0).toUpperCase() + section.slice(1) : 'Scenario',
          ...(section ? { section } : {}),
          ...(first !== undefined && !section ? { field: String(first) } : {}),
          message: first === undefined ? issue.message : issue.text,
        });
    }
  const raw = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  if (typeof raw.id === 'string')
    try {
      assertObjectName(raw.id, 'scenario id');
    } catch (e) {
      problems.push({ where: 'Scenario', field: 'id', message: messageOf(e) });
    }
  const read = (section: ScenarioSection) =>
    (Array.isArray(raw[section]) ? (raw[section] as unknown[]) : []).map((item, i) =>
      faulty.has(`${section}.${i}`) || !item || typeof item !== 'object'
        ? undefined
        : parseItem(section, item as Record<string, unknown>, i + 1, problems),
    );
  const items = {
    triggers: read('triggers') as ItemsRead['triggers'],
    steps: read('steps') as ItemsRead['steps'],
    reporters: read('reporters') as ItemsRead['reporters'],
  };
  if (!parsed.success || problems.length) return { items, problems };
  const scenario = {
    ...parsed.data,
    name: parsed.data.name ?? parsed.data.id,
    triggers: items.triggers as TriggerConfig[],
    steps: items.steps as StepConfig[],
    reporters: items.reporters as ReporterConfig[],
  };
  return { scenario, items, problems };
}

/** Parses a scenario body with every trigger, step and reporter checked by its type's schema; a 400 lists every problem. */
export function parseScenario(input: unknown): Scenario {
  const { scenario, problems } = readScenario(input);
  if (!scenario) throw invalidScenario(problems);
  return scenario;
}

/** The problems the catalog and semantic rules find (datasets, connections, scenarios named; cron, time zone). */
async function validationProblems(ctx: SaveContext, items: ItemsRead): Promise<ScenarioProblem[]> {
  const problems: ScenarioProblem[] = [];
  const check = async (section: 'triggers' | 'steps', number: number, type: string, fn: () => unknown) => {
    try {
      await fn();
    } catch (e) {
      problems.push({ where: `${SECTION_NOUNS[section]} ${number} (${type})`, section, number, message: messageOf(e) });
    }
  };
  for (const [i, t] of items.triggers.entries())
    if (t) await check('triggers', i + 1, t.type, () => triggerTypes.get(t.type).validate?.(ctx, t));
  for (const [i, st] of items.steps.entries())
    if (st) await check('steps', i + 1, st.type, () => stepTypes.get(st.type).validate?.(ctx, st));
  const ids = items.triggers.map((t) => t?.id).filter(Boolean);
  if (new Set(ids).size !== ids.length)
    problems.push({ where: 'Triggers', section: 'triggers', message: 'two triggers have the same id' });
  return problems;
}

/**
 * A body to save, read and checked in one go, so that the 400 names every problem at once: those
 * of its fields and types, and those the catalog finds in the items that could be read.
 * `check` adds problems of the caller's own (who the scenario runs as).
 */
export async function checkScenario(
  ctx: Omit<SaveContext, 'scenarioId'>,
  input: unknown,
  check?: (s: Scenario) => Promise<ScenarioProblem[]>,
): Promise<Scenario> {
  const { scenario, items, problems } = readScenario(input);
  const id = (input as { id?: unknown } | null)?.id;
  const scenarioId = scenario?.id ?? (typeof id === 'string' ? id : '');
  problems.push(...(await validationProblems({ ...ctx, scenarioId }, items)));
  if (scenario && check) problems.push(...(await check(scenario)));
  if (!scenario || problems.length) throw invalidScenario(problems);
  return scenario;
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
