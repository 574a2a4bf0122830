import { z } from 'zod';
import { badRequest } from '../common/errors.js';
import { upgradeParams } from '../common/type-definition.js';
import { parseOr400 } from '../common/parse.js';
import type { CheckType } from './check-type.js';
import { checkTypes } from './checks/registry.js';

/** Catalog object kind of a dataset's quality settings (name = the dataset's name). */
export const QUALITY_KIND = 'quality';

export const SqlMetricSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'metric names: letters, digits and _'),
    sql: z
      .string()
      .min(1)
      .max(100_000)
      .describe('A SELECT naming the dataset by its name; the first column of the first row is the value'),
  })
  .strict();

export const QualitySettingsSchema = z
  .object({
    dataset: z.string(),
    metrics: z
      .object({
        afterBuild: z
          .boolean()
          .default(true)
          .describe('Compute metrics (and run checks) on every build of the dataset'),
        timeColumns: z
          .array(z.string())
          .optional()
          .describe('Columns whose newest value is the freshness metric; default: every date/timestamp column'),
        sql: z.array(SqlMetricSchema).max(50).default([]),
      })
      .strict()
      .default({ afterBuild: true, sql: [] }),
    checks: z
      .array(z.looseObject({ type: z.string() }))
      .max(200)
      .default([]),
    failBuildOnError: z
      .boolean()
      .default(false)
      .describe('A build whose output fails an ERROR check is rejected; the previous version stays current'),
  })
  .strict();
export type QualitySettings = z.infer<typeof QualitySettingsSchema>;

/** A check ready to run: its type, its parsed parameters and its unique name. */
export interface ParsedCheck {
  name: string;
  type: CheckType;
  params: { type: string; name?: string } & Record<string, unknown>;
}

/** A stored check brought up to its type's version (the settings keep checks as written, defaults unfilled). */
function upgradeCheck(raw: QualitySettings['checks'][number], i: number): QualitySettings['checks'][number] {
  const type = checkTypes.get(raw.type);
  try {
    return upgradeParams(type, raw) as typeof raw;
  } catch (e) {
    throw badRequest(`checks[${i}] (${raw.type}): ${(e as Error).message}`);
  }
}

export function parseQualitySettings(input: unknown): QualitySettings {
  const parsed = parseOr400(QualitySettingsSchema, input, 'value', { prefix: 'Invalid quality settings' });
  const settings = { ...parsed, checks: parsed.checks.map(upgradeCheck) };
  parseChecks(settings);
  return settings;
}

/** Parses every check with its type's schema; names must be unique. */
export function parseChecks(settings: QualitySettings): ParsedCheck[] {
  const out: ParsedCheck[] = [];
  settings.checks.forEach((raw, i) => {
    const type = checkTypes.get(raw.type);
    const params = parseOr400(type.params, upgradeCheck(raw, i), 'value', {
      prefix: `checks[${i}] (${raw.type})`,
    }) as ParsedCheck['params'];
    const name = params.name ?? type.defaultName(params);
    if (out.some((c) => c.name === name))
      throw badRequest(`checks[${i}]: two checks are named ${name}; give one a name`);
    out.push({ name, type, params });
  });
  return out;
}

export const defaultQualitySettings = (dataset: string): QualitySettings => ({
  dataset,
  metrics: { afterBuild: true, sql: [] },
  checks: [],
  failBuildOnError: false,
});
